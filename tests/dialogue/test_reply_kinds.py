"""What a customer's sentence calls for (SPEC V6, V7; dialogue/calls/reply_kinds.py): an angry complaint an apology
with a remedy, interest the next step, "busy" a brief callback offer; a goodbye only when the customer is ending."""

from __future__ import annotations

import pytest

from dialogue.calls.reply_kinds import read_customer


@pytest.mark.parametrize(
    ("text", "emotion", "kind"),
    [
        ("我的沙发到现在还没送到", "angry", "apology_remedy"),
        ("我的卡莫名其妙被扣了一笔年费", "angry", "apology_remedy"),
        ("好的，我想去看看", "joyful", "next_step"),
        ("那我明天去网点办一下", "joyful", "next_step"),
        ("我现在在开会，不方便说", "calm", "callback_offer"),
        ("太贵了，可以打折吗", "calm", "objection_price"),
        ("大额存单能提前取吗", "calm", "answer_info"),
        ("好的，谢谢，再见", "joyful", "goodbye"),
        ("别再给我打电话了", "angry", "do_not_disturb"),
    ],
)
def test_the_first_kind_is_what_a_salesperson_would_say(text, emotion, kind):
    assert read_customer(text, emotion).kinds[0] == kind


def test_an_upset_or_engaged_customer_is_not_ending_the_call():
    complaint = read_customer("我的沙发到现在还没送到", "angry")
    assert complaint.upset and complaint.engaged and not complaint.may_end
    assert not read_customer("这个沙发多少钱", "calm").may_end
    assert read_customer("行，那就这样吧，拜拜", "calm").may_end


def test_busy_said_calmly_is_a_callback_said_angrily_ends_the_call():
    calm = read_customer("现在有事，不要说了", "calm")
    angry = read_customer("现在有事，不要说了", "angry")
    assert calm.kinds[0] == "callback_offer" and not calm.may_end
    assert angry.kinds[0] == "do_not_disturb" and angry.may_end


def test_refusing_further_calls_wins_over_the_complaint_word_in_it():
    assert read_customer("再打我就投诉你们", "angry").act == "refusal"
    assert read_customer("已经超过约定时间十天了，再不送到我就投诉了", "angry").act == "complaint"


def test_a_sentence_without_cues_keeps_the_complaint_before_it():
    reading = read_customer("嗯", "calm", ["我的沙发到现在还没送到"])
    assert reading.act == "complaint" and reading.carried and reading.kinds[0] == "apology_remedy"
