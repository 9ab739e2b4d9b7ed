"""``analyze_reply``: one customer message → emotion, K, P, answer, suggestions and actions, stored together."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.utils import timezone

from dialogue.analysis import analyze_reply
from dialogue.config import get_scoring
from dialogue.handoff import accept_handoff, hand_off
from dialogue.models import EMOTIONS, FAQ, Conversation, HandOff, Message
from dialogue.sms import ConsoleSmsBackend
from dialogue.text import MAX_REPLY_CHARS, ReplyRefusedError
from intent.models import IntentFeedback

pytestmark = pytest.mark.django_db(transaction=False)


def test_question_gets_the_faq_answer_and_new_suggestions(conversation):
    faq = FAQ.objects.get(question="沙发可以拆洗吗？")
    popularity = faq.popularity

    result = analyze_reply(conversation, "这个沙发的套子可以拆洗吗？")

    assert "拉链" in result.answer
    assert result.answer_confidence >= 0.3
    assert set(result.emotion.scores) == set(EMOTIONS)
    assert sum(result.emotion.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert 0.0 <= result.emotion.polarity <= 1.0
    assert 3 <= len(result.suggestions) <= 5
    assert faq.pk not in {s.faq_id for s in result.suggestions}
    faq.refresh_from_db()
    assert faq.popularity == popularity + 1
    customer_message, bot_message = conversation.messages.order_by("pk")[1:]
    assert customer_message.sender == Message.Sender.CUSTOMER
    assert customer_message.emotion in EMOTIONS
    assert customer_message.satisfaction == result.satisfaction.score
    assert bot_message.text == result.answer
    assert bot_message.faq_id == faq.pk


def test_spec_question_is_answered_from_the_product_specs(conversation):
    result = analyze_reply(conversation, "这款沙发是什么材质的？")
    assert "科技布" in result.answer


def test_price_question_fills_the_price_slot(conversation):
    result = analyze_reply(conversation, "这个沙发多少钱？")
    assert result.situation == "price_question"
    assert "5,999" in result.answer


def test_complaint_hands_off_with_reasons_and_updates_the_intent(
    conversation, settings, django_capture_on_commit_callbacks
):
    settings.HANDOFF_CHANNELS = ["inapp", "email", "sms"]
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"sales.{conversation.salesperson_id}", channel)
    sent_sms = len(ConsoleSmsBackend.sent)

    with django_capture_on_commit_callbacks(execute=True):
        result = analyze_reply(conversation, "太贵了，质量也很差，我非常不满意！")

    assert result.satisfaction.below_threshold
    assert "price" in result.satisfaction.reasons
    assert result.emotion.lexicon_rule == "dissatisfied"
    assert {"type": "hand_off", "reason": "low_satisfaction", "handoff_id": result.handoff_id} in result.actions
    assert IntentFeedback.objects.filter(
        customer=conversation.customer, product=conversation.product, signal="dissatisfied", source="card"
    ).exists()
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.WAITING
    handoff = HandOff.objects.get(pk=result.handoff_id)
    assert handoff.push_message["greeting"] == "您好，想了解一下这款沙发吗？"
    assert handoff.push_message["replies"][-1]["text"] == "太贵了，质量也很差，我非常不满意！"
    assert handoff.push_message["customer"]["name"] == conversation.customer.name
    assert "价格" in handoff.detail and "太贵" in handoff.detail
    pushed = async_to_sync(layer.receive)(channel)
    assert pushed["type"] == "handoff.created"
    assert pushed["handoff_id"] == handoff.pk
    assert mail.outbox and mail.outbox[-1].to == ["sales1@example.cn"]
    assert len(ConsoleSmsBackend.sent) == sent_sms + 1
    handoff.refresh_from_db()
    assert handoff.deliveries == {"inapp": "pushed", "email": "sent", "sms": "logged"}


def test_ready_buyer_is_offered_the_purchase_link(conversation):
    result = analyze_reply(conversation, "我要买，怎么下单？")
    assert result.deal_rate.above_threshold
    assert {
        "type": "offer_purchase_link",
        "product_id": conversation.product_id,
        "url": conversation.product.purchase_url,
    } in result.actions
    assert result.situation == "purchase"
    assert result.answer


def test_a_question_the_bot_cannot_answer_is_clarified_first_then_handed_off_after_repeated_misses(conversation):
    first = analyze_reply(conversation, "你们老板的电话号码是多少？")
    assert first.behaviour == "clarify" and first.handoff_id is None
    assert first.answer  # never silence: "您是想问…吗？" or what the bot can help with
    second = analyze_reply(conversation, "你们老板叫什么名字？")
    assert second.behaviour == "handoff" and second.handoff_reason == HandOff.Reason.REPEATED_MISSES
    assert {"type": "hand_off", "reason": "repeated_misses", "handoff_id": second.handoff_id} in second.actions
    assert "李明" in second.answer  # who is coming


def test_while_waiting_every_message_gets_an_answer_or_an_acknowledgement(conversation):
    first = analyze_reply(conversation, "转人工")
    assert first.behaviour == "handoff" and first.handoff_reason == HandOff.Reason.REQUESTED
    answered = analyze_reply(conversation, "沙发套可以拆洗吗？")
    assert answered.behaviour == "answer" and "拆" in answered.answer
    waiting = analyze_reply(conversation, "快点回复我")
    assert waiting.behaviour == "acknowledge" and "李明" in waiting.answer
    assert {"type": "forward_to_salesperson"} in waiting.actions
    again = analyze_reply(conversation, "人呢？转人工")
    assert again.answer and again.answer != waiting.answer  # never the same words twice in a row
    assert HandOff.objects.filter(conversation=conversation).count() == 1
    callback = analyze_reply(conversation, "我的电话是13912345678")
    assert callback.behaviour == "acknowledge" and "139****5678" in callback.answer
    handoff = HandOff.objects.get(conversation=conversation)
    assert handoff.push_message["callback_phone"] == "13912345678"


def test_while_the_salesperson_has_the_chat_the_bot_stays_quiet(conversation, salesperson):
    handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    accept_handoff(handoff, salesperson)
    quiet = analyze_reply(conversation, "快点回复我")
    assert quiet.answer is None and quiet.behaviour == "quiet"
    assert {"type": "forward_to_salesperson"} in quiet.actions


def test_the_bot_says_so_when_the_person_who_took_over_goes_silent(conversation, salesperson):
    handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    accept_handoff(handoff, salesperson)
    long_ago = timezone.now() - datetime.timedelta(seconds=get_scoring().salesperson_silence_seconds + 5)
    HandOff.objects.filter(pk=handoff.pk).update(accepted_at=long_ago)
    noted = analyze_reply(conversation, "还在吗？")
    assert noted.behaviour == "quiet" and "李明" in noted.answer
    assert analyze_reply(conversation, "喂？").answer is None  # said once per silence


def test_yes_to_did_you_mean_gets_that_answer(conversation):
    faq = FAQ.objects.get(question="沙发可以拆洗吗？")
    Message.objects.create(conversation=conversation, sender="customer", text="套子脏了咋办", analysis={})
    Message.objects.create(
        conversation=conversation, sender="bot", text="您是想问「沙发可以拆洗吗？」吗？", situation="clarify", faq=faq
    )
    confirmed = analyze_reply(conversation, "是的")
    assert confirmed.behaviour == "answer" and "拉链" in confirmed.answer


def test_rejection_demotes_the_product(conversation):
    analyze_reply(conversation, "这款我不考虑了")
    assert IntentFeedback.objects.filter(product=conversation.product, signal="rejected").exists()


def test_english_customer_gets_an_english_answer(conversation):
    result = analyze_reply(conversation, "Can the sofa cover be washed?")
    assert result.language == "en"
    assert "machine washable" in result.answer


def test_traditional_characters_are_understood(conversation):
    result = analyze_reply(conversation, "這個沙發可以拆洗嗎？")
    assert "拉链" in result.answer


def test_cantonese_reply_is_detected(conversation):
    result = analyze_reply(conversation, "呢張梳化幾多錢？")
    assert result.language == "yue"


@pytest.mark.parametrize("text", ["", "   \n\t ", None, "长" * (MAX_REPLY_CHARS + 1)])
def test_refused_input_stores_nothing_and_keeps_the_conversation(conversation, text):
    analyze_reply(conversation, "这个沙发可以拆洗吗？")
    before = list(conversation.messages.values_list("pk", "text"))
    with pytest.raises(ReplyRefusedError):
        analyze_reply(conversation, text)
    assert list(conversation.messages.values_list("pk", "text")) == before


def test_ten_thousand_characters_are_refused_with_the_limit_in_the_message(conversation):
    with pytest.raises(ReplyRefusedError, match=str(MAX_REPLY_CHARS)):
        analyze_reply(conversation, "好" * 10_000)


def test_emoji_only_reply_is_analysed_without_error(conversation):
    result = analyze_reply(conversation, "😂😂👍")
    assert result.emotion.label in EMOTIONS
    assert Message.objects.filter(pk=result.message_id, text="😂😂👍").exists()


def test_html_is_stored_as_given(conversation):
    text = "<script>alert('x')</script>沙发可以拆洗吗"
    result = analyze_reply(conversation, text)
    assert Message.objects.get(pk=result.message_id).text == text


def test_mixed_chinese_and_english_is_analysed(conversation):
    result = analyze_reply(conversation, "这个sofa的material是什么？质量good吗")
    assert result.emotion.label in EMOTIONS
    assert result.message_id


@pytest.mark.parametrize("text", ["我要转人工", "让销售联系我吧", "I want to talk to someone"])
def test_asking_for_a_person_hands_off_at_once(conversation, text):
    result = analyze_reply(conversation, text)
    assert result.situation == "human"
    assert {"type": "hand_off", "reason": "requested", "handoff_id": result.handoff_id} in result.actions
    assert HandOff.objects.get(pk=result.handoff_id).reason == HandOff.Reason.REQUESTED


def test_dissatisfaction_updates_the_intent_prediction(conversation, django_capture_on_commit_callbacks):
    from intent.models import IntentPrediction

    before = IntentPrediction.objects.filter(customer=conversation.customer).count()
    with django_capture_on_commit_callbacks(execute=True):
        analyze_reply(conversation, "太贵了，我不满意")
    assert IntentPrediction.objects.filter(customer=conversation.customer).count() == before + 1
