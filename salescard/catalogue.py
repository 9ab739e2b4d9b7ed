"""What every card page lists — the products on sale and the published cases — kept once per process.

The card page is the product's busiest page; reading the same catalogue on every opening is waste. The lists are
rebuilt when the tables change (row count or latest change, checked at most every 5 s; at once in a process that
calls ``invalidate``), as the conversation engine does for its knowledge base.
"""

from __future__ import annotations

from django.db.models import Count, Max

from base.table_cache import TableCache
from crm.models import Case, Product, ProductCategory

RECHECK_SECONDS = 5.0


def _products() -> tuple[Product, ...]:
    return tuple(Product.objects.select_related("category").filter(is_active=True).order_by("name", "pk"))


def _cases() -> tuple[Case, ...]:
    return tuple(Case.objects.filter(is_published=True).order_by("-pk")[:200])


def _stamp(model) -> tuple:  # noqa: ANN001 - a model class with updated_at
    row = model.objects.aggregate(rows=Count("pk"), latest=Max("updated_at"))
    return row["rows"], row["latest"]


PRODUCTS: TableCache[tuple[Product, ...]] = TableCache(
    _products, lambda: (_stamp(Product), _stamp(ProductCategory)), RECHECK_SECONDS
)
CASES: TableCache[tuple[Case, ...]] = TableCache(_cases, lambda: _stamp(Case), RECHECK_SECONDS)


def products_on_sale() -> tuple[Product, ...]:
    return PRODUCTS.get()


def published_cases() -> tuple[Case, ...]:
    return CASES.get()


def invalidate() -> None:
    PRODUCTS.invalidate()
    CASES.invalidate()
