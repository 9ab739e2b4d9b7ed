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
from dialogue.analysis import start_conversation
from dialogue.models import Conversation, Message
from intent.communication import communication_style
from intent.config import get_config
from intent.greeting import Greeting, GreetingTemplateMissingError, compose_greeting
from intent.inference import latest_prediction, predict_intent
from intent.models import IntentPrediction
from intent.personality_model import combined_personality
from salescard.cards import record_card_event
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
    intended = _intended_products(prediction)
    greeting = _greeting(customer, card, intended[0] if intended else None, style, config)
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
    probabilities = {i["product_id"]: i.get("probability") for i in (prediction.intents if prediction else [])}
    return AssembledCard(
        link=link,
        card=card,
        customer=customer,
        visit=visit,
        conversation=conversation,
        greeting=greeting_text,
        language=language,
        products=_products(intended, probabilities, language),
        cases=_cases(intended),
        history=list(conversation.messages.order_by("-pk")[:HISTORY_SHOWN])[::-1],
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


def welcome_text(card: SmartCard, language: str) -> str:
    """Said when no greeting template fits (the admin names the missing template)."""
    with override("en" if language == "en" else "zh-hans"):
        return _("Hello, I am %(name)s. How can I help you today?") % {"name": card.display_name}


def _greeting(customer, card, product, style, config) -> Greeting | None:  # noqa: ANN001
    if product is None:
        return None
    try:
        return compose_greeting(customer, product, style, card.salesperson, config)
    except GreetingTemplateMissingError:
        return None


def _intended_products(prediction: IntentPrediction | None) -> list[Product]:
    ids = [i["product_id"] for i in (prediction.intents if prediction else [])]
    found = Product.objects.select_related("category").filter(pk__in=ids, is_active=True).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def _open_conversation(
    link: CardLink, customer: Customer, card: SmartCard, product: Product | None, greeting: str
) -> Conversation:
    """The chat this link's customer had open recently, or a new one that starts with the greeting."""
    idle_since = timezone.now() - datetime.timedelta(hours=settings.CARD_CONVERSATION_IDLE_HOURS)
    recent = (
        Conversation.objects.filter(
            card_visits__link=link, updated_at__gte=idle_since, channel=Conversation.Channel.CARD
        )
        .exclude(state=Conversation.State.CLOSED)
        .order_by("-updated_at", "-pk")
        .first()
    )
    if recent is not None:
        return recent
    return start_conversation(
        customer, salesperson=card.salesperson, product=product, channel=Conversation.Channel.CARD, greeting=greeting
    )


def _products(intended: list[Product], probabilities: dict[int, float], language: str) -> list[ProductEntry]:
    entries = [ProductEntry(p, probabilities.get(p.pk), narrate_product(p, language)) for p in intended]
    categories = {p.category_id for p in intended}
    more = (
        Product.objects.select_related("category")
        .filter(is_active=True)
        .exclude(pk__in=[p.pk for p in intended])
        .order_by("name", "pk")
    )
    if categories:
        # Neighbours of what the customer wants first, then the rest of the catalogue.
        nearby = [p for p in more.filter(category_id__in=categories)[:PRODUCTS_SHOWN]]
        others = list(more.exclude(category_id__in=categories)[:PRODUCTS_SHOWN])
        rest = nearby + others
    else:
        rest = list(more[:PRODUCTS_SHOWN])
    entries += [ProductEntry(p, None, narrate_product(p, language)) for p in rest]
    return entries[:PRODUCTS_SHOWN]


def _cases(intended: list[Product]) -> list[Case]:
    published = Case.objects.filter(is_published=True).select_related("product")
    product_ids = [p.pk for p in intended]
    category_ids = [p.category_id for p in intended]
    first = list(published.filter(product_id__in=product_ids)[:CASES_SHOWN])
    seen = {c.pk for c in first}
    near = [c for c in published.filter(category_id__in=category_ids)[:CASES_SHOWN] if c.pk not in seen]
    seen |= {c.pk for c in near}
    rest = [c for c in published.order_by("-pk")[:CASES_SHOWN] if c.pk not in seen]
    return (first + near + rest)[:CASES_SHOWN]
