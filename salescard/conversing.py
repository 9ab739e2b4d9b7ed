"""A whole card chat from the server side (issue 17 item 7): ``manage.py converse`` and the chat-quality bench.

The messages go through the card socket's own path — ``card_chat.customer_says`` on a ``ChatSession`` — so the
analysis, the answer, the hand-off, the acknowledgement and the pushes are the ones a customer's phone gets. What
differs is only how the session is found: the command is a trusted server-side tool, so it opens the customer's
personal link directly (as the card page does after the browser is bound, ``services.assemble_card``) instead of
binding a browser, and it is not held to the per-link rate limit a customer's phone is (``CARD_CHAT_RATE``).

Without a customer, the messages come from a new visitor lead of the card's public link, as when someone opens a
forwarded card and agrees to the notice (``cards.create_lead``). Everything the caller gives is checked before
anything is stored.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from django.db import transaction
from django.test.utils import override_settings

from crm.models import Customer, Product
from dialogue.analysis import ReplyAnalysis, start_conversation
from dialogue.models import Conversation
from dialogue.text import ReplyRefusedError, validate_reply
from salescard.card_access import public_link
from salescard.card_chat import ChatClosedError, ChatSession, continue_session, customer_says
from salescard.cards import create_lead, issue_link
from salescard.models import CardLink, CardVisit, SmartCard
from salescard.services import assemble_card

LANGUAGES = tuple(Customer.Language.values)  # zh-hans, yue, en
VISITOR_NAME = "访客（converse）"
NO_RATE_LIMIT = (10**9, 60)


class ConverseError(ValueError):
    """The request cannot be run; the text says which input is wrong. Nothing was stored."""


@dataclass(frozen=True)
class ConverseRequest:
    card: SmartCard
    customer: Customer | None  # None: a new visitor lead of the card's public link
    product: Product | None
    language: str | None
    continued: CardVisit | None  # with --continue: the visit whose conversation goes on
    messages: tuple[str, ...]


@dataclass(frozen=True)
class Turn:
    """One customer message and what the bot did with it (one JSON line of ``converse``)."""

    message: str
    reply: str | None  # every bot text produced for the message, joined; None when the bot said nothing
    situation: str
    emotion: str
    K: float  # noqa: N815 - the names of SPEC S12 and S14
    P: float  # noqa: N815
    handoff: str | None  # the hand-off's reason, when the message caused one
    purchase: bool  # the purchase link was offered
    behaviour: str  # ReplyAnalysis.behaviour: answer, clarify, handoff, purchase, acknowledge or quiet
    conversation_id: int
    ms: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Summary:
    conversation_id: int
    conversations: list[int]  # more than one when the salesperson closed the chat on the way
    customer_id: int
    link_token: str
    messages: int
    answered: int
    handoffs: int
    purchase_offers: int
    p50_ms: float
    max_ms: float

    def as_dict(self) -> dict:
        return {"summary": True, **asdict(self)}


# --- Reading the request -----------------------------------------------------------------------------------------
def build_request(
    *,
    card: str,
    customer: str | None = None,
    product: str | None = None,
    language: str | None = None,
    continue_latest: bool = False,
    messages: Sequence[object] = (),
) -> ConverseRequest:
    """Check every input against the database; ``ConverseError`` names the first wrong one."""
    found_card, link_customer = find_card(card)
    if customer is not None:
        chosen = find_customer(found_card, customer)
        if link_customer is not None and chosen.pk != link_customer.pk:
            raise ConverseError(
                f"The card link {card!r} is {link_customer.name}'s personal link, not customer {customer}'s."
            )
    else:
        chosen = link_customer
    if continue_latest and chosen is None:
        raise ConverseError("--continue needs the customer whose conversation goes on (--as).")
    if language is not None and language not in LANGUAGES:
        raise ConverseError(f"--language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    texts = check_messages(messages)
    return ConverseRequest(
        card=found_card,
        customer=chosen,
        product=find_product(product, found_card.organisation_id) if product else None,
        language=language,
        continued=latest_visit(found_card, chosen) if continue_latest else None,
        messages=texts,
    )


def find_card(reference: str) -> tuple[SmartCard, Customer | None]:
    """The card of a card-link token or of a salesperson's username, and the customer of a personal link."""
    reference = (reference or "").strip()
    if not reference:
        raise ConverseError("--card is empty: give a card link token or a salesperson's username.")
    link = CardLink.objects.select_related("card__salesperson", "customer").filter(token=reference).first()
    if link is not None:
        if not link.is_live():
            raise ConverseError(f"The card link {reference!r} was revoked or has expired.")
        return link.card, link.customer
    card = SmartCard.objects.select_related("salesperson").filter(salesperson__username=reference).first()
    if card is None:
        raise ConverseError(f"No card has the link token or belongs to the salesperson {reference!r}.")
    return card, None


