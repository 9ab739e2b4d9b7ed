"""The promotions running now for a product (issue 17 item 4): what the bot answers "有优惠吗？" from.

A promotion belongs to a product or to a whole category and is written in one language; the customer's own
language comes first, and Mandarin stands in where nothing was written in it (Cantonese speakers read it, and an
English speaker is better told of a Chinese promotion than told there is none).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from crm.models import Organisation, Promotion
from crm.tenancy import scoped

MAX_SHOWN = 3


@dataclass(frozen=True)
class PromotionFact:
    title: str
    ends_on: datetime.date | None
    language: str


def current_promotions(
    product_id: int | None,
    category_id: int | None,
    language: str,
    today: datetime.date | None = None,
    *,
    organisation: Organisation | int | None,
    lines: Iterable[str] = (),
) -> list[PromotionFact]:
    """Active promotions of the product or its category that have started and not ended, product-specific
    first; without a product, every current promotion of ``organisation`` in ``lines`` (empty: every line).
    Nothing of another organisation, ever (issue 19); ``None`` names none and finds none."""
    if organisation is None:
        return []
    today = today or timezone.localdate()
    running = scoped(Promotion.objects.filter(is_active=True), organisation).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    lines = tuple(lines)
    if lines:
        running = running.filter(
            Q(product__category__line_of_business__in=lines) | Q(category__line_of_business__in=lines)
        )
    if product_id is not None:
        running = running.filter(Q(product_id=product_id) | Q(product__isnull=True, category_id=category_id))
    rows = list(running.values_list("title", "ends_on", "language", "product_id"))
    for wanted in dict.fromkeys((language, "zh-hans")):
        chosen = [row for row in rows if row[2] == wanted]
        if chosen:
            chosen.sort(key=lambda row: (row[3] is None, row[1] or datetime.date.max, row[0]))
            return [PromotionFact(title, ends_on, lang) for title, ends_on, lang, _ in chosen[:MAX_SHOWN]]
    return []
