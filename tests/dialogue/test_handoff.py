"""The hand-off state machine (S13): bot → waiting → salesperson → bot, closed, and refused moves."""

from __future__ import annotations

import asyncio

import pytest

from dialogue.handoff import (
    TransitionRefusedError,
    accept_handoff,
    close_conversation,
    hand_off,
    release_to_bot,
    salesperson_reply,
)
from dialogue.models import Conversation, HandOff, Message

State = Conversation.State


def test_hand_off_accept_release_cycle(conversation, salesperson):
    handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    assert conversation.state == State.WAITING
    accept_handoff(handoff, salesperson)
    conversation.refresh_from_db()
    handoff.refresh_from_db()
    assert conversation.state == State.SALESPERSON
    assert handoff.status == HandOff.Status.ACCEPTED
    assert handoff.accepted_by == salesperson
    release_to_bot(conversation)
    conversation.refresh_from_db()
    handoff.refresh_from_db()
    assert conversation.state == State.BOT
    assert handoff.status == HandOff.Status.RELEASED


def test_second_hand_off_while_waiting_returns_the_pending_one(conversation):
    first = hand_off(conversation, HandOff.Reason.NO_ANSWER)
    second = hand_off(conversation, HandOff.Reason.LOW_SATISFACTION)
    assert first.pk == second.pk
    assert HandOff.objects.filter(conversation=conversation).count() == 1


def test_a_taken_hand_off_cannot_be_taken_again(conversation, salesperson, manager):
    handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    accept_handoff(handoff, salesperson)
    with pytest.raises(TransitionRefusedError):
        accept_handoff(handoff, manager)
    handoff.refresh_from_db()
    assert handoff.accepted_by == salesperson


def test_closed_conversation_cannot_be_handed_off(conversation):
    close_conversation(conversation)
    with pytest.raises(TransitionRefusedError):
        hand_off(conversation, HandOff.Reason.REQUESTED)
    assert not HandOff.objects.filter(conversation=conversation).exists()
    conversation.refresh_from_db()
    assert conversation.state == State.CLOSED


def test_salesperson_reply_takes_the_waiting_chat(conversation, salesperson):
    hand_off(conversation, HandOff.Reason.NO_ANSWER)
    message = salesperson_reply(conversation, salesperson, "您好，我是您的顾问，马上为您解答。")
    conversation.refresh_from_db()
    assert conversation.state == State.SALESPERSON
    assert message.sender == Message.Sender.SALESPERSON
    assert HandOff.objects.get(conversation=conversation).status == HandOff.Status.ACCEPTED


def test_push_message_carries_greeting_replies_intent_and_customer(conversation):
    Message.objects.create(conversation=conversation, sender=Message.Sender.CUSTOMER, text="我想问问价格")
    handoff = hand_off(conversation, HandOff.Reason.NO_ANSWER, "no answer")
    push = handoff.push_message
    assert push["greeting"] == conversation.greeting
    assert [line["text"] for line in push["replies"]][-1] == "我想问问价格"
    assert push["customer"]["id"] == conversation.customer_id
    assert push["product"] == conversation.product.name
    assert "intent" in push


def test_a_chat_nobody_owns_is_delivered_to_the_managers(conversation, manager, django_capture_on_commit_callbacks):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    Conversation.objects.filter(pk=conversation.pk).update(salesperson=None)
    conversation.refresh_from_db()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"managers.{conversation.customer.organisation_id}", channel)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    assert async_to_sync(layer.receive)(channel)["handoff_id"] == handoff.pk
    handoff.refresh_from_db()
    assert handoff.deliveries["inapp"] == "pushed"


def test_a_hand_off_reaches_only_the_managers_of_the_customers_organisation(
    conversation, manager, django_capture_on_commit_callbacks
):
    """Issue 19: another company's managers hear nothing of it, and nobody of another company is offered it."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from crm.models import Organisation
    from dialogue.handoff_delivery import recipients_of
    from tests.factories import UserFactory

    other = Organisation.objects.create(name="招财银行")
    other_manager = UserFactory(username="other-manager", role="manager", organisation=other)
    Conversation.objects.filter(pk=conversation.pk).update(salesperson=None)
    conversation.refresh_from_db()
    layer = get_channel_layer()
    ours, theirs = async_to_sync(layer.new_channel)(), async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"managers.{conversation.customer.organisation_id}", ours)
    async_to_sync(layer.group_add)(f"managers.{other.pk}", theirs)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = hand_off(conversation, HandOff.Reason.REQUESTED)
    assert async_to_sync(layer.receive)(ours)["handoff_id"] == handoff.pk
    assert other_manager not in recipients_of(handoff)
    assert handoff.assignee != other_manager

    async def hears_nothing(channel: str) -> bool:
        try:
            await asyncio.wait_for(layer.receive(channel), 0.3)
        except TimeoutError:
            return True
        return False

    assert async_to_sync(hears_nothing)(theirs)
