"""What demo customers do online, by product category: apps, search queries and articles (SPEC S1, B4).

Apps name the product categories they hint at, so that installed apps and their daily minutes carry signal about
preferences; common apps (WeChat, Douyin, Taobao …) carry none.
"""

from __future__ import annotations

from dataclasses import dataclass

HOME = ("sofa", "bed", "dining-table", "wardrobe", "lighting")


@dataclass(frozen=True)
class App:
    name: str
    category: str  # the app store category, shown as ``app_category``
    hints: tuple[str, ...]  # product category codes its users lean to; empty for everyday apps
    minutes: int  # typical daily minutes of a regular user
    install_share: float  # share of customers who have it regardless of preferences


APPS = (
    App("微信", "社交", (), 90, 1.0),
    App("抖音", "短视频", (), 70, 0.75),
    App("淘宝", "购物", (), 25, 0.8),
    App("美团", "生活服务", (), 15, 0.6),
    App("拼多多", "购物", (), 20, 0.45),
    App("高德地图", "出行", (), 10, 0.55),
    App("小红书", "社区", (), 35, 0.4),
    App("哔哩哔哩", "视频", (), 45, 0.3),
    App("京东", "购物", (), 15, 0.45),
    App("今日头条", "资讯", (), 30, 0.3),
    App("王者荣耀", "游戏", (), 60, 0.15),
    App("好好住", "家居", ("sofa", "dining-table", "lighting"), 20, 0.02),
    App("宜家家居", "家居", HOME, 15, 0.03),
    App("一兜糖家居", "家居", ("wardrobe", "bed", "lighting"), 15, 0.01),
    App("贝壳找房", "房产", ("loan", "wardrobe", "bed"), 20, 0.05),
    App("平安好医生", "医疗健康", ("medical", "critical-illness"), 12, 0.05),
    App("蚂蚁保", "保险", ("critical-illness", "medical", "accident", "term-life"), 8, 0.05),
    App("水滴保", "保险", ("critical-illness", "term-life"), 8, 0.02),
    App("宝宝树孕育", "母婴", ("critical-illness", "annuity"), 20, 0.02),
    App("Keep", "运动健身", ("accident",), 20, 0.06),
    App("个人养老金", "社保", ("annuity", "time-deposit"), 5, 0.02),
    App("招商银行", "银行", ("time-deposit", "large-cd", "wealth"), 8, 0.1),
    App("同花顺", "证券", ("fund",), 35, 0.05),
    App("天天基金", "基金", ("fund", "wealth"), 20, 0.03),
    App("蚂蚁财富", "理财", ("wealth", "fund"), 12, 0.08),
    App("掌上生活", "信用卡", ("credit-card",), 10, 0.05),
    App("云闪付", "支付", ("credit-card", "loan"), 6, 0.06),
    App("度小满", "借贷", ("loan",), 6, 0.02),
)

SEARCHES = {
    "sofa": ("布艺沙发 三人位", "科技布沙发 优缺点", "真皮沙发哪个牌子好", "奶油风沙发 推荐"),
    "bed": ("实木床 1.8米", "儿童上下铺 安全吗", "高箱储物床 推荐", "床垫 软硬 怎么选"),
    "dining-table": ("岩板餐桌 伸缩", "实木圆餐桌 带转盘", "餐桌 尺寸 6人"),
    "wardrobe": ("全屋定制 多少钱一平", "衣柜 E0级板材", "玻璃门衣柜 实用吗"),
    "lighting": ("无主灯设计 效果", "客厅吊灯 推荐", "智能灯 米家 套装"),
    "critical-illness": ("重疾险 哪款好", "少儿重疾险 推荐", "重疾险 多次赔付 有必要吗", "重疾险 保额 多少合适"),
    "medical": ("百万医疗险 对比", "高端医疗险 值得买吗", "父母 防癌险"),
    "term-life": ("定期寿险 保额 怎么算", "房贷 寿险 需要吗", "定期寿险 健康告知"),
    "annuity": ("养老年金险 收益", "教育金 怎么规划", "增额终身寿 靠谱吗", "个人养老金 抵税"),
    "accident": ("意外险 推荐", "骑行 意外险", "户外运动 保险"),
    "time-deposit": ("定期存款利率 2025", "三年定期 利率", "存款 哪家银行利息高"),
    "large-cd": ("大额存单 利率", "大额存单 可以转让吗", "20万 怎么存 最划算"),
    "wealth": ("银行理财 稳健", "现金管理类理财 收益", "理财 R2 风险大吗"),
    "fund": ("沪深300 定投", "基金 怎么选", "债券基金 收益", "科技基金 还能买吗"),
    "loan": ("房贷利率 最新", "装修贷 利率", "消费贷 哪个利息低", "提前还房贷 划算吗"),
    "credit-card": ("信用卡 免年费", "白金卡 权益", "信用卡 额度 怎么提"),
}

ARTICLES = {
    "sofa": ("小户型客厅怎么选沙发？看完这篇不踩坑", "科技布、真皮、棉麻沙发面料大比拼"),
    "bed": ("卧室床的尺寸怎么选？1.5米还是1.8米", "儿童床选购的五个安全细节"),
    "dining-table": ("岩板餐桌真的好用吗？用了三年的真实感受", "餐厅布置：圆桌还是方桌"),
    "wardrobe": ("全屋定制避坑指南：板材、五金和报价", "衣柜内部格局这样设计，收纳翻倍"),
    "lighting": ("无主灯设计到底适不适合你家", "灯光色温怎么选？3000K还是4000K"),
    "critical-illness": ("重疾险买多少保额才够？一文讲清", "给孩子买保险，先买重疾还是医疗"),
    "medical": ("百万医疗险的免赔额是什么意思", "父母60岁了，还能买什么保险"),
    "term-life": ("家庭经济支柱为什么需要定期寿险", "房贷200万，寿险保额该怎么定"),
    "annuity": ("35岁开始规划养老，还来得及吗", "教育金和增额终身寿，怎么选"),
    "accident": ("意外险的这些条款，买前一定要看", "爱运动的人如何配置意外险"),
    "time-deposit": ("存款利率又降了，定期还值得存吗", "定期存款和大额存单有什么区别"),
    "large-cd": ("大额存单的转让功能怎么用", "20万闲钱，大额存单还是理财"),
    "wealth": ("银行理财风险等级R1到R5是什么意思", "现金管理类理财和余额宝哪个好"),
    "fund": ("基金定投的微笑曲线", "指数基金入门：从沪深300开始"),
    "loan": ("LPR下调后，房贷月供能省多少", "装修贷和消费贷，哪个更划算"),
    "credit-card": ("信用卡免息期怎么算最长", "一张白金卡能带来哪些权益"),
}

CARD_TABS = ("Products", "Cases", "Chat", "Official site")
OFFICIAL_SITE = "https://www.salescard.example/"
CARD_URL = "https://card.salescard.example/{username}"
