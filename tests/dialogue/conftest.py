"""Fixtures of the conversation-engine tests: a sofa with specs and FAQs, and a conversation about it."""

from __future__ import annotations

import pytest

from dialogue.analysis import start_conversation
from tests.factories import FAQFactory, ProductCategoryFactory, ProductFactory


@pytest.fixture
def sofa(db):
    category = ProductCategoryFactory(code="sofa", name="沙发")
    product = ProductFactory(
        category=category,
        name="云朵布艺沙发",
        specs={"material": "科技布+高回弹海绵", "warranty": "5年", "seats": 3, "price_label": "售价"},
        description="坐感柔软如云，科技布防猫抓、易打理。",
    )
    ProductFactory(category=category, name="头层牛皮电动功能沙发", colour="焦糖棕", specs={"material": "头层黄牛皮"})
    FAQFactory(
        category=category, question="沙发可以拆洗吗？", answer="可以，沙发套带拉链，可以拆下来机洗。", popularity=40
    )
    FAQFactory(category=category, question="沙发多久能送到？", answer="下单后15天内送货上门并免费安装。", popularity=30)
    FAQFactory(category=category, question="沙发有几年质保？", answer="框架质保5年，海绵质保3年。", popularity=20)
    FAQFactory(category=category, question="可以分期付款吗？", answer="支持信用卡12期免息分期。", popularity=15)
    FAQFactory(
        category=category,
        question="科技布和真皮哪个好？",
        answer="科技布防猫抓好打理，真皮更耐用有质感。",
        popularity=12,
    )
    FAQFactory(
        category=category,
        language="en",
        question="Can the sofa cover be washed?",
        answer="Yes, the cover zips off and is machine washable.",
        popularity=9,
    )
    return product


@pytest.fixture
def conversation(customer, salesperson, sofa):
    salesperson.email = "sales1@example.cn"
    salesperson.phone = "13800000000"
    salesperson.save()
    return start_conversation(customer, salesperson=salesperson, product=sofa, greeting="您好，想了解一下这款沙发吗？")
