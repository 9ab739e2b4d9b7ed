"""Word lists that profile extraction (``crm.im_profile.extraction``) reads: places, titles, hobbies, products, cue
words.

Plain data, kept apart from the rules so that the rules read as rules. Places are the prefecture-level cities
and provinces customers name most, a few regions people call home (潮汕, 东北) and the districts that point to
one city.
"""

from __future__ import annotations

CITIES = (
    "北京 上海 天津 重庆 广州 深圳 东莞 佛山 珠海 中山 惠州 江门 汕头 湛江 肇庆 揭阳 潮州 清远 韶关 梅州 "
    "杭州 宁波 温州 绍兴 嘉兴 湖州 金华 台州 义乌 南京 苏州 无锡 常州 南通 扬州 徐州 镇江 昆山 "
    "成都 绵阳 武汉 宜昌 襄阳 长沙 株洲 湘潭 岳阳 衡阳 郑州 洛阳 西安 咸阳 宝鸡 合肥 芜湖 "
    "福州 厦门 泉州 漳州 莆田 南昌 赣州 济南 青岛 烟台 潍坊 威海 临沂 淄博 石家庄 保定 唐山 廊坊 "
    "太原 大同 沈阳 大连 长春 吉林 哈尔滨 大庆 呼和浩特 包头 南宁 桂林 柳州 海口 三亚 贵阳 遵义 "
    "昆明 大理 丽江 兰州 西宁 银川 乌鲁木齐 拉萨 香港 澳门 台北"
).split()

PROVINCES = (
    "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 "
    "甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆"
).split()

# Regions people name as where they come from.
REGIONS = "潮汕 东北 闽南 江浙 苏北 苏南 川渝 两广 客家 胶东 中原 西北 江南 港澳".split()

# A district or new area that names its city.
DISTRICTS = {
    "南山": "深圳", "福田": "深圳", "罗湖": "深圳", "宝安": "深圳", "龙岗": "深圳", "龙华": "深圳", "前海": "深圳",
    "天河": "广州", "越秀": "广州", "海珠": "广州", "番禺": "广州", "白云": "广州", "黄埔": "广州",
    "浦东": "上海", "徐汇": "上海", "静安": "上海", "闵行": "上海", "陆家嘴": "上海", "长宁": "上海",
"海淀": "北京", "东城": "北京", "西城": "北京", "丰台": "北京", "通州": "北京", "望京": "北京",
    "西湖区": "杭州", "滨江": "杭州", "余杭": "杭州", "高新区": "", "武侯": "成都", "锦江": "成都",
    "渝中": "重庆", "江北": "重庆", "鼓楼": "", "雁塔": "西安", "思明": "厦门", "洪山": "武汉", "武昌": "武汉",
    "汉口": "武汉", "岳麓": "长沙", "浦口": "南京", "玄武": "南京",
}  # fmt: skip

# The end of a job title; a few words before it may qualify it (销售总监, 高级工程师).
TITLE_HEADS = (
    "总经理 副总经理 经理 总监 主管 总裁 副总 董事长 董事 CEO CTO CFO COO 合伙人 创始人 "
    "工程师 程序员 架构师 设计师 分析师 研究员 会计师 建筑师 药剂师 律师 医生 护士 老师 教师 教授 讲师 "
    "会计 出纳 财务 柜员 公务员 司机 厨师 主任 店长 顾问 专员 助理 文员 客服 HR 编辑 记者 警察 军人 "
    "销售 前台 行长 科长 处长 所长 校长 园长 医师 技术员 运营 策划 翻译 导游 空姐 飞行员 模特 主播 "
    "收银员 快递员 外卖员 骑手 保安 保洁 店员 导购 营业员 服务员 美容师 理发师 教练 审计师 精算师 咨询师 规划师 "
    "造价师 建造师 工人 技工 电工 焊工 木工 代理人 经纪人 代表 PM HR"
).split()
# Words that may qualify a title from the left.
TITLE_QUALIFIERS = (
    "高级 资深 首席 区域 大区 客户 销售 产品 技术 项目 市场 财务 人事 行政 运营 研发 软件 硬件 前端 后端 "
    "算法 数据 测试 结构 机械 电气 土木 室内 平面 品牌 理财 投资 保险 信贷 大堂 采购 质量 外科 内科 儿科 "
    "牙科 主治 执业 注册 中学 小学 初中 高中 大学 英语 数学 语文 物理 幼儿 美术 音乐 体育 部门 副 总 执行 "
    "大客户 商务 业务 市场部 销售部 技术部 财务部 人事部 行政部 渠道 招商 门店 分行 支行"
).split()

# Well-known employers a chat names by their short name.
KNOWN_COMPANIES = (
    "腾讯 华为 阿里 阿里巴巴 字节 字节跳动 百度 京东 美团 小米 网易 拼多多 滴滴 快手 比亚迪 大疆 中兴 联想 "
    "格力 美的 海尔 万科 碧桂园 恒大 平安 中国平安 招商银行 招行 工商银行 工行 建设银行 建行 农业银行 农行 "
    "中国银行 中行 交通银行 浦发银行 兴业银行 中信银行 民生银行 光大银行 顺丰 中国移动 中国电信 中国联通 "
    "国家电网 南方电网 中石油 中石化 宝马 奔驰 特斯拉 微软 苹果 谷歌 IBM 英特尔 三星 宜家 中金 中信证券 "
    "富士康 蚂蚁 携程 蔚来 小鹏 理想 宁德时代 顺丰速运 海康威视 招商局"
).split()
# How an organisation's name ends.
ORG_SUFFIXES = (
    "股份有限公司 有限责任公司 有限公司 集团 公司 银行 分行 支行 保险 证券 基金 科技 医院 学校 大学 学院 中学 "
    "小学 幼儿园 研究院 研究所 事务所 律所 工作室 设计院 出版社 电视台 报社 酒店 工厂 厂"
).split()

