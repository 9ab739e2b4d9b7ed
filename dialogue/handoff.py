"""Who answers the customer (SPEC S13): the conversation's state machine and the hand-off record.

    bot ──hand_off──▶ waiting ──accept──▶ salesperson ──release──▶ bot
     └──────────────────┴──────────close─────┴──────────▶ closed

Closed is closed: nobody replies to, hands back or takes over a closed conversation. When the customer writes again,
a new conversation starts (``salescard.card_chat.continue_session``), which the terminal lists as a new one.

A hand-off stores the push message the salesperson receives (greeting, the chat so far, the customer's intent,
who the customer is, and why) and is delivered after commit through ``dialogue.handoff_delivery``. A conversation
waiting for its salesperson gets no second hand-off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from base.queueing import enqueue
from crm import tenancy
from crm.models import User
from dialogue.models import Conversation, HandOff, Message
from intent.inference import latest_prediction

State = Conversation.State

ALLOWED = {
    State.BOT: {State.WAITING, State.CLOSED},
    State.WAITING: {State.SALESPERSON, State.BOT, State.CLOSED},
    State.SALESPERSON: {State.BOT, State.CLOSED},
    State.CLOSED: set(),
}
CHAT_LINES = 20


class TransitionRefusedError(ValueError):
    """The conversation cannot move to that state from where it is."""


class ConversationClosedError(TransitionRefusedError):
    """The conversation was closed: no reply, hand-back or take-over any more."""


def closed_message() -> str:
    return _(
        "This conversation is closed: it can no longer be answered, handed back or taken over. "
        "If the customer writes again, a new conversation starts."
    )


def move(conversation: Conversation, to: str) -> None:
    """Change the state (caller holds the transaction), refusing moves the state machine does not allow."""
    if to == conversation.state:
        return
    if conversation.state == State.CLOSED:
        raise ConversationClosedError(closed_message())
    if to not in ALLOWED[State(conversation.state)]:
        raise TransitionRefusedError(
            _("A conversation in state “%(from)s” cannot move to “%(to)s”.")
            % {"from": State(conversation.state).label, "to": State(to).label}
        )
    conversation.state = to
    conversation.save(update_fields=["state", "updated_at"])


def hand_off(conversation: Conversation, reason: str, detail: str = "") -> HandOff:
    """Pass the chat to the salesperson (a chat nobody owns: the first manager); the push goes out after commit.
    Idempotent while one is pending."""
    with transaction.atomic():
        pending = conversation.handoffs.filter(status=HandOff.Status.PENDING).first()
        if pending is not None:
            return pending
        move(conversation, State.WAITING)
        assignee = first_assignee(conversation)
        handoff = HandOff.objects.create(
            conversation=conversation,
            reason=reason,
            detail=detail[:300],
            assignee=assignee,
            offered_at=timezone.now(),
            push_message=build_push_message(conversation, reason, detail, assignee),
        )
    deliver_after_commit(handoff.pk)
    return handoff


def deliver_after_commit(handoff_id: int) -> None:
    """Notify the hand-off's assignee once it is committed (``base.queueing``: inside the commit when embedded)."""
    enqueue("dialogue.tasks.deliver_handoff_task", handoff_id, embedded="inline")


def first_assignee(conversation: Conversation) -> User | None:
    salesperson = conversation.salesperson
    if salesperson is not None and salesperson.is_active:
        return salesperson
    return tenancy.managers_of(conversation.customer.organisation_id).first()  # of the customer's company


def accept_handoff(handoff: HandOff, user: User) -> HandOff:
    with transaction.atomic():
        handoff = HandOff.objects.select_for_update().select_related("conversation").get(pk=handoff.pk)
        if handoff.status != HandOff.Status.PENDING:
            raise TransitionRefusedError(_("This hand-off was already taken or closed."))
        move(handoff.conversation, State.SALESPERSON)
        handoff.status, handoff.accepted_by, handoff.accepted_at = HandOff.Status.ACCEPTED, user, timezone.now()
        handoff.save(update_fields=["status", "accepted_by", "accepted_at"])
    return handoff


