"""The salesperson's terminal (SPEC S13, S9): who may use it, which conversations each person sees, what a
conversation view shows, and the card link a salesperson shares with a customer.

The terminal lives in the project package because it ties the conversation engine (``dialogue``) to the card
(links and QR codes of ``salescard``). A salesperson sees the conversations of their own customers (owned or
linked, as ``crm.access`` says); managers see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from crm.access import customers_visible_to
from crm.models import Customer, User
from dialogue.conversation_pushes import conversation_summary, message_frame
from dialogue.models import Conversation, HandOff, Message
from intent.inference import latest_prediction
from intent.models import IntentPrediction
from salescard.card_access import reissue_personal_link
from salescard.cards import issue_link
from salescard.models import CardLink, SmartCard

INBOX_SIZE = 50
STATE_ORDER = {Conversation.State.WAITING: 0, Conversation.State.SALESPERSON: 1, Conversation.State.BOT: 2}


class NoCardError(LookupError):
    """The salesperson has no smart card yet; a manager creates one in the admin."""


def visible_conversations(user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(customer__in=customers_visible_to(user)).select_related("customer", "product")


def inbox(user: User) -> list[dict[str, Any]]:
    """Open conversations, those waiting for a person first, then the most recent."""
    recent = visible_conversations(user).exclude(state=Conversation.State.CLOSED).order_by("-updated_at", "-pk")
    rows = [conversation_summary(c) for c in recent[:INBOX_SIZE]]
    return sorted(rows, key=lambda row: STATE_ORDER.get(row["state"], 3))


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    messages: list[dict[str, Any]]
    prediction: IntentPrediction | None
    pending: HandOff | None
    push_message: dict[str, Any]
    previous: Conversation | None = None  # the closed chat this one follows (closed is closed: a reopening is new)


def conversation_view(user: User, conversation_id: int) -> ConversationView | None:
    conversation = visible_conversations(user).select_related("salesperson").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    latest_handoff = conversation.handoffs.order_by("-pk").first()
    return ConversationView(
        conversation=conversation,
        messages=[message_frame(m) for m in conversation.messages.order_by("pk")],
        prediction=latest_prediction(conversation.customer),
        pending=conversation.handoffs.filter(status=HandOff.Status.PENDING).first(),
        push_message=latest_handoff.push_message if latest_handoff else {},
        previous=visible_conversations(user)
        .filter(customer=conversation.customer, pk__lt=conversation.pk, state=Conversation.State.CLOSED)
        .order_by("-pk")
        .first(),
    )


def watchable_messages(user: User, conversation_id: int, after: int) -> list[dict[str, Any]] | None:
    """Messages after ``after`` of a conversation ``user`` may see, or None when they may not see it."""
    if not visible_conversations(user).filter(pk=conversation_id).exists():
        return None
    rows = Message.objects.filter(conversation_id=conversation_id, pk__gt=after).order_by("pk")
    return [message_frame(m) for m in rows]


def shareable_customers(user: User, query: str = "") -> QuerySet[Customer]:
    customers = customers_visible_to(user).order_by("name", "pk")
    if query:
        customers = customers.filter(name__icontains=query) | customers.filter(phone__contains=query)
    return customers


def share_link(user: User, customer_id: int, *, reissue: bool = False) -> CardLink:
    """The customer's personal link of ``user``'s card (created on first share). ``reissue`` replaces it: the old
    link, and every browser bound to it, stops working at once (a link that was forwarded or leaked)."""

    customer = customers_visible_to(user).get(pk=customer_id)  # Customer.DoesNotExist when not theirs
    card = SmartCard.objects.filter(salesperson=user).first()
    if card is None:
        raise NoCardError(user.username)
    link = issue_link(card, customer)
    return reissue_personal_link(link) if reissue else link