HOBBIES = {
    "钓鱼": "钓鱼", "海钓": "钓鱼", "跑步": "跑步", "跑马拉松": "跑步", "马拉松": "跑步", "夜跑": "跑步",
    "摄影": "摄影", "拍照": "摄影", "旅游": "旅游", "旅行": "旅游", "出去玩": "旅游", "自驾游": "旅游",
    "瑜伽": "瑜伽", "羽毛球": "羽毛球", "网球": "网球", "高尔夫": "高尔夫", "阅读": "阅读", "看书": "阅读",
    "读书": "阅读", "烘焙": "烘焙", "做蛋糕": "烘焙", "徒步": "徒步", "游泳": "游泳", "篮球": "篮球",
    "足球": "足球", "登山": "登山", "爬山": "登山", "健身": "健身", "撸铁": "健身", "书法": "书法",
    "练字": "书法", "喝茶": "喝茶", "品茶": "喝茶", "饮茶": "喝茶", "围棋": "围棋", "下棋": "围棋",
    "骑行": "骑行", "骑车": "骑行", "滑雪": "滑雪", "露营": "露营", "唱歌": "唱歌", "K歌": "唱歌",
    "唱K": "唱歌", "追剧": "追剧", "刷剧": "追剧", "做饭": "做饭", "下厨": "做饭", "煮饭": "做饭",
    "养花": "养花", "种花": "养花", "广场舞": "广场舞", "乒乓球": "乒乓球", "打乒乓": "乒乓球",
    "行山": "徒步", "睇书": "阅读", "打波": "篮球", "踢波": "足球", "看看书": "阅读", "品品茶": "喝茶",
    "健身房": "健身", "练瑜伽": "瑜伽", "跑跑步": "跑步",
}  # fmt: skip

# Keyword → product category code (the catalogue's codes, SPEC S7).
INTERESTS = {
    "沙发": "sofa", "床垫": "bed", "床": "bed", "餐桌": "dining-table", "饭桌": "dining-table", "衣柜": "wardrobe",
    "衣橱": "wardrobe", "灯具": "lighting", "吊灯": "lighting", "照明": "lighting", "无主灯": "lighting",
    "台灯": "lighting", "重疾险": "critical-illness", "重疾": "critical-illness", "重大疾病": "critical-illness",
    "医疗险": "medical", "百万医疗": "medical", "医疗保险": "medical", "定期寿险": "term-life",
    "寿险": "term-life", "年金险": "annuity", "年金": "annuity", "养老金": "annuity", "教育金": "annuity",
    "增额终身寿": "annuity", "意外险": "accident", "意外保险": "accident", "定期存款": "time-deposit",
    "定存": "time-deposit", "整存整取": "time-deposit", "大额存单": "large-cd", "银行理财": "wealth",
    "理财产品": "wealth", "理财": "wealth", "基金": "fund", "定投": "fund", "房贷": "loan", "装修贷": "loan",
    "消费贷": "loan", "贷款": "loan", "按揭": "loan", "信用卡": "credit-card", "存定期": "time-deposit",
    "存点定期": "time-deposit", "存个定期": "time-deposit", "定期存": "time-deposit", "sofa": "sofa",
    "餐台": "dining-table", "credit card": "credit-card",
}  # fmt: skip

# A clause with one of these turns a product down or puts it off (SPEC B7's reject words, and more).
REJECT_CUES = (
    "不考虑 不需要 不用了 不要 不想 不感兴趣 没兴趣 没有兴趣 算了 不买 不打算 已经买了 已经有了 不做 别推 "
    "不合适 唔要 唔使 唔考虑 免了 不敢 不碰 亏了 怕了 坏了 能修 修一下 维修 差别 退货 退款 投诉 质量问题 买过 "
    "上次买的 之前买的 已经买 花了 到期了 自己会看 到了"
).split()
HOBBY_CUES = (
    "喜欢 爱好 兴趣 热爱 爱 平时 周末 经常 每天 天天 每周 常常 迷上 在学 玩 去 一有空 有空就 闲时 "
    "中意 钟意 钟情 沉迷 入坑 坚持 练 打 写 下 中午 晚上 早上 有空 年了 多年 十几年 从小 年卡 会员 报了 班"
).split()
HOBBY_NEGATIONS = "不喜欢 不爱 讨厌 不会 没兴趣 不太喜欢 不怎么 唔钟意 唔中意 受不了".split()
HYPOTHETICAL_CUES = "如果 要是 假如 等 以后 将来 打算 准备 计划 想 万一 的话 再说".split()

# People a message may be about other than the writer; the nearest one before a fact decides whose it is.
# "先生" alone is how a man names himself (我是张先生); with 我 before it, it is the husband.
SPOUSES = "老公 老婆 先生 太太 爱人 媳妇 丈夫 妻子 那口子".split()
THIRD_PARTIES = (
    "老公 老婆 太太 爱人 媳妇 丈夫 妻子 对象 男朋友 女朋友 妈妈 爸爸 妈 爸 母亲 父亲 婆婆 公公 岳父 岳母 "
    "儿子 女儿 孩子 小孩 宝宝 哥哥 姐姐 弟弟 妹妹 哥 姐 弟 妹 同事 朋友 同学 闺蜜 领导 老板 客户 邻居 亲戚 "
    "家人 表哥 表姐 表弟 表妹 舅舅 阿姨 叔叔 他 她 你 您 佢 朋友的"
).split()
SELF_REFERENCES = [*"我 本人 俺 咱 自己 我们 我哋 我地 偶".split(), "I'm", "I am"]
