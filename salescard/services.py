"""Opening a card (SPEC S1–S10 as one pipeline): who is looking, what they may want, how to greet them.

``assemble_card(link)`` reads, in order:

1. consent — whether the customer's usage data may be used (X3); the intent engine itself leaves usage data
   out without it, and the visit records which way it went;
2. intent — the stored prediction, or one made inline when none is fresher than ``CARD_INTENT_MAX_AGE_HOURS``
   (the page never waits on a Celery round trip);
3. personality → communication style → greeting (``intent.greeting``), in the customer's language;
4. the conversation the chat continues (the open one of this link, or a new one that starts with the greeting).

The greeting and the intent snapshot are stored as a ``CardVisit`` (S8), and the opening as a card event (P5).
What the page shows next — products with the intended ones first, cases, the chat so far — comes back in one
``AssembledCard`` so the view only renders.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from crm.models import Case, Consent, Customer, Product
from crm.tenancy import lines_of
from dialogue.analysis import start_conversation
from dialogue.models import Conversation, Message
from intent.communication import communication_style
from intent.config import get_config
from intent.greeting import greeting_for_card
from intent.inference import latest_prediction, predict_intent
from intent.models import IntentPrediction
from intent.personality_model import combined_personality
from intent.ranking_scope import scoped_intents
from salescard.cards import record_card_event
from salescard.catalogue import case_line, products_on_sale, published_cases
from salescard.models import CardEvent, CardLink, CardVisit, SmartCard
from salescard.narration import narrate_product, narrate_site

PRODUCTS_SHOWN = 8
CASES_SHOWN = 6
HISTORY_SHOWN = 60


@dataclass(frozen=True)
class ProductEntry:
    product: Product
    probability: float | None  # set for the intended products
    narration: str

    @property
    def intended(self) -> bool:
        return self.probability is not None


@dataclass(frozen=True)
class AssembledCard:
    link: CardLink
    card: SmartCard
    customer: Customer
    visit: CardVisit
    conversation: Conversation
    greeting: str
    language: str
    products: list[ProductEntry]
    cases: list[Case]
    history: list[Message]
    site_narration: str
    usage_consent: bool
    reasons: list[str] = field(default_factory=list)


def assemble_card(link: CardLink) -> AssembledCard:
    """Everything the card page shows to the link's customer, with the visit stored."""
    customer = link.customer
    if customer is None:
        raise ValueError("A generic link has no customer; the visitor agrees to the consent notice first.")
    card = link.card
    usage_consent = customer.has_consent(Consent.Purpose.USAGE_DATA)
    prediction, inferred = current_prediction(customer)
    config = get_config()
    personality, _probabilities, _method = combined_personality(customer, config)
    style = communication_style(customer, personality, config)
    intended, shown = _shown_products(customer, prediction, card)
    # The greeting names the first intended product: the card's organisation and lines, as the page lists them.
    greeting = greeting_for_card(customer, card, prediction, style, config, intended=intended)
    language = greeting.language if greeting else customer.language
    greeting_text = greeting.text if greeting else welcome_text(card, customer.language)
    with transaction.atomic():
        conversation = _open_conversation(link, customer, card, intended[0] if intended else None, greeting_text)
        visit = CardVisit.objects.create(
            link=link,
            customer=customer,
            conversation=conversation,
            greeting=greeting_text,
            language=language,
            product=intended[0] if intended else None,
            intents=prediction.intents if prediction else [],
            intent_is_fallback=bool(prediction and prediction.is_fallback),
            intent_was_inferred=inferred,
            usage_consent=usage_consent,
            personality=personality.type_code,
            communication_type=style.communication_type,
            reasons=list(greeting.reasons if greeting else style.reasons),
        )
        record_card_event(link, CardEvent.Kind.OPENED)
    history = list(conversation.messages.order_by("-pk")[:HISTORY_SHOWN])[::-1]
    probabilities = {i["product_id"]: i.get("probability") for i in (prediction.intents if prediction else [])}
    return AssembledCard(
        link=link,
        card=card,
        customer=customer,
        visit=visit,
        conversation=conversation,
        greeting=greeting_text,
        language=language,
        products=[ProductEntry(p, probabilities.get(p.pk), narrate_product(p, language)) for p in shown],
        cases=_cases(intended, card),
        history=history,
        site_narration=narrate_site(card, language),
        usage_consent=usage_consent,
        reasons=visit.reasons,
    )


