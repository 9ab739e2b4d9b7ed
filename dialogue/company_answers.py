"""Answers about the company behind a card (issue 17 item 3): address, hours, payment, instalments, delivery …

Each organisation's facts become documents of a small knowledge base of their own (the same retrieval as the product
knowledge, ``dialogue.knowledge.KnowledgeBase``), titled with the words customers ask about that topic with. The
index is built per organisation and rebuilt when a fact changes.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from crm.company import fact_languages
from crm.models import CompanyFact
from dialogue.knowledge import Doc, Hit, KnowledgeBase

Topic = CompanyFact.Topic
RECHECK_SECONDS = 5.0

# How customers ask about each topic (Mandarin, Cantonese and English words; the question words are part of it).
TOPIC_WORDS: dict[str, str] = {
    Topic.ABOUT: "公司 你们是 介绍 背景 规模 哪家 公司简介 about company who are you 公司嘅 邊間",
    Topic.ADDRESS: "公司 地址 在哪 在哪里 哪里 位置 怎么走 门店 网点 展厅 分行 营业厅 到店 线下 店 喺邊 邊度 地點 "
    "address where located location store branch showroom",
    Topic.HOURS: "营业时间 几点 开门 关门 上班 下班 周末 节假日 营业 休息 开到 幾點 鐘數 "
    "opening hours open close time weekend",
    Topic.PHONE: "电话 热线 客服 联系 号码 打电话 联系方式 電話 phone call number hotline contact",
    Topic.PAYMENT: "付款 支付 怎么付 付钱 微信 支付宝 刷卡 现金 定金 尾款 俾錢 點俾 "
    "pay payment wechat alipay cash card",
    Topic.INSTALMENTS: "分期 分期付款 免息 花呗 月供 分几期 信用卡分期 分期數 instalment instalments installment "
    "monthly interest-free",
    Topic.DELIVERY: "送货 配送 发货 快递 安装 上门 几天到 多久到 运费 包邮 送到 寄 送貨 幾耐到 "
    "delivery deliver shipping ship install arrive",
    Topic.RETURNS: "退货 退换 换货 退款 退保 犹豫期 冷静期 无理由 撤销 退 退錢 "
    "return refund exchange cancel cooling-off",
    Topic.AFTER_SALES: "售后 保修 质保 维修 坏了 理赔 报案 回访 售後 維修 after-sales warranty repair claim service",
    Topic.SITE: "官网 网站 网址 网页 链接 官方 網站 website site web url online",
}


def _docs(organisation_id: int) -> list[Doc]:
    rows = CompanyFact.objects.filter(organisation_id=organisation_id).values_list("topic", "language", "text", "pk")
    return [
        Doc("company", TOPIC_WORDS.get(topic, topic), text, None, None, language, spec_key=topic)
        for topic, language, text, _ in rows
    ]


class _CompanyIndexes:
    """One knowledge base per organisation, rebuilt when its facts change (checked at most every few seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[tuple, float, KnowledgeBase, frozenset[str]]] = {}

    def get(self, organisation_id: int) -> tuple[KnowledgeBase, frozenset[str]]:
        now = time.monotonic()
        entry = self._entries.get(organisation_id)
        if entry is not None and now - entry[1] < RECHECK_SECONDS:
            return entry[2], entry[3]
        stamp = tuple(
            CompanyFact.objects.filter(organisation_id=organisation_id)
            .aggregate(n=Count("id"), latest=Max("updated_at"))
            .values()
        )
        with self._lock:
            entry = self._entries.get(organisation_id)
            if entry is None or entry[0] != stamp:
                human = frozenset(
                    CompanyFact.objects.filter(organisation_id=organisation_id, human_only=True).values_list(
                        "topic", flat=True
                    )
                )
                entry = (stamp, now, KnowledgeBase(_docs(organisation_id)), human)
            else:
                entry = (stamp, now, entry[2], entry[3])
            self._entries[organisation_id] = entry
        return entry[2], entry[3]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


INDEXES = _CompanyIndexes()


def company_hit(organisation_id: int | None, query: str, language: str) -> tuple[Hit | None, bool]:
    """The best company fact for the question, and whether its topic is one only a person answers."""
    if organisation_id is None:
        return None, False
    knowledge, human_topics = INDEXES.get(organisation_id)
    hits = knowledge.search(query, languages=fact_languages(language), kinds=("company",), limit=1)
    if not hits:
        return None, False
    return hits[0], hits[0].doc.spec_key in human_topics
