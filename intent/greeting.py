"""Greetings (SPEC S7): product type + communication type + language → a template → the greeting.

Templates are looked up from the most to the least specific — the product's category, then its line of
business, then any product — first in the customer's language, then along the language fallback chain
(Cantonese → Mandarin, English → Mandarin). Every step away from the exact match is recorded in the
result, so a manager can see which templates are missing. Placeholders are filled from the product's
specs; only the names in ``GreetingTemplate.PLACEHOLDERS`` exist, so a template cannot reach anything else.

Organisations (issue 19): the product greeted with is one of the organisation's products in the salesperson's
lines of business (``intent.ranking_scope.scoped_intents``; a visitor with no history gets that organisation's
cold-start product), and an organisation's own templates beat the product-wide ones at every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crm.models import Customer, Organisation, Product, User
from crm.tenancy import lines_of
from intent.communication import CommunicationStyle, communication_style
from intent.config import IntentConfig, get_config
from intent.models import GreetingTemplate, IntentPrediction
from intent.personality_model import combined_personality
from intent.ranking_scope import scoped_intents

LANGUAGE_FALLBACKS: dict[str, tuple[str, ...]] = {
    "zh-hans": ("zh-hans",),
    "yue": ("yue", "zh-hans"),
    "en": ("en", "zh-hans"),
}
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "令狐")


@dataclass(frozen=True)
class Greeting:
    text: str
    language: str
    product_id: int
    communication_type: str
    template_id: int
    fallbacks: tuple[str, ...]  # empty when the exact template was found
    reasons: tuple[str, ...]


class GreetingTemplateMissingError(LookupError):
    """No active template fits; the message says what to add in the admin."""


def greet(
    customer: Customer, salesperson: User | None = None, organisation: Organisation | int | None = None
) -> Greeting:
    """S4–S7 in one call: the first intended product among those the organisation sells in the salesperson's lines
    (the stored prediction re-ranked, or one made now), the customer's personality and communication style, then
    the greeting for them. ``organisation`` defaults to the salesperson's, else the customer's."""
    config = get_config()
    if organisation is None:
        organisation = getattr(salesperson, "organisation_id", None) or customer.organisation_id
    product = greeting_product(customer, organisation, lines_of(salesperson), config=config)
    if product is None:
        raise GreetingTemplateMissingError(
            "No product can be recommended to this customer: the catalogue has none on sale."
        )
    personality, _, _ = combined_personality(customer, config)
    style = communication_style(customer, personality, config)
    return compose_greeting(customer, product, style, salesperson, config, organisation=organisation)


def greeting_product(
    customer: Customer,
    organisation: Organisation | int | None,
    lines: tuple[str, ...] = (),
    prediction: IntentPrediction | None = None,
    config: IntentConfig | None = None,
) -> Product | None:
    """The product a greeting names: the customer's first intent among ``organisation``'s products in ``lines``."""
    intents = scoped_intents(customer, organisation, lines, prediction=prediction, k=1, config=config)
    if not intents:
        return None
    return Product.objects.select_related("category").get(pk=intents[0]["product_id"])


def greeting_for_card(
    customer: Customer,
    card,  # noqa: ANN001 - a salescard.SmartCard (the intent engine does not import the card app)
    prediction: IntentPrediction | None,
    style: CommunicationStyle,
    config: IntentConfig | None = None,
    *,
    intended: list[Product] | None = None,
) -> Greeting | None:
    """The greeting of a card's page: a product of the card's organisation in its salesperson's lines of business,
    with the organisation's own template where it has one; None when no product or template fits (the page then
    says a plain welcome). ``intended``: the card's scoped intents when the caller ranked them already."""
    config = config or get_config()
    salesperson = card.salesperson
    if intended is not None:
        product = intended[0] if intended else None
    else:
        product = greeting_product(customer, card.organisation_id, lines_of(salesperson), prediction, config)
    if product is None:
        return None
    try:
        return compose_greeting(customer, product, style, salesperson, config, organisation=card.organisation_id)
    except GreetingTemplateMissingError:
        return None


def compose_greeting(
    customer: Customer,
    product: Product,
    style: CommunicationStyle,
    salesperson: User | None = None,
    config: IntentConfig | None = None,
    *,
    organisation: Organisation | int | None = None,
) -> Greeting:
    """The greeting for ``product``; templates are those ``organisation`` (default: the product's) may use, its own
    before the product-wide ones."""
    config = config or get_config()
    organisation_id = getattr(organisation, "pk", organisation) or product.organisation_id
    template, fallbacks = _find_template(config.greetings_for(organisation_id), style, product)
    text = template.text.format_map(_placeholders(customer, product, template.language, salesperson))
    return Greeting(
        text=text,
        language=template.language,
        product_id=product.pk,
        communication_type=style.communication_type,
        template_id=template.pk,
        fallbacks=tuple(fallbacks),
        reasons=(*style.reasons, f"product {product.name} ({product.category.name})", *fallbacks),
    )


def _find_template(
    templates: tuple[GreetingTemplate, ...], style: CommunicationStyle, product: Product
) -> tuple[GreetingTemplate, list[str]]:
    category = product.category
    scopes = (
        ("category", lambda t: t.category_id == category.pk),
        ("line of business", lambda t: t.category_id is None and t.line_of_business == category.line_of_business),
        ("any product", lambda t: t.category_id is None and not t.line_of_business),
    )
    chain = LANGUAGE_FALLBACKS.get(style.language, (style.language, "zh-hans"))
    candidates = [t for t in templates if t.communication_type.code == style.communication_type]
    for language in chain:
        for scope_name, fits in scopes:
            matches = sorted(
                (t for t in candidates if t.language == language and fits(t)),
                key=lambda t: (t.organisation_id is None, t.pk),  # an organisation's own template first
            )
            if matches:
                fallbacks = []
                if language != style.language:
                    fallbacks.append(f"language fallback {style.language} → {language}")
                if scope_name != "category":
                    fallbacks.append(f"no template for category {category.name}; used {scope_name}")
                return matches[0], fallbacks
    raise GreetingTemplateMissingError(
        f"No active greeting template for communication type {style.communication_type!r} in "
        f"{' or '.join(chain)}; add one in the admin (Greeting templates)."
    )


def polite_name(customer: Customer, language: str) -> str:
    """陈女士 / 陳小姐 / Ms Chen style address; the full name when the gender is unknown."""
    name = customer.name.strip()
    if not name:
        return ""
    if language == "en":
        return name
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[0])
    if customer.gender == Customer.Gender.MALE:
        return f"{surname}先生"
    if customer.gender == Customer.Gender.FEMALE:
        return f"{surname}{'小姐' if language == 'yue' else '女士'}"
    return name


def format_price(price: Decimal) -> str:
    return f"¥{price:,.0f}" if price == price.to_integral() else f"¥{price:,.2f}"


def _placeholders(customer: Customer, product: Product, language: str, salesperson: User | None) -> dict[str, str]:
    unknown = "—" if language != "en" else "n/a"
    return {
        "customer": polite_name(customer, language),
        "product": product.name,
        "category": product.category.name,
        "design": product.design or unknown,
        "colour": product.colour or unknown,
        "size": product.size or unknown,
        "price": format_price(product.price),
        "salesperson": (salesperson.get_full_name() or salesperson.username) if salesperson else "",
    }
