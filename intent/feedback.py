"""Feedback into the one intent engine (SPEC X2; used by S12, V9, B8).

``record_feedback`` stores every signal as a training example for the next retraining. Rejections and
dissatisfaction also take effect at once: ``demoted_products`` lists what a customer turned down recently,
and every ranking for that customer (model or fallback) leaves those products out.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from base.db import fetch_all, placeholders
from crm.models import Customer, Product
from intent.models import IntentFeedback

DEMOTION_DAYS = 30
NEGATIVE_SIGNALS = (IntentFeedback.Signal.REJECTED, IntentFeedback.Signal.DISSATISFIED)


def record_feedback(customer: Customer, product: Product, signal: str, source: str, note: str = "") -> IntentFeedback:
    if signal not in IntentFeedback.Signal.values:
        raise ValueError(f"Unknown feedback signal {signal!r}; use one of {', '.join(IntentFeedback.Signal.values)}.")
    if source not in IntentFeedback.Source.values:
        raise ValueError(f"Unknown feedback source {source!r}; use one of {', '.join(IntentFeedback.Source.values)}.")
    with transaction.atomic():
        return IntentFeedback.objects.create(
            customer=customer, product=product, signal=signal, source=source, note=note
        )


def demoted_products(customer: Customer, now: datetime.datetime | None = None) -> set[int]:
    """Products the customer rejected or was dissatisfied with in the last ``DEMOTION_DAYS`` days,
    unless a later positive signal about the same product overrode it."""
    return demoted_products_of([customer.pk], now)[customer.pk]


def demoted_products_of(customer_ids: list[int], now: datetime.datetime | None = None) -> dict[int, set[int]]:
    """``demoted_products`` for a batch of customers in one query (hand-written SQL: every prediction asks this,
    and the ORM query costs ~10× its execution)."""
    demoted: dict[int, set[int]] = {customer_id: set() for customer_id in customer_ids}
    if not customer_ids:
        return demoted
    since = (now or timezone.now()) - datetime.timedelta(days=DEMOTION_DAYS)
    sql = (
        f"SELECT customer_id, product_id, signal FROM {IntentFeedback._meta.db_table} "
        f"WHERE created_at >= %s AND customer_id IN ({placeholders(len(customer_ids))}) ORDER BY created_at, id"
    )
    params = [connection.ops.adapt_datetimefield_value(since), *customer_ids]
    latest: dict[tuple[int, int], str] = {}
    for customer_id, product_id, signal in fetch_all(sql, params):
        latest[(customer_id, product_id)] = signal
    for (customer_id, product_id), signal in latest.items():
        if signal in NEGATIVE_SIGNALS:
            demoted[customer_id].add(product_id)
    return demoted


def waiting_examples() -> int:
    """How many feedback signals no retraining has used yet (shown in the admin)."""
    return IntentFeedback.objects.filter(used_by__isnull=True).count()
