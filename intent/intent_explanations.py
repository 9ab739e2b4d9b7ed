"""Why a customer's top intents are what they are (issue 21: every score explains itself), from what produced them:
the model version (or the cold-start ranking), the association that ranked each product (browsing × apps,
browsing × profile, apps × profile; SPEC S4), and the customer's own events with that product and its category in
the history window the network reads (``intent.features``: the last 180 days, usage data only with consent).

The events are counted by the database in one grouped query for the three products; nothing is recomputed by the
network, so the explanation shows the evidence, not a second opinion.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from crm.consent import current_consents
from crm.models import BehaviorEvent, Consent, Customer, Product
from intent.features import BROWSE_KINDS, HISTORY_DAYS
from intent.models import IntentPrediction


def explain_prediction(prediction: IntentPrediction, customer: Customer) -> dict[str, Any]:
    """The signals behind ``prediction`` (the customer's latest), per intended product."""
    products = {p.pk: p for p in Product.objects.filter(pk__in=[i.get("product_id") for i in prediction.intents])}
    usage_allowed = bool(current_consents(customer).get(Consent.Purpose.USAGE_DATA))
    kinds = BROWSE_KINDS if usage_allowed else tuple(k for k in BROWSE_KINDS if k not in BehaviorEvent.USAGE_KINDS)
    events = BehaviorEvent.objects.filter(
        customer=customer,
        occurred_at__gte=prediction.created_at - timedelta(days=HISTORY_DAYS),
        occurred_at__lte=prediction.created_at or timezone.now(),
    )
    counted = {}
    if products:
        wanted = {f"views_{pk}": Count("pk", filter=Q(product_id=pk, kind__in=kinds)) for pk in products}
        wanted |= {
            f"category_{pk}": Count(
                "pk",
                filter=(Q(category_id=p.category_id) | Q(product__category_id=p.category_id))
                & Q(kind__in=kinds)
                & ~Q(product_id=pk),
            )
            for pk, p in products.items()
        }
        bought = BehaviorEvent.Kind.TRANSACTION
        wanted |= {f"bought_{pk}": Count("pk", filter=Q(product_id=pk, kind=bought)) for pk in products}
        counted = events.aggregate(**wanted)
    intents = []
    for intent in prediction.intents[:3]:
        pk = intent.get("product_id")
        intents.append(
            {
                "product": intent.get("product", ""),
                "probability": intent.get("probability"),
                "association": intent.get("association", ""),
                "viewed": counted.get(f"views_{pk}", 0),
                "category_viewed": counted.get(f"category_{pk}", 0),
                "bought_before": counted.get(f"bought_{pk}", 0),
            }
        )
    return {
        "model_version": prediction.model_version.version if prediction.model_version_id else "",
        "fallback": prediction.is_fallback,
        "usage_data": usage_allowed,
        "history_days": HISTORY_DAYS,
        "intents": intents,
    }
