"""A customer's intents as one organisation and its lines of business may recommend them (issue 19).

The stored prediction ranks the whole catalogue of the customer's organisation. A card, a branch or a greeting
recommends only what its own organisation sells in its own lines of business: a wealth manager's card the bank's
wealth products, a furniture showroom's card furniture. ``scoped_intents`` keeps the stored intents that fall
inside ``products_for(organisation, lines)`` in their order, and when fewer than ``k`` remain fills up from the
cold-start ranking (``intent.fallback``) of that organisation's products in those lines, so a visitor with no
history still gets a product that fits. No product of another organisation can come out of it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from crm.models import Customer, Organisation, Product
from crm.tenancy import products_for
from intent.config import IntentConfig
from intent.fallback import fallback_ranking, purchase_counts
from intent.feedback import demoted_products
from intent.inference import INTENTS, latest_prediction, predict_intent
from intent.level import assess_level
from intent.models import IntentPrediction


def _pk(organisation: Organisation | int | None) -> int | None:
    return getattr(organisation, "pk", organisation)


def scoped_intents(
    customer: Customer,
    organisation: Organisation | int | None,
    lines: Iterable[str] = (),
    *,
    prediction: IntentPrediction | None = None,
    k: int = INTENTS,
    config: IntentConfig | None = None,
    catalogue: QuerySet[Product] | list[Product] | None = None,
) -> list[dict]:
    """Up to ``k`` intents of ``customer`` among ``organisation``'s products on sale in ``lines`` (every line when
    empty), best first: ``{product_id, product, probability, association}`` as stored; those filled from the
    cold-start ranking have ``association`` "fallback".

    ``prediction``: the customer's prediction to re-rank (default: the latest stored one, or one made now when the
    customer belongs to ``organisation``). ``catalogue``: the allowed products when the caller has them already.
    """
    organisation_id = _pk(organisation)
    if organisation_id is None:
        return []
    allowed = {p.pk: p for p in (catalogue if catalogue is not None else products_for(organisation_id, lines))}
    allowed = {pk: p for pk, p in allowed.items() if p.organisation_id == organisation_id and p.is_active}
    if not allowed:
        return []
    if prediction is None:
        prediction = latest_prediction(customer)
        if prediction is None and customer.organisation_id == organisation_id:
            prediction = predict_intent(customer)
    turned_down = demoted_products(customer)
    chosen: list[dict] = []
    for intent in prediction.intents if prediction is not None else []:
        pk = intent.get("product_id")
        if pk in allowed and pk not in turned_down and all(c["product_id"] != pk for c in chosen):
            chosen.append(dict(intent))
        if len(chosen) == k:
            return chosen
    return chosen + fill_from_fallback(customer, organisation_id, list(allowed.values()), chosen, k, config)


def fill_from_fallback(
    customer: Customer,
    organisation_id: int,
    products: list[Product],
    chosen: list[dict],
    k: int = INTENTS,
    config: IntentConfig | None = None,
) -> list[dict]:
    """The organisation's cold-start ranking of ``products`` for ``customer``, past those ``chosen`` already, up to
    ``k`` in all."""
    missing = k - len(chosen)
    if missing <= 0:
        return []
    seen = {c["product_id"] for c in chosen} | demoted_products(customer)
    ranked, _why = fallback_ranking(
        customer,
        assess_level(customer, config),
        products,
        exclude=seen,
        popularity=purchase_counts(organisation_id),
    )
    total = sum(r.score for r in ranked) or 1.0
    return [
        {"product_id": r.product.pk, "product": r.product.name, "probability": round(r.score / total, 4),
         "association": "fallback"}
        for r in ranked[:missing]
    ]  # fmt: skip
