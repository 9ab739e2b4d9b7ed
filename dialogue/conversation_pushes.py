"""Live updates of conversations (SPEC S9, S13): what the card and the sales terminal see change.

Persist first, then push: every function here is called after the rows it describes are committed, and each
frame carries the message ids, so a client that reconnects asks for what came after its last id.

Groups (ASCII, under 100 characters):
- ``conversation.<id>`` — every socket showing the conversation: the customer's card(s) and the terminals of
  staff watching it. The frames carry the full analysis; the card's consumer strips it before it reaches the
  customer.
- ``sales.<user_id>`` — the salesperson's inbox (``dialogue.handoff_delivery.group_for_salesperson``), and
  ``sales.managers`` — every manager's inbox, since managers see all conversations.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dialogue.handoff_delivery import MANAGERS_GROUP, group_for_salesperson
from dialogue.models import Conversation, HandOff, Message


def group_for_conversation(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def message_frame(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender": message.sender,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
        "language": message.language,
        "emotion": message.emotion,
        "emotion_scores": message.emotion_scores,
        "satisfaction": message.satisfaction,
        "deal_rate": message.deal_rate,
        "reasons": message.reasons,
        "situation": message.situation,
        "actions": message.actions,
    }


def conversation_summary(conversation: Conversation) -> dict[str, Any]:
    """One row of the terminal's inbox."""
    last = conversation.messages.order_by("-pk").first()
    last_customer = conversation.messages.filter(sender=Message.Sender.CUSTOMER).order_by("-pk").first()
    pending = conversation.handoffs.filter(status=HandOff.Status.PENDING).order_by("-pk").first()
    return {
        "id": conversation.pk,
        "customer": conversation.customer.name,
        "customer_id": conversation.customer_id,
        "salesperson_id": conversation.salesperson_id,
        "product": conversation.product.name if conversation.product_id else "",
        "state": conversation.state,
        "state_label": str(conversation.get_state_display()),
        "channel": conversation.channel,
        "updated_at": conversation.updated_at.isoformat(),
        "last_text": last.text[:120] if last else "",
        "last_sender": last.sender if last else "",
        "emotion": last_customer.emotion if last_customer else "",
        "satisfaction": last_customer.satisfaction if last_customer else None,
        "deal_rate": last_customer.deal_rate if last_customer else None,
        "handoff": {"id": pending.pk, "reason": pending.reason, "detail": pending.detail} if pending else None,
    }


def publish_messages(conversation_id: int, message_ids: list[int]) -> None:
    """Push new messages to everyone showing the conversation, and the inbox row to who may see it."""
    messages = list(Message.objects.filter(pk__in=message_ids).order_by("pk"))
    send = async_to_sync(get_channel_layer().group_send)
    for message in messages:
        send(
            group_for_conversation(conversation_id),
            {"type": "chat.message", "conversation_id": conversation_id, "message": message_frame(message)},
        )
    publish_inbox(conversation_id)


def publish_suggestions(conversation_id: int, questions: list[dict[str, Any]]) -> None:
    """The "guess what you want to ask" chips after a turn (after its messages, in the same group)."""
    async_to_sync(get_channel_layer().group_send)(
        group_for_conversation(conversation_id),
        {"type": "chat.suggestions", "conversation_id": conversation_id, "suggestions": questions},
    )


def publish_state(conversation_id: int) -> None:
    """The conversation changed hands (hand-off, take-over, back to the bot, closed)."""
    conversation = Conversation.objects.select_related("salesperson").get(pk=conversation_id)
    taken_by = conversation.handoffs.filter(status=HandOff.Status.ACCEPTED).select_related("accepted_by").first()
    person = (taken_by.accepted_by if taken_by else None) or conversation.salesperson
    async_to_sync(get_channel_layer().group_send)(
        group_for_conversation(conversation_id),
        {
            "type": "chat.state",
            "conversation_id": conversation_id,
            "state": conversation.state,
            "salesperson": (person.get_full_name() or person.username) if person else "",
        },
    )
    publish_inbox(conversation_id)


def publish_inbox(conversation_id: int) -> None:
    conversation = Conversation.objects.select_related("customer", "product").get(pk=conversation_id)
    frame = {"type": "conversation.updated", "conversation": conversation_summary(conversation)}
    send = async_to_sync(get_channel_layer().group_send)
    for group in inbox_groups(conversation):
        send(group, frame)


def inbox_groups(conversation: Conversation) -> list[str]:
    """The salesperson of the chat, the customer's owner (when someone else), whoever a waiting hand-off is offered to
    now (a colleague it was passed on to) and the managers."""
    people = {pk for pk in (conversation.salesperson_id, conversation.customer.owner_id) if pk}
    people |= set(
        conversation.handoffs.filter(status=HandOff.Status.PENDING, assignee__isnull=False).values_list(
            "assignee_id", flat=True
        )
    )
    return [*(group_for_salesperson(pk) for pk in sorted(people)), MANAGERS_GROUP]
