"""Cold-start ranking (SPEC S4 fallback): for customers the model cannot judge — no events, or no
usage-data consent and nothing else to go on — products are ranked from the user level and profile.

Each line of business gets a prior from the level and life stage (the reasons are returned), products
inside it are ordered by how often customers bought them, and stated colour/style preferences give a
bonus. The result is marked as a fallback wherever it is stored or shown.

The caller gives the products that may be ranked — an organisation's catalogue, perhaps narrowed to lines of
business (``crm.tenancy.products_for``) — and popularity is counted within one organisation (issue 19).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from crm.models import BehaviorEvent, Customer, Organisation, Product, ProductCategory
from intent.level import LevelResult
from intent.models import UserLevel

LINE = ProductCategory.LineOfBusiness
LEVEL_PRIORS: dict[str, dict[str, float]] = {
    UserLevel.HIGH_NET_WORTH: {LINE.BANKING: 0.5, LINE.INSURANCE: 0.3, LINE.HOME: 0.2},
    UserLevel.GENERAL: {LINE.INSURANCE: 0.4, LINE.HOME: 0.3, LINE.BANKING: 0.3},
    UserLevel.POTENTIAL: {LINE.HOME: 0.4, LINE.BANKING: 0.35, LINE.INSURANCE: 0.25},
}


@dataclass(frozen=True)
class RankedProduct:
    product: Product
    score: float
    reason: str


def purchase_counts(organisation: Organisation | int | None = None) -> Counter[int]:
    """How often each product (of ``organisation``; every product when None) was bought by that organisation's
    customers (read once per batch)."""
    bought = BehaviorEvent.objects.filter(kind=BehaviorEvent.Kind.TRANSACTION, product__isnull=False)
    if organisation is not None:
        bought = bought.filter(product__organisation=organisation, customer__organisation=organisation)
    return Counter(bought.values_list("product_id", flat=True))


def fallback_ranking(
    customer: Customer,
    level: LevelResult,
    products: list[Product],
    exclude: set[int] = frozenset(),
    popularity: Counter[int] | None = None,
) -> tuple[list[RankedProduct], list[str]]:
    priors = dict(LEVEL_PRIORS[level.level])
    reasons = [f"user level {level.label}"]
    age = customer.age
    if customer.married and age is not None and age >= 30:
        priors[LINE.INSURANCE] += 0.15
        reasons.append("married, 30 or older: family protection")
    if customer.married is False and age is not None and age < 32:
        priors[LINE.HOME] += 0.1
        reasons.append("young and single: setting up a home")
    popularity = purchase_counts(customer.organisation_id) if popularity is None else popularity
    total = sum(popularity.values()) or 1
    liked = _stated_preferences(customer)
    ranked = []
    for product in products:
        if product.pk in exclude or not product.is_active:
            continue
        score = priors.get(product.category.line_of_business, 0.1) * (0.5 + popularity[product.pk] / total * 10)
        reason = f"{LINE(product.category.line_of_business).label} prior"
        if liked & {product.colour, product.design}:
            score *= 1.3
            reason += ", matches stated preferences"
        ranked.append(RankedProduct(product, score, reason))
    ranked.sort(key=lambda r: (-r.score, r.product.pk))
    return ranked, reasons


def _stated_preferences(customer: Customer) -> set[str]:
    if not isinstance(customer.preferences, dict):
        return set()
    return {str(v) for values in customer.preferences.values() if isinstance(values, list) for v in values}
