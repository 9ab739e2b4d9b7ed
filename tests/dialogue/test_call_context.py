"""A call's scene and the relations between its sentences (SPEC V2), from the transcript."""

from __future__ import annotations

import pytest

from dialogue.models import Situation
from dialogue.sentence_context import SCENES, is_question, relations, scene_of
from dialogue.speech.recognition import first_emotion
from tests.conftest import reseed_migrated_defaults


@pytest.mark.parametrize(
    ("text", "question"),
    [("这个多少钱？", True), ("有没有现货", True), ("能不能便宜点", True), ("是不是包安装", True), ("好不好用", True),
     ("你们周末开门吗", True), ("How much is it", True), ("好的，我知道了", False), ("太贵了", False),
     ("我下午三点有空。", False)],
)  # fmt: skip
def test_questions(text, question):
    assert is_question(text) is question


def test_relations_between_sentences():
    texts = [
        "您好，我是招商银行的小陈",
        "大额存单利率多少？",
        "目前是百分之二点一五",
        "那起存金额呢？",
        "二十万起",
        "好的",
    ]
    assert relations(texts) == ["statement", "question", "answer", "follow_up", "answer", "statement"]
    assert relations(["还要多久？", "什么时候送到？"]) == ["question", "follow_up"]
    assert relations([]) == []


def test_every_situation_has_a_scene():
    assert {scene_of(s) for s in Situation.values} <= set(SCENES)
    assert scene_of(Situation.PRICE_OBJECTION) == "objection" and scene_of("unknown") == "general"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "scene"),
    [("你好，在吗", "opening"), ("这个沙发多少钱", "pre_sale"), ("太贵了，能不能便宜点", "objection"),
     ("质量太差了，我要投诉", "after_sale"), ("好的，我现在就下单", "closing")],
)  # fmt: skip
def test_the_scene_of_what_a_customer_says(text, scene):
    reseed_migrated_defaults()
    assert scene_of(first_emotion(text, "zh-hans").situation) == scene