def release_to_bot(conversation: Conversation) -> None:
    """The salesperson is done; the bot answers again."""
    with transaction.atomic():
        move(conversation, State.BOT)
        conversation.handoffs.filter(status__in=[HandOff.Status.PENDING, HandOff.Status.ACCEPTED]).update(
            status=HandOff.Status.RELEASED
        )


def close_conversation(conversation: Conversation) -> None:
    with transaction.atomic():
        move(conversation, State.CLOSED)
        conversation.handoffs.filter(status__in=[HandOff.Status.PENDING, HandOff.Status.ACCEPTED]).update(
            status=HandOff.Status.CLOSED
        )


def build_push_message(conversation: Conversation, reason: str, detail: str, assignee: User | None = None) -> dict:
    """S13's push message: greeting, replies, intent and user info, with the reason and a readable one-line summary
    in the staff's language (the product's default UI language)."""
    with override(settings.LANGUAGE_CODE):
        return _push_message(conversation, reason, detail, assignee)


def _push_message(conversation: Conversation, reason: str, detail: str, assignee: User | None) -> dict:
    customer = conversation.customer
    lines = list(
        conversation.messages.order_by("-pk").values("sender", "text", "emotion", "satisfaction")[:CHAT_LINES]
    )[::-1]
    prediction = latest_prediction(customer)
    intents = []
    if prediction is not None:
        intents = [
            {"product_id": i.get("product_id"), "product": i.get("product", ""), "probability": i.get("probability")}
            for i in prediction.intents
        ]
    reason_label = HandOff.Reason(reason).label
    title = _("%(customer)s needs you: %(reason)s") % {"customer": customer.name, "reason": reason_label}
    last_words = next((line["text"] for line in reversed(lines) if line["sender"] == Message.Sender.CUSTOMER), "")
    product = conversation.product.name if conversation.product_id else ""
    summary = summarise(customer.name, str(reason_label), detail, product, last_words)
    senders = dict(Message.Sender.choices)
    text_lines = [str(title), summary]
    text_lines += [f"{senders.get(line['sender'], line['sender'])}: {line['text']}" for line in lines[-5:]]
    return {
        "title": str(title),
        "summary": summary,
        "text": "\n".join(text_lines),
        "reason": reason,
        "reason_label": str(reason_label),
        "detail": detail,
        "assignee": _person(assignee),
        "escalated": False,
        "conversation_id": conversation.pk,
        "greeting": conversation.greeting,
        "replies": lines,
        "intent": intents,
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "language": customer.language,
            "phone": customer.phone,
            "company": customer.company,
            "job_title": customer.job_title,
        },
        "product": product,
    }


def summarise(customer: str, reason: str, detail: str, product: str, last_words: str) -> str:
    """One line a busy salesperson reads at a glance: who, why, about what, and what they said last."""
    quoted = last_words if len(last_words) <= 60 else last_words[:59] + "…"
    parts = [_("%(customer)s — %(reason)s") % {"customer": customer, "reason": reason}]
    if detail:
        parts.append(detail)
    if product:
        parts.append(_("about %(product)s") % {"product": product})
    if quoted:
        parts.append(_("last said: “%(words)s”") % {"words": quoted})
    return _("; ").join(str(part) for part in parts)


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def salesperson_reply(conversation: Conversation, user: User, text: str) -> Message:
    """The salesperson writes to the customer; a waiting conversation becomes theirs. A closed one refuses."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == State.CLOSED:
            raise ConversationClosedError(closed_message())
        if conversation.state == State.WAITING:
            pending = conversation.handoffs.filter(status=HandOff.Status.PENDING).first()
            if pending is not None:
                accept_handoff(pending, user)
                conversation.refresh_from_db()
        if conversation.state == State.BOT:
            move(conversation, State.SALESPERSON)
        return Message.objects.create(conversation=conversation, sender=Message.Sender.SALESPERSON, text=text)