def find_customer(card: SmartCard, reference: str) -> Customer:
    """A customer by id or phone number; only a customer of the card's salesperson may speak on the card, and only
    the card's organisation's customers are looked at (issue 19)."""
    reference = (reference or "").strip()
    candidates = Customer.objects.none()
    customers = Customer.objects.of(card.organisation_id)
    if reference.isdigit() and len(reference) <= 9:  # ids; phone numbers are longer
        candidates = customers.filter(pk=int(reference))
    if not candidates.exists() and reference:
        digits = "".join(ch for ch in reference if ch.isdigit() or ch == "+")
        candidates = customers.filter(phone__in={reference, digits})
    matches = list(candidates.select_related("owner")[:2])
    if not matches:
        raise ConverseError(f"No customer has the id or phone number {reference!r}.")
    if len(matches) > 1:
        raise ConverseError(f"Several customers have the phone number {reference!r}: give the customer's id.")
    customer = matches[0]
    if customer.owner_id != card.salesperson_id:
        owner = customer.owner.username if customer.owner_id else "nobody"
        raise ConverseError(
            f"Customer {customer.pk} ({customer.name}) belongs to {owner}, not to {card.salesperson.username} "
            "whose card this is."
        )
    return customer


def latest_visit(card: SmartCard, customer: Customer) -> CardVisit:
    """The customer's latest card visit with a conversation on this card (what ``--continue`` goes on with)."""
    visit = (
        CardVisit.objects.filter(link__card=card, customer=customer, conversation__isnull=False)
        .select_related("link", "conversation__product")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if visit is None:
        raise ConverseError(f"Customer {customer.pk} has no conversation on {card.salesperson.username}'s card yet.")
    return visit


def find_product(sku: str, organisation: int | None = None) -> Product:
    """The product of the card's organisation with this SKU (SKUs are unique per organisation)."""
    products = Product.objects.of(organisation) if organisation is not None else Product.objects.all()
    product = products.select_related("category").filter(sku=sku.strip()).first()
    if product is None:
        raise ConverseError(f"No product has the SKU {sku!r}.")
    if not product.is_active:
        raise ConverseError(f"The product {sku} ({product.name}) is not on sale.")
    return product


def check_messages(messages: Sequence[object]) -> tuple[str, ...]:
    if not messages:
        raise ConverseError("Give at least one customer message.")
    texts = []
    for number, text in enumerate(messages, start=1):
        try:
            texts.append(validate_reply(text))
        except ReplyRefusedError as error:
            raise ConverseError(f"Message {number}: {error}") from error
    return tuple(texts)


# --- Running it --------------------------------------------------------------------------------------------------
def open_chat(request: ConverseRequest) -> ChatSession:
    """The session the messages go to: a new card conversation, or the customer's latest one (``continue_latest``)."""
    with transaction.atomic():
        if request.continued is not None:
            link, conversation = _continued_link(request), request.continued.conversation
        else:
            link = _personal_link(request)
            conversation = _new_conversation(link)
        changes = {}
        if request.product is not None and conversation.product_id != request.product.pk:
            changes["product"] = request.product
        if request.language is not None and conversation.language != request.language:
            changes["language"] = request.language
        if changes:  # what the customer is asking about, as the card's Products tab would set it
            Conversation.objects.filter(pk=conversation.pk).update(**changes)
            conversation = Conversation.objects.select_related("product").get(pk=conversation.pk)
    return ChatSession(
        link_token=link.token,
        conversation_id=conversation.pk,
        language=conversation.language,
        product_id=conversation.product_id,
        product_name=conversation.product.name if conversation.product_id else "",
        state=conversation.state,
    )


def _personal_link(request: ConverseRequest) -> CardLink:
    if request.customer is not None:
        return issue_link(request.card, request.customer)
    # A forwarded card's visitor agrees to the notice and becomes the salesperson's lead.
    link = create_lead(public_link(request.card), name=VISITOR_NAME)
    if request.language is not None:
        Customer.objects.filter(pk=link.customer_id).update(language=request.language)
        link.customer.language = request.language
    return link


def _new_conversation(link: CardLink) -> Conversation:
    """Open the card as its page does (visit, greeting, intent snapshot); when that picks up the chat the customer
    still has open, start a new one in its place, since the command runs a conversation of its own."""
    before = _latest_visit(link)
    assembled = assemble_card(link)
    conversation = assembled.conversation
    if before is not None and before.conversation_id == conversation.pk:
        conversation = start_conversation(
            link.customer,
            salesperson=link.card.salesperson,
            product=conversation.product,
            channel=Conversation.Channel.CARD,
            greeting=assembled.greeting,
        )
        CardVisit.objects.filter(pk=assembled.visit.pk).update(conversation=conversation)
    return Conversation.objects.select_related("product").get(pk=conversation.pk)


def _continued_link(request: ConverseRequest) -> CardLink:
    link = request.continued.link
    # A re-issued link revoked the old one: the chat goes on through the customer's live link.
    return link if link.is_live() else issue_link(request.card, request.customer)


def _latest_visit(link: CardLink) -> CardVisit | None:
    return CardVisit.objects.filter(link=link, conversation__isnull=False).order_by("-opened_at", "-pk").first()


def run_chat(session: ChatSession, messages: Sequence[str]) -> Iterator[Turn]:
    """Each message through the card socket's path, in order; a chat the salesperson closed on the way goes on in a
    new conversation, as the socket does."""
    with override_settings(CARD_CHAT_RATE=NO_RATE_LIMIT):
        for text in messages:
            started = time.perf_counter()
            try:
                analysis = customer_says(session, text)
            except ChatClosedError:
                session = continue_session(session)
                analysis = customer_says(session, text)
            elapsed = (time.perf_counter() - started) * 1000
            yield describe_turn(session, text, analysis, elapsed)


def describe_turn(session: ChatSession, text: str, analysis: ReplyAnalysis, ms: float) -> Turn:
    handoff = next((a for a in analysis.actions if a.get("type") == "hand_off"), None)
    reason = analysis.handoff_reason or (handoff.get("reason") if handoff else None)
    return Turn(
        message=text,
        reply=analysis.answer,
        situation=analysis.situation,
        emotion=analysis.emotion.label,
        K=round(analysis.satisfaction.score, 3),
        P=round(analysis.deal_rate.score, 3),
        handoff=reason if (analysis.handoff_id or reason) else None,
        purchase=any(a.get("type") == "offer_purchase_link" for a in analysis.actions),
        behaviour=analysis.behaviour,
        conversation_id=session.conversation_id,
        ms=round(ms, 1),
    )


def summarise(session: ChatSession, turns: Sequence[Turn]) -> Summary:
    times = [t.ms for t in turns]
    conversations = list(dict.fromkeys(t.conversation_id for t in turns)) or [session.conversation_id]
    link = CardLink.objects.get(token=session.link_token)
    return Summary(
        conversation_id=conversations[-1],
        conversations=conversations,
        customer_id=link.customer_id,
        link_token=session.link_token,
        messages=len(turns),
        answered=sum(1 for t in turns if t.reply),
        handoffs=sum(1 for t in turns if t.handoff),
        purchase_offers=sum(1 for t in turns if t.purchase),
        p50_ms=round(statistics.median(times), 1) if times else 0.0,
        max_ms=round(max(times), 1) if times else 0.0,
    )
