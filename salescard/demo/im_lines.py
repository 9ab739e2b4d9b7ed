"""What people say in the demo IM chats (SPEC P2): staff lines in Mandarin, customer lines in the customer's language.

Customer lines come in Mandarin, Cantonese (written colloquially, in simplified characters) and English. Some carry
personal facts that profile extraction can find: a new phone number, a wedding, an employer, children, a new flat.
"""

from __future__ import annotations

from crm.models import Customer, ProductCategory

Language = Customer.Language
Line = ProductCategory.LineOfBusiness

ZH, YUE, EN = Language.MANDARIN, Language.CANTONESE, Language.ENGLISH

INTRO_TOPICS = {Line.BANKING: "存款、理财和贷款", Line.HOME: "家居和装修", Line.INSURANCE: "保险保障"}


def intro_topic(lines: tuple[str, ...]) -> str:
    """What a salesperson offers to help with, by the lines of business they sell."""
    if set(lines) == {Line.BANKING, Line.INSURANCE}:
        return "存款、理财、保险和贷款"
    return INTRO_TOPICS[lines[0]] if lines else "产品和服务"


INTRO = "{call}您好，我是{staff}，{title}。以后{topic}方面有任何问题都可以随时找我～"
INTRO_REPLIES = {
    ZH: ("好的，谢谢{surname}老师", "你好，已添加", "好的，有需要找你", "收到，谢谢！"),
    YUE: ("好呀，唔该晒！", "你好，加咗喇", "收到，有需要搵你"),
    EN: ("Hi, thanks for adding me!", "Great, I'll reach out if I need anything."),
}

PITCH = "{call}您好，给您推荐一款{product}（{details}），{price_label}¥{price}，感兴趣的话我把详细资料发您～"
ASKS_FIRST = {
    ZH: ("你好，上次在名片上看到的{product}还有吗？想了解一下", "请问{product}现在有活动吗？"),
    YUE: ("你好，上次睇到嗰款{product}仲有冇？想了解下", "{product}而家有冇优惠呀？"),
    EN: ("Hi, is the {product} still available? I'd like to know more.",),
}
# Customers ask about what a product is: furniture, insurance, savings (deposits, wealth, funds) or credit.
TOPICS = {
    "sofa": "home", "bed": "home", "dining-table": "home", "wardrobe": "home", "lighting": "home",
    "critical-illness": "insurance", "medical": "insurance", "term-life": "insurance", "annuity": "insurance",
    "accident": "insurance", "time-deposit": "savings", "large-cd": "savings", "wealth": "savings", "fund": "savings",
    "loan": "credit", "credit-card": "credit",
}  # fmt: skip
QUESTIONS = {
    "home": {
        ZH: ("有现货吗？多久能送到？", "这个颜色耐脏吗？", "能便宜点吗？", "我周末带家里人去店里看看实物"),
        YUE: ("有冇现货？几耐送到？", "呢个颜色耐唔耐污？", "可唔可以平啲？", "我周末同屋企人去店度睇下"),
        EN: ("Is it in stock? How long is delivery?", "Can you do a better price?"),
    },
    "insurance": {
        ZH: ("等待期多久？", "体检有甲状腺结节还能买吗？", "给孩子买的话一年多少钱？", "我再对比一下其他家的"),
        YUE: ("等待期几耐？", "有结节仲可唔可以买？", "帮细路买一年几钱？", "我再比较下先"),
        EN: ("How long is the waiting period?", "Can I still buy it with a thyroid nodule?"),
    },
    "savings": {
        ZH: ("收益稳定吗？会不会亏本？", "可以提前取出来吗？", "起购金额是多少？", "利率后面还会降吗？"),
        YUE: ("回报稳唔稳阵？会唔会蚀本？", "可唔可以提早攞返？", "最少要买几多？"),
        EN: ("Is the return stable? Could I lose money?", "Can I take the money out early?"),
    },
    "credit": {
        ZH: ("利率最低多少？", "审批要多久？", "需要准备什么材料？", "可以提前还款吗？"),
        YUE: ("利率最低几多？", "批要几耐？", "要准备啲咩文件？"),
        EN: ("What is the lowest rate?", "How long does approval take?"),
    },
}
ANSWERS = {
    "home": (
        "现货有的，下单后15天内送装到家。",
        "这周店庆，到手价还能再优惠5%，您看什么时候方便来店里？",
        "面料可以用湿巾直接擦，家里有小朋友和宠物也不怕。",
    ),
    "insurance": (
        "等待期{waiting}，我把条款和健康告知发您，您先看一下。",
        "可以先做个智能核保，不影响以后在其他公司投保。",
        "保费和年龄、保额有关，我按您家的情况做个方案给您。",
    ),
    "savings": (
        "这款风险等级{risk}，{rate}，{term}。",
        "存款受存款保险保护，50万以内本息全额保障。",
        "{price_label}¥{price}，手机银行上就能直接购买，我把操作步骤发您。",
    ),
    "credit": (
        "审批一般1–3个工作日，线上就能办。",
        "提前还款没有违约金，按实际天数计息。",
        "准备好身份证和收入证明就可以，我先帮您预审一下。",
    ),
}
# (customer's closing line, how staff answer it)
CLOSINGS = {
    ZH: (("好的，我考虑一下", "later"), ("行，发我链接吧", "link"), ("可以，那帮我预约一下", "booked"),
         ("暂时不需要，谢谢", "no")),
    YUE: (("好呀，我谂下先", "later"), ("得，send个link俾我", "link"), ("唔该帮我约个时间", "booked"),
          ("唔使住，唔该", "no")),
    EN: (("OK, let me think about it.", "later"), ("Sure, send me the link.", "link"), ("Not for now, thanks.", "no")),
}  # fmt: skip
CLOSING_REPLIES = {
    "later": "好的，不着急，有问题随时找我～",
    "link": "好的，这是购买链接：{url}，有问题随时找我。",
    "booked": "好的，已经帮您预约好了，到时候提前提醒您～",
    "no": "好的，打扰了，有需要随时找我～",
}

