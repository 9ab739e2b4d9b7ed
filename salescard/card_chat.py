"""The card's chat (SPEC S9, S11–S14): a customer message in, the analysed turn stored, then pushed.

The socket consumer calls these functions; they keep the rules: a rate limit per link, persist before push,
missed messages for a reconnecting client, and what of a message the customer may see (never the analysis).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from base.tts import speech_url
from dialogue.analysis import ReplyAnalysis, analyze_reply, start_conversation
from dialogue.conversation_pushes import message_frame, publish_after_customer_message, publish_inbox
from dialogue.handoff import ConversationClosedError
from dialogue.models import Conversation, Message
from dialogue.text import MAX_REPLY_CHARS, ReplyRefusedError
from salescard.card_access import is_bound
from salescard.cards import LinkGoneError, LinkNotFoundError, resolve_link
from salescard.models import CardVisit
from salescard.services import ui_language

MISSED_LIMIT = 200


class ChatRefusedError(ValueError):
    """The message is not accepted; the text says why, in the customer's language."""


class ChatClosedError(ChatRefusedError):
    """The salesperson closed the chat: the message belongs to a new conversation (``continue_session``)."""


class NotTheCustomerError(PermissionError):
    """The personal link is opened on a browser that is not bound to it (``salescard.card_access``)."""


@dataclass(frozen=True)
class ChatSession:
    """What a card socket needs to know about its conversation."""

    link_token: str
    conversation_id: int
    language: str
    product_id: int | None
    product_name: str
    state: str


def open_session(token: str, device_id: str | None) -> ChatSession:
    """The conversation behind a live personal link (the one its latest card visit opened), for its bound browser."""
    link = resolve_link(token)  # LinkNotFoundError / LinkGoneError
    if link.customer_id is None:
        raise LinkNotFoundError(token)
    if not is_bound(link, device_id):
        raise NotTheCustomerError(token)
    visit = _latest_visit(link)
    if visit is None:
        raise LinkGoneError(token)
    return _session(token, visit.conversation)


def continue_session(session: ChatSession) -> ChatSession:
    """The session the customer's next message goes to: the same one, or — when the salesperson closed the chat —
    a new conversation (closed is closed: a reopened chat is a new conversation the terminal lists as new)."""
    conversation = Conversation.objects.select_related("product").get(pk=session.conversation_id)
    if conversation.state != Conversation.State.CLOSED:
        return session
    link = resolve_link(session.link_token)
    visit = _latest_visit(link)
    with transaction.atomic():
        fresh = start_conversation(
            conversation.customer,
            salesperson=conversation.salesperson,
            product=conversation.product,
            channel=Conversation.Channel.CARD,
        )
        # The card's socket and a reloaded page find the chat through the link's latest visit.
        CardVisit.objects.create(
            link=link,
            customer=conversation.customer,
            conversation=fresh,
            greeting=visit.greeting if visit else "",
            language=visit.language if visit else conversation.language,
            product=conversation.product,
            intents=visit.intents if visit else [],
            intent_is_fallback=visit.intent_is_fallback if visit else False,
            usage_consent=visit.usage_consent if visit else False,
            personality=visit.personality if visit else "",
            communication_type=visit.communication_type if visit else "",
        )
    publish_inbox(fresh.pk)
    return _session(session.link_token, fresh)


def _latest_visit(link) -> CardVisit | None:  # noqa: ANN001 - a CardLink
    return (
        CardVisit.objects.filter(link=link, conversation__isnull=False)
        .select_related("conversation__product")
        .order_by("-opened_at", "-pk")
        .first()
    )


def _session(token: str, conversation: Conversation) -> ChatSession:
    return ChatSession(
        link_token=token,
        conversation_id=conversation.pk,
        language=conversation.language,
        product_id=conversation.product_id,
        product_name=conversation.product.name if conversation.product_id else "",
        state=conversation.state,
    )


def customer_says(session: ChatSession, text: object) -> ReplyAnalysis:
    """Analyse and answer the customer's message, then push the stored turn to every listener."""
    if not isinstance(text, str):
        raise ChatRefusedError(_refusal(session, "text must be a string"))
    limit, window = settings.CARD_CHAT_RATE
    since = timezone.now() - datetime.timedelta(seconds=window)
    recent = Message.objects.filter(
        conversation__card_visits__link__token=session.link_token,
        sender=Message.Sender.CUSTOMER,
        created_at__gte=since,
    ).distinct()
    if recent.count() >= limit:
        raise ChatRefusedError(_refusal(session, "rate", limit=limit, window=window))
    try:
        analysis = analyze_reply(session.conversation_id, text)
    except ReplyRefusedError as error:
        key = error.code if error.code in REFUSALS else "text must be a string"
        raise ChatRefusedError(_refusal(session, key, length=error.length, most=MAX_REPLY_CHARS)) from error
    except ConversationClosedError as error:
        raise ChatClosedError(_refusal(session, "closed")) from error
    publish_after_customer_message(
        analysis.conversation, analysis.message_ids, analysis.suggestions, state_changed=analysis.state_changed
    )
    return analysis


def missed_messages(session: ChatSession, after: int) -> list[dict[str, Any]]:
    """Messages stored after id ``after``, as the customer sees them."""
    rows = Message.objects.filter(conversation_id=session.conversation_id, pk__gt=after).order_by("pk")[:MISSED_LIMIT]
    return [customer_view(session, message_frame(m)) for m in rows]


def customer_view(session: ChatSession, message: dict[str, Any]) -> dict[str, Any]:
    """A message as the customer's card shows it: no emotion, scores or reasons; spoken when not theirs."""
    view = {k: message[k] for k in ("id", "sender", "text", "created_at")}
    if message["sender"] != Message.Sender.CUSTOMER:
        view["speech"] = speech_url(message["text"], message.get("language") or session.language)
    actions = message.get("actions") or []
    if any(a.get("type") == "withdraw_purchase_offer" for a in actions):
        view["withdraw_purchase"] = True
    offer = next((a for a in actions if a.get("type") == "offer_purchase_link"), None)
    if offer is not None:
        view["purchase"] = {
            "product_id": offer["product_id"],
            "product": session.product_name,
            "url": offer["url"],
            "qr": reverse("card-qr", args=[session.link_token]) + f"?product={offer['product_id']}",
        }
    return view


REFUSALS = {
    "rate": gettext_noop(
        "You are sending messages too quickly: at most %(limit)s messages in %(window)s seconds. Please wait a moment."
    ),
    "text must be a string": gettext_noop("Send the message as text."),
    "closed": gettext_noop("This chat was closed. Write again to start over."),
    "not_text": gettext_noop("Send the message as text."),
    "empty": gettext_noop("The message is empty."),
    "too_long": gettext_noop(
        "The message is too long: %(length)s characters. Please send at most %(most)s characters at a time."
    ),
}


def _refusal(session: ChatSession, key: str, **values: object) -> str:
    with override(ui_language(session.language)):
        return _(REFUSALS[key]) % values if values else _(REFUSALS[key])