def current_prediction(customer: Customer) -> tuple[IntentPrediction | None, bool]:
    """The stored prediction when fresh enough, else one made now: (prediction, made now)."""
    stored = latest_prediction(customer)
    max_age = datetime.timedelta(hours=settings.CARD_INTENT_MAX_AGE_HOURS)
    if stored is not None and stored.created_at >= timezone.now() - max_age:
        return stored, False
    return predict_intent(customer), True


UI_LANGUAGE = {"zh-hans": "zh-hans", "yue": "zh-hant", "en": "en"}


def ui_language(customer_language: str) -> str:
    """The card's UI language: Traditional Chinese for Cantonese speakers (who hear and read Cantonese in the
    chat), English for English speakers, Simplified Chinese otherwise."""
    return UI_LANGUAGE.get(customer_language, "zh-hans")


def welcome_text(card: SmartCard, language: str) -> str:
    """Said when no greeting template fits (the admin names the missing template)."""
    with override(ui_language(language)):
        return _("Hello, I am %(name)s. How can I help you today?") % {"name": card.display_name}


def _shown_products(
    customer: Customer, prediction: IntentPrediction | None, card: SmartCard
) -> tuple[list[Product], list[Product]]:
    """(intended products in the predicted order, the products the page lists): the intended ones first, then
    their category neighbours, then the rest of the catalogue by name — only the card's organisation's products in
    the salesperson's lines of business (issue 19), whatever the prediction holds; when the prediction has fewer
    than three of them, the organisation's cold-start ranking fills up (``intent.ranking_scope``)."""
    on_sale = products_on_sale(card.organisation_id, lines_of(card.salesperson))
    scoped = scoped_intents(customer, card.organisation_id, prediction=prediction, catalogue=list(on_sale))
    ids = [i["product_id"] for i in scoped]
    by_id = {p.pk: p for p in on_sale}
    intended = [by_id[pk] for pk in ids if pk in by_id]
    categories = {p.category_id for p in intended}
    others = sorted(
        (p for p in on_sale if p.pk not in ids), key=lambda p: p.category_id not in categories
    )  # stable: by name within each group
    return intended, (intended + others)[:PRODUCTS_SHOWN]


def _open_conversation(
    link: CardLink, customer: Customer, card: SmartCard, product: Product | None, greeting: str
) -> Conversation:
    """The chat this link's customer had open recently, or a new one that starts with the greeting."""
    idle_since = timezone.now() - datetime.timedelta(hours=settings.CARD_CONVERSATION_IDLE_HOURS)
    last = (
        CardVisit.objects.filter(link=link, conversation__isnull=False)
        .select_related("conversation__product__category")
        .order_by("-opened_at", "-pk")
        .first()
    )
    recent = last.conversation if last else None
    if recent is not None and recent.state != Conversation.State.CLOSED and recent.updated_at >= idle_since:
        return recent
    return start_conversation(
        customer, salesperson=card.salesperson, product=product, channel=Conversation.Channel.CARD, greeting=greeting
    )


def _cases(intended: list[Product], card: SmartCard) -> list[Case]:
    """The card's organisation's published cases in the salesperson's lines of business (and general ones): those
    of the intended products first, then of their categories, then of their lines of business, then the newest."""
    product_ids = [p.pk for p in intended]
    category_ids = {p.category_id for p in intended}
    lines = {p.category.line_of_business for p in intended}

    def rank(case: Case) -> tuple[int, int]:
        if case.product_id in product_ids:
            return 0, product_ids.index(case.product_id)
        if case.category_id in category_ids or (case.product_id and case.product.category_id in category_ids):
            return 1, 0
        return (2 if case_line(case) in lines else 3), 0

    cases = published_cases(card.organisation_id, lines_of(card.salesperson))
    return sorted(cases, key=rank)[:CASES_SHOWN]
