"""What every card page lists — the products on sale and the published cases — kept once per process and
organisation.

The card page is the product's busiest page; reading the same catalogue on every opening is waste. The lists are
rebuilt when an organisation's tables change (row count or latest change, checked at most every 5 s; at once in a
process that calls ``invalidate``), as the conversation engine does for its knowledge base. A card lists only its
organisation's catalogue, narrowed to the salesperson's lines of business (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max

from base.table_cache import KeyedTableCache
from crm.models import Case, Organisation, Product, ProductCategory
from crm.tenancy import lines_of, products_for, scoped
from salescard.models import SmartCard

RECHECK_SECONDS = 5.0


def _products(organisation_id: int) -> tuple[Product, ...]:
    return tuple(products_for(organisation_id).order_by("name", "pk"))


def _cases(organisation_id: int) -> tuple[Case, ...]:
    published = scoped(Case.objects.filter(is_published=True), organisation_id)
    return tuple(published.select_related("product__category", "category").order_by("-pk")[:200])


def _stamp(model, organisation_id: int) -> tuple:  # noqa: ANN001 - a model class with updated_at
    row = scoped(model.objects.all(), organisation_id).aggregate(rows=Count("pk"), latest=Max("updated_at"))
    return row["rows"], row["latest"]


PRODUCTS: KeyedTableCache[int, tuple[Product, ...]] = KeyedTableCache(
    _products, lambda org: (_stamp(Product, org), _stamp(ProductCategory, org)), RECHECK_SECONDS
)
CASES: KeyedTableCache[int, tuple[Case, ...]] = KeyedTableCache(
    _cases, lambda org: (_stamp(Case, org), _stamp(Product, org), _stamp(ProductCategory, org)), RECHECK_SECONDS
)


def _key(organisation: Organisation | int) -> int:
    return organisation.pk if isinstance(organisation, Organisation) else organisation


def case_line(case: Case) -> str:
    """The line of business a case is about (its category's, else its product's); "" for a general story."""
    category = case.category or (case.product.category if case.product_id and case.product else None)
    return category.line_of_business if category is not None else ""


def products_on_sale(organisation: Organisation | int | None, lines: Iterable[str] = ()) -> tuple[Product, ...]:
    """The organisation's products on sale in ``lines`` (every line when empty), by name."""
    if organisation is None:
        return ()
    products = PRODUCTS.get(_key(organisation))
    lines = frozenset(lines)
    return tuple(p for p in products if p.category.line_of_business in lines) if lines else products


def published_cases(organisation: Organisation | int | None, lines: Iterable[str] = ()) -> tuple[Case, ...]:
    """The organisation's published cases, newest first: those of ``lines`` and general ones (every case when
    ``lines`` is empty)."""
    if organisation is None:
        return ()
    cases = CASES.get(_key(organisation))
    lines = frozenset(lines)
    return tuple(c for c in cases if not case_line(c) or case_line(c) in lines) if lines else cases


def invalidate() -> None:
    PRODUCTS.invalidate()
    CASES.invalidate()


def card_product(card: SmartCard, product_id: object) -> Product | None:
    """The product ``product_id`` names when the card offers it — on sale, of the card's organisation and the
    salesperson's lines of business; None otherwise (another company's product is as unknown as a missing one)."""
    if isinstance(product_id, str) and product_id.isdigit():
        product_id = int(product_id)
    if not isinstance(product_id, int) or isinstance(product_id, bool):
        return None
    return products_for(card.organisation_id, lines_of(card.salesperson)).filter(pk=product_id).first()
