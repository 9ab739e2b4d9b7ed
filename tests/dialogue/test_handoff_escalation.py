"""A hand-off nobody accepts moves on (issue 17 item 1): to the customer's closest colleague, then the next, then a
manager; the customer is told each time in their language; the new person gets the push; when nobody is left the
customer is asked once to leave a number; two sweeps at once move it once."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from crm.models import Friendship
from dialogue.handoff import hand_off
from dialogue.handoff_delivery import group_for_salesperson
from dialogue.handoff_escalation import escalate, sweep_handoffs
from dialogue.models import Conversation, HandOff, Message, ScoringSettings, Situation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCEPT = 120


@pytest.fixture
def team(customer, salesperson):
    """The customer's owner (陈静), two colleagues who are the customer's IM friends — 林涛 for a year, 周敏 for a
    week — a branch clerk friend (no sales terminal) and a manager."""
    salesperson.first_name, salesperson.last_name = "静", "陈"
    salesperson.save()
    close = UserFactory(role="sales", username="lin", first_name="涛", last_name="林")
    newer = UserFactory(role="sales", username="zhou", first_name="敏", last_name="周")
    clerk = UserFactory(role="branch_staff", username="clerk", first_name="强", last_name="赵")
    manager = UserFactory(role="manager", username="boss", first_name="伟", last_name="张")
    now = timezone.now()
    Friendship.objects.create(staff=close, customer=customer, since=now - datetime.timedelta(days=365))
    Friendship.objects.create(staff=newer, customer=customer, since=now - datetime.timedelta(days=7))
    Friendship.objects.create(staff=clerk, customer=customer, since=now - datetime.timedelta(days=900))
    ScoringSettings.objects.update(handoff_accept_seconds=ACCEPT)
    return {"owner": salesperson, "close": close, "newer": newer, "clerk": clerk, "manager": manager}


@pytest.fixture
def waiting(conversation, team, django_capture_on_commit_callbacks) -> HandOff:
    with django_capture_on_commit_callbacks(execute=True):
        return hand_off(conversation, HandOff.Reason.REQUESTED)


def notes(conversation: Conversation) -> list[str]:
    return list(
        conversation.messages.filter(sender=Message.Sender.BOT, situation=Situation.ACKNOWLEDGE)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def later(handoff: HandOff, seconds: int) -> datetime.datetime:
    handoff.refresh_from_db()
    return handoff.offered_at + datetime.timedelta(seconds=seconds)


def test_a_hand_off_within_the_accept_time_stays_with_the_salesperson(waiting, team, conversation) -> None:
    assert sweep_handoffs(later(waiting, ACCEPT - 5)) == []

    waiting.refresh_from_db()
    assert waiting.assignee == team["owner"] and waiting.escalations == []
    assert notes(conversation) == []


def test_an_overdue_hand_off_goes_to_the_closest_colleague_then_the_next_then_a_manager(
    waiting, team, conversation, django_capture_on_commit_callbacks
) -> None:
    first_offer = later(waiting, 0)
    order = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            moved = sweep_handoffs(later(waiting, ACCEPT + 1))
        assert len(moved) == 1
        order.append(moved[0].to)

    assert order == [team["close"].pk, team["newer"].pk, team["manager"].pk]  # never the clerk
    waiting.refresh_from_db()
    assert waiting.status == HandOff.Status.PENDING and waiting.assignee == team["manager"]
    assert [step["user"] for step in waiting.escalations] == [team["owner"].pk, team["close"].pk, team["newer"].pk]
    assert waiting.escalations[0]["offered_at"] == first_offer.isoformat()
    assert notes(conversation) == [
        "陈静暂时走不开，我已请林涛来为您服务，请稍候。",
        "林涛暂时走不开，我已请周敏来为您服务，请稍候。",
        "周敏暂时走不开，我已请张伟来为您服务，请稍候。",
    ]


def test_the_customer_is_told_in_their_own_language(waiting, team, conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(language="yue")
    sweep_handoffs(later(waiting, ACCEPT + 1))
    Conversation.objects.filter(pk=conversation.pk).update(language="en")
    sweep_handoffs(later(waiting, ACCEPT + 1))

    cantonese, english = notes(conversation)
    assert cantonese == "陳靜暫時走唔開，我已經請林濤嚟幫你，請稍等。"  # Hong Kong characters, names included
    assert english == "林涛 cannot get to you right now, so I have asked 周敏 to help you. One moment, please."


def test_the_next_colleague_gets_the_push_marked_as_passed_on(
    waiting, team, conversation, django_capture_on_commit_callbacks, settings
) -> None:
    settings.HANDOFF_CHANNELS = ["inapp"]
    layer = get_channel_layer()
    terminal = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_for_salesperson(team["close"].pk), terminal)

    with django_capture_on_commit_callbacks(execute=True):
        sweep_handoffs(later(waiting, ACCEPT + 1))

    frame = async_to_sync(layer.receive)(terminal)
    assert frame["type"] == "handoff.created" and frame["handoff_id"] == waiting.pk
    push = frame["push"]
    assert push["escalated"] is True
    assert push["assignee"] == {"id": team["close"].pk, "name": "林涛"}
    assert push["previous"] == {"id": team["owner"].pk, "name": "陈静"}
    assert push["conversation_id"] == conversation.pk
    waiting.refresh_from_db()
    assert waiting.push_message["escalated"] is True and waiting.deliveries["inapp"] == "pushed"


def test_with_nobody_left_the_customer_is_asked_once_to_leave_a_number(waiting, team, conversation) -> None:
    for _ in range(3):  # 林涛, 周敏, 张伟
        sweep_handoffs(later(waiting, ACCEPT + 1))

    assert len(sweep_handoffs(later(waiting, ACCEPT + 1))) == 1  # nobody left: the customer is told
    assert sweep_handoffs(later(waiting, ACCEPT * 3)) == []  # … once
    assert sweep_handoffs(later(waiting, ACCEPT * 10)) == []

    texts = notes(conversation)
    assert sum("留下电话号码" in text for text in texts) == 1
    assert texts[-1] == "抱歉让您久等了，同事们都在忙。您可以留下电话号码，我们会尽快给您回电。"
    waiting.refresh_from_db()
    assert waiting.status == HandOff.Status.PENDING and waiting.assignee == team["manager"]


def test_two_sweeps_with_the_same_stale_row_move_it_once(waiting, team, conversation) -> None:
    now = later(waiting, ACCEPT + 1)
    seen_by_one = HandOff.objects.select_related("conversation__customer", "assignee").get(pk=waiting.pk)
    seen_by_other = HandOff.objects.select_related("conversation__customer", "assignee").get(pk=waiting.pk)

    first = escalate(seen_by_one, now)
    second = escalate(seen_by_other, now + datetime.timedelta(milliseconds=5))

    assert first is not None and first.to == team["close"].pk
    assert second is None
    waiting.refresh_from_db()
    assert waiting.assignee == team["close"] and len(waiting.escalations) == 1
    assert len(notes(conversation)) == 1


def test_an_accepted_hand_off_is_not_moved(waiting, team, conversation) -> None:
    from dialogue.handoff import accept_handoff

    accept_handoff(waiting, team["owner"])

    assert sweep_handoffs(later(waiting, ACCEPT * 5)) == []
    waiting.refresh_from_db()
    assert waiting.assignee == team["owner"] and notes(conversation) == []
