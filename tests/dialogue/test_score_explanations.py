"""Every score explains itself (issue 21): the explanation of a customer message's K, P and emotion lists the signals
that actually produced them, from the figures stored with the message."""

from __future__ import annotations

import pytest

from dialogue.analysis import analyze_reply
from dialogue.config import get_scoring
from dialogue.models import Message
from dialogue.score_explanations import explain_scores

pytestmark = pytest.mark.django_db


def customer_message(conversation, text: str) -> Message:
    analyze_reply(conversation, text)
    return Message.objects.filter(conversation=conversation, sender=Message.Sender.CUSTOMER).latest("pk")


def test_the_k_explanation_rebuilds_k_from_its_own_weights_shares_and_words(conversation) -> None:
    message = customer_message(conversation, "太贵了，质量也很差，我非常不满意！")
    k = explain_scores(message)["K"]
    cfg = get_scoring()
    assert (k["alpha"], k["beta"], k["threshold"]) == (cfg.alpha, cfg.beta, cfg.satisfaction_threshold)
    # The figures shown give the score shown: K = α·A + β·B.
    assert k["alpha"] * k["A"] + k["beta"] * k["B"] == pytest.approx(message.satisfaction, abs=1e-3)
    # The words are the ones that matched, and the reasons name the words they were read from.
    assert any("贵" in word for word in k["negative_words"]) and any("差" in word for word in k["negative_words"])
    assert [code for code, _ in k["reasons"]] == message.reasons and "price" in message.reasons
    assert all(word for _, word in k["reasons"])


def test_the_p_explanation_shows_the_intent_words_and_rebuilds_p(conversation) -> None:
    message = customer_message(conversation, "我要买，怎么下单？")
    p = explain_scores(message)["P"]
    assert p["intent_words"], p
    assert sum(len(word) for word in p["intent_words"]) == p["C"]
    assert min(1.0, p["gamma"] * p["C"] / p["D"]) == pytest.approx(message.deal_rate, abs=1e-3)


def test_the_emotion_explanation_names_the_model_and_the_blend(conversation) -> None:
    message = customer_message(conversation, "太贵了，质量也很差，我非常不满意！")
    emotion = explain_scores(message)["emotion"]
    assert emotion["value"] == message.emotion
    assert emotion["lexicon_rule"] == "dissatisfied" and emotion["lexicon_words"]
    cfg = get_scoring()
    assert (emotion["lexicon_weight"], emotion["model_weight"]) == (cfg.lexicon_weight, cfg.model_weight)
    if message.analysis.get("model_version"):  # with an active model, its three likeliest emotions are listed
        assert len(emotion["model_top"]) == 3


def test_bot_messages_and_rows_without_an_analysis_explain_nothing(conversation) -> None:
    customer_message(conversation, "沙发多少钱？")
    bot = Message.objects.filter(conversation=conversation, sender=Message.Sender.BOT).latest("pk")
    assert explain_scores(bot) is None
    old = Message.objects.create(
        conversation=conversation, sender=Message.Sender.CUSTOMER, text="旧消息", satisfaction=0.5
    )
    assert explain_scores(old) is None


def test_a_message_analysed_before_weights_were_stored_shows_no_weights_rather_than_todays(conversation) -> None:
    message = customer_message(conversation, "太贵了，质量也很差！")
    message.analysis.pop("weights")
    k = explain_scores(message)["K"]
    assert k["alpha"] is None and k["A"] is not None
