"""Live updates of conversations (SPEC S9, S13): what the card and the sales terminal see change.

Persist first, then push (``base.pushes``): every function here may be called inside the transaction that writes
the rows it describes; the frames are built from the committed rows and sent once it commits. Each frame carries
the message ids, so a client that reconnects asks for what came after its last id.

Groups (ASCII, under 100 characters):
- ``conversation.<id>`` — every socket showing the conversation: the customer's card(s) and the terminals of
  staff watching it. The frames carry the full analysis; the card's consumer strips it before it reaches the
  customer.
- ``sales.<user_id>`` — the salesperson's inbox (``dialogue.handoff_delivery.group_for_salesperson``), and
  ``managers.<organisation id>`` — the inbox of every manager of the customer's organisation (and ``managers.all``,
  superusers above every organisation).

What follows a customer's message is decided once, here (``publish_after_customer_message``), for the card's
socket and the terminal's API alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypedDict

from base.pushes import Frame, build_after_commit
from dialogue.answers import Suggestion
from dialogue.handoff_delivery import group_for_salesperson, managers_groups_for
from dialogue.models import Conversation, HandOff, Message
from dialogue.score_explanations import explain_scores

Pushes = list[tuple[str, Frame]]


class MessageFrame(TypedDict):
    id: int
    sender: str
    text: str
    created_at: str
    language: str
    emotion: str
    emotion_scores: dict[str, float]
    satisfaction: float | None
    deal_rate: float | None
    reasons: list[str]
    situation: str
    actions: list[dict[str, Any]]
    explanation: dict[str, Any] | None


class SuggestionChip(TypedDict):
    faq_id: int
    question: str


class ChatMessage(TypedDict):
    type: Literal["chat.message"]
    conversation_id: int
    message: MessageFrame


class ChatSuggestions(TypedDict):
    type: Literal["chat.suggestions"]
    conversation_id: int
    suggestions: list[SuggestionChip]


class ChatState(TypedDict):
    type: Literal["chat.state"]
    conversation_id: int
    state: str
    salesperson: str


class ConversationUpdated(TypedDict):
    type: Literal["conversation.updated"]
    conversation: dict[str, Any]  # conversation_summary: one row of the terminal's inbox


def group_for_conversation(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def message_frame(message: Message) -> MessageFrame:
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
        # Why it got its scores, for staff; the card's customer view never passes it on (salescard.card_chat).
        "explanation": explain_scores(message),
    }


def conversation_summary(conversation: Conversation) -> dict[str, Any]:
    """One row of the terminal's inbox (``conversation`` with its customer and product)."""
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


# --- what changes, pushed after commit -----------------------------------------------------------------------------
def publish_after_customer_message(
    conversation: Conversation,
    message_ids: Sequence[int],
    suggestions: Iterable[Suggestion],
    *,
    state_changed: bool,
) -> None:
    """The one rule of what follows a customer's message (the card's socket and the terminal's API alike): the
    customer's message and every bot line, the "guess what you want to ask" chips, the state when the turn moved it
    (a hand-off), and the inbox row once. ``conversation`` is the row the turn was written with (with its customer,
    product and salesperson), so no push reads it again.

    Where the two copies of this rule disagreed (issue 18), the card's was kept: the terminal's API pushed only the
    customer's message and the *last* bot line (a turn of several lines, e.g. an answer then "a colleague is
    coming", lost the middle ones until a reload), no chips (a card open on the conversation kept stale ones) and
    the state only with a new hand-off (the card also pushed it when the state had moved under the turn). Both sent
    the inbox row after the messages and again after the state; it goes once now, last, with the same content."""
    ids = list(message_ids)
    chips = [SuggestionChip(faq_id=s.faq_id, question=s.question) for s in suggestions]

    def build() -> Pushes:
        pushes = _message_pushes(conversation.pk, ids)
        pushes.append(
            (
                group_for_conversation(conversation.pk),
                ChatSuggestions(type="chat.suggestions", conversation_id=conversation.pk, suggestions=chips),
            )
        )
        if state_changed:
            pushes.append(_state_push(conversation))
        return pushes + _inbox_pushes(conversation)

    build_after_commit(build)


def publish_messages(conversation_id: int, message_ids: list[int]) -> None:
    """New messages to everyone showing the conversation, and the inbox row to who may see it."""
    build_after_commit(lambda: _message_pushes(conversation_id, message_ids) + _inbox_pushes(_read(conversation_id)))


def publish_state(conversation_id: int) -> None:
    """The conversation changed hands (hand-off, take-over, back to the bot, closed)."""

    def build() -> Pushes:
        conversation = _read(conversation_id)
        return [_state_push(conversation), *_inbox_pushes(conversation)]

    build_after_commit(build)


def publish_inbox(conversation_id: int) -> None:
    """The inbox row (e.g. of a conversation that just started)."""
    build_after_commit(lambda: _inbox_pushes(_read(conversation_id)))


def inbox_groups(conversation: Conversation) -> list[str]:
    """The salesperson of the chat, the customer's owner (when someone else), whoever a waiting hand-off is offered to
    now (a colleague it was passed on to) and the managers."""
    people = {pk for pk in (conversation.salesperson_id, conversation.customer.owner_id) if pk}
    people |= set(
        conversation.handoffs.filter(status=HandOff.Status.PENDING, assignee__isnull=False).values_list(
            "assignee_id", flat=True
        )
    )
    return [
        *(group_for_salesperson(pk) for pk in sorted(people)),
        *managers_groups_for(conversation.customer.organisation_id),
    ]


# --- frames, built after the commit --------------------------------------------------------------------------------
def _read(conversation_id: int) -> Conversation:
    return Conversation.objects.select_related("customer", "product", "salesperson").get(pk=conversation_id)


def _message_pushes(conversation_id: int, message_ids: list[int]) -> Pushes:
    group = group_for_conversation(conversation_id)
    return [
        (group, ChatMessage(type="chat.message", conversation_id=conversation_id, message=message_frame(message)))
        for message in Message.objects.filter(pk__in=message_ids).order_by("pk")
    ]


def _state_push(conversation: Conversation) -> tuple[str, Frame]:
    taken_by = conversation.handoffs.filter(status=HandOff.Status.ACCEPTED).select_related("accepted_by").first()
    person = (taken_by.accepted_by if taken_by else None) or conversation.salesperson
    frame = ChatState(
        type="chat.state",
        conversation_id=conversation.pk,
        state=conversation.state,
        salesperson=(person.get_full_name() or person.username) if person else "",
    )
    return group_for_conversation(conversation.pk), frame


def _inbox_pushes(conversation: Conversation) -> Pushes:
    frame = ConversationUpdated(type="conversation.updated", conversation=conversation_summary(conversation))
    return [(group, frame) for group in inbox_groups(conversation)]