# Personal facts a customer mentions, by kind; {new_phone}, {company}, … are filled from the profile.
FACTS = {
    "phone": {
        ZH: "我电话换了，新号码是 {new_phone}",
        YUE: "我电话换咗，新号码系 {new_phone}",
        EN: "I changed my number, the new one is {new_phone}.",
    },
    "wedding": {
        ZH: "下个月我们结婚，到时候请你喝喜酒！",
        YUE: "下个月我哋结婚，到时请你饮喜酒！",
        EN: "We're getting married next month!",
    },
    "job": {
        ZH: "我现在在{company}做{job_title}",
        YUE: "我而家喺{company}做{job_title}",
        EN: "I work at {company} now.",
    },
    "child": {
        ZH: "我们家宝宝今年{child_age}岁了，想给孩子规划一下",
        YUE: "我个细路今年{child_age}岁喇，想帮佢计划下",
        EN: "Our kid turns {child_age} this year, we want to plan ahead.",
    },
    "new_home": {
        ZH: "我们刚在{district}买了房，正准备装修",
        YUE: "我哋啱啱喺{district}买咗楼，准备装修",
        EN: "We just bought a flat in {district} and are about to renovate.",
    },
    "hometown": {ZH: "我老家是{hometown}的", YUE: "我乡下系{hometown}", EN: "I'm originally from {hometown}."},
    "birthday": {
        ZH: "我生日是{month}月{day}号",
        YUE: "我生日系{month}月{day}号",
        EN: "My birthday is on {month}/{day}.",
    },
    "hobby": {
        ZH: "最近迷上了{hobby}，周末基本都在忙这个",
        YUE: "最近好钟意{hobby}",
        EN: "I've been really into {hobby} lately.",
    },
    "retired": {ZH: "我去年退休了，现在时间多了", YUE: "我旧年退休咗，而家得闲好多", EN: "I retired last year."},
}
FACT_REPLIES = {
    "phone": "好的，已经帮您更新联系方式了。",
    "wedding": "恭喜恭喜！新婚快乐，有需要随时找我～",
    "job": "厉害！工作忙也要注意身体呀。",
    "child": "孩子的教育和保障确实要早点规划，我整理些资料给您。",
    "new_home": "恭喜乔迁！装修有什么需要随时问我。",
    "hometown": "难怪！我也很喜欢那边的美食。",
    "birthday": "记住啦，到时候提前祝您生日快乐！",
    "hobby": "好爱好！注意安全哈。",
    "retired": "退休生活好惬意！养老规划方面有需要随时找我。",
}

CHECK_INS = ("周末愉快！最近降温了，注意保暖～", "中秋快乐！祝您和家人团团圆圆。", "新年快乐，祝您万事如意！")
CHECK_IN_REPLIES = {
    ZH: ("谢谢，你也是！", "同乐同乐～"),
    YUE: ("多谢，你都系！", "同乐同乐～"),
    EN: ("Thanks, you too!",),
}

GROUP_CHATTER = {
    ZH: ("群里有人用过{product}吗？体验怎么样？", "今天的分享很有用，谢谢老师", "{question}"),
    YUE: ("群入面有冇人用过{product}？", "今日分享好有用，唔该晒", "{question}"),
    EN: ("Has anyone here tried the {product}?", "Thanks for today's session!"),
}
GROUP_ANSWER = "@{name} {answer}"
