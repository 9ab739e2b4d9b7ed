"""Answers about the company behind a card (issue 17 item 3): address, hours, payment, instalments, delivery …

Each organisation's facts become documents of a small knowledge base of their own (the same retrieval as the product
knowledge, ``dialogue.knowledge.KnowledgeBase``), titled with the words customers ask about that topic with. The
index is built per organisation and rebuilt when a fact changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max

from base.table_cache import KeyedTableCache
from crm.company import Fact, fact_languages
from crm.models import CompanyFact, Organisation
from dialogue.knowledge import Doc, KnowledgeBase

Topic = CompanyFact.Topic
RECHECK_SECONDS = 5.0

# How customers ask about each topic: the words (Mandarin, Cantonese and English) and a few whole questions, so both
# the word match and the semantic matcher (which compares questions with questions) find the topic.
TOPIC_WORDS: dict[str, str] = {
    Topic.ABOUT: "公司 你们是 介绍 背景 规模 哪家 公司简介 公司嘅 邊間 about company who are you",
    Topic.ADDRESS: "公司 地址 在哪 在哪里 在哪儿 哪里 哪儿 位置 怎么走 咋走 怎么去 怎么过去 "
    "门店 网点 展厅 分行 营业厅 到店 线下 店 喺邊 邊度 地點 "
    "address where located location store branch showroom",
    Topic.HOURS: "营业时间 几点 几点钟 开门 关门 关店 打烊 "
    "周六 周日 星期六 星期天 礼拜天 有人 什么时候 上班 下班 周末 节假日 营业 休息 开到 鐘數 "
    "opening hours open close time weekend saturday sunday saturdays sundays",
    Topic.PHONE: "电话 热线 客服 联系 号码 打电话 联系方式 phone call number hotline contact",
    Topic.PAYMENT: "付款 支付 怎么付 付钱 交钱 缴费 交 微信 支付宝 刷卡 现金 定金 尾款 俾錢 點俾 "
    "pay payment wechat alipay cash card",
    Topic.INSTALMENTS: "分期 分期付款 免息 花呗 月供 分几期 信用卡分期 分期數 instalment instalments installment "
    "monthly interest-free",
    Topic.DELIVERY: "送货 配送 发货 快递 安装 上门 几天到 多久到 运费 包邮 送到 寄 幾耐到 "
    "delivery deliver shipping ship install arrive",
    Topic.RETURNS: "退货 退换 换货 退款 退保 退钱 犹豫期 冷静期 无理由 撤销 退 攞返 "
    "return refund exchange cancel cooling-off money back",
    Topic.AFTER_SALES: "售后 保修 质保 维修 坏了 理赔 报案 报销 回访 after-sales warranty repair claim service",
    Topic.SITE: "官网 网站 网址 网页 链接 官方 website site web url online",
}
TOPIC_QUESTIONS: dict[str, tuple[str, ...]] = {
    Topic.ABOUT: (
        "你们是什么公司",
        "介绍一下你们公司",
        "你们是哪家的",
        "你们是做什么的",
        "你们主要卖什么",
        "What company are you?",
        "Which company do you work for?",
        "你哋係咩公司",
    ),
    Topic.ADDRESS: (
        "你们店在哪里",
        "地址是什么",
        "怎么去你们那里",
        "门店怎么走",
        "Where are you located?",
        "How do I get to your store?",
        "你哋間舖喺邊度",
    ),
    Topic.HOURS: (
        "你们几点开门几点关门",
        "营业时间是几点到几点",
        "周末营业吗",
        "晚上开到几点",
        "What are your opening hours?",
        "When do you close?",
        "你哋幾點開門幾點收工",
    ),
    Topic.PHONE: ("客服电话是多少", "怎么联系你们", "有热线电话吗", "What is your phone number?", "你哋電話幾多號"),
    Topic.PAYMENT: (
        "怎么付款",
        "支持哪些付款方式",
        "可以用微信支付宝吗",
        "钱怎么交",
        "How can I pay?",
        "What payment methods do you accept?",
        "可以點樣俾錢",
    ),
    Topic.INSTALMENTS: (
        "可以分期吗",
        "能分期付款吗",
        "分期有利息吗",
        "Can I pay in instalments?",
        "Do you offer monthly payments?",
        "可唔可以分期",
    ),
    Topic.DELIVERY: (
        "多久能送到",
        "送货上门吗",
        "运费怎么算",
        "包安装吗",
        "How long does delivery take?",
        "Do you deliver?",
        "幾耐送到",
    ),
    Topic.RETURNS: (
        "可以退货吗",
        "不满意能退吗",
        "怎么退款",
        "后悔了能退吗",
        "Can I return it?",
        "Can I get a refund?",
        "可唔可以退",
    ),
    Topic.AFTER_SALES: (
        "售后怎么保障",
        "坏了怎么修",
        "质保多久",
        "怎么理赔",
        "What after-sales service do you offer?",
        "How do I make a claim?",
        "壞咗點算",
    ),
    Topic.SITE: ("官网是什么", "有网站吗", "网址多少", "What is your website?", "有冇網站"),
}


def _docs(organisation_id: int, topics: list[str]) -> list[Doc]:
    """Per topic the organisation has a fact for: one document of its words, one per typical question."""
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first() or ""
    docs = []
    for topic in topics:
        # The fact's own text stays out of the index: "沙发和床架质保 5 年" must not answer "沙发什么颜色".
        words = TOPIC_WORDS.get(topic, topic) + (f" {name}" if topic == Topic.ABOUT else "")
        docs.append(Doc("company", words, "", None, None, "", spec_key=topic))
        docs += [
            Doc("company", question, "", None, None, "", spec_key=topic) for question in TOPIC_QUESTIONS.get(topic, ())
        ]
    return docs


@dataclass(frozen=True)
class _CompanyIndex:
    knowledge: KnowledgeBase
    facts: dict[str, dict[str, Fact]]  # topic → language → fact


def _build(organisation_id: int) -> _CompanyIndex:
    facts: dict[str, dict[str, Fact]] = {}
    rows = CompanyFact.objects.filter(organisation_id=organisation_id).values_list(
        "topic", "language", "text", "human_only"
    )
    for topic, language, text, human_only in rows:
        facts.setdefault(topic, {})[language] = Fact(topic, text, language, human_only)
    return _CompanyIndex(KnowledgeBase(_docs(organisation_id, sorted(facts))), facts)


def _stamp(organisation_id: int) -> tuple:
    return (
        *CompanyFact.objects.filter(organisation_id=organisation_id)
        .aggregate(n=Count("id"), latest=Max("updated_at"))
        .values(),
        Organisation.objects.filter(pk=organisation_id).values_list("updated_at", flat=True).first(),
    )


# One index per organisation, rebuilt when its facts or its name change (checked at most every few seconds).
INDEXES: KeyedTableCache[int, _CompanyIndex] = KeyedTableCache(_build, _stamp, RECHECK_SECONDS)


def _index(organisation_id: int) -> _CompanyIndex:
    return INDEXES.get(organisation_id)


@dataclass(frozen=True)
class CompanyHit:
    topic: str
    text: str  # the fact in the customer's language (or Mandarin)
    confidence: float
    human_only: bool


def company_hit(organisation_id: int | None, query: str, language: str) -> CompanyHit | None:
    """The company fact that answers the question best, in the customer's language; None when nothing fits."""
    if organisation_id is None:
        return None
    index = _index(organisation_id)
    hits = index.knowledge.search(query, languages=("",), kinds=("company",), limit=1)
    if not hits:
        return None
    topic = hits[0].doc.spec_key
    written = index.facts.get(topic, {})
    fact = next((written[lang] for lang in fact_languages(language) if lang in written), None)
    if fact is None:
        return None
    return CompanyHit(topic, fact.text, hits[0].confidence, fact.human_only)
