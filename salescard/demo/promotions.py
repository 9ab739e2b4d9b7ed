"""Promotions of the demo catalogue (issue 17 item 4): some products and one category have one, most do not, so
"有优惠吗？" is answered both ways on the demo cards.

Each promotion is about a product or category of the demo company that sells it, in that company's organisation
(issue 19). Idempotent: a promotion is found by its product or category, language and title; what exists is left as
it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from crm.models import Product, ProductCategory, Promotion
from salescard.demo.catalogue import CATEGORY_COMPANY, PRODUCT_COMPANY
from salescard.demo.companies import seeded_organisations


@dataclass(frozen=True)
class DemoPromotion:
    sku: str  # "" for a category-wide promotion
    category: str  # category code, for a category-wide promotion
    zh: str
    en: str
    days_left: int | None = None  # ends this many days after it is first seeded


DEMO_PROMOTIONS = (
    DemoPromotion("HF-SOFA-01", "", "限时下单立减500元", "500 yuan off for a limited time", 45),
    DemoPromotion("", "bed", "买床送乳胶枕一对", "a pair of latex pillows free with every bed"),
    DemoPromotion("HF-LGT-01", "", "智能照明套装满3000减300", "300 yuan off orders over 3,000 yuan"),
    DemoPromotion("IN-ACC-01", "", "线上投保首年保费9折", "10% off the first year's premium when you buy online"),
    DemoPromotion("BK-CC-01", "", "新户首刷送50元立减金", "a 50-yuan voucher for a new cardholder's first purchase"),
)


def ensure_demo_promotions(today: datetime.date | None = None) -> int:
    """Create the demo promotions whose product or category exists; returns how many were created."""
    today = today or timezone.localdate()
    organisations = seeded_organisations()
    ids = [organisation.pk for organisation in organisations.values() if organisation is not None]
    products = {
        (p.organisation_id, p.sku): p
        for p in Product.objects.filter(organisation__in=ids, sku__in=[d.sku for d in DEMO_PROMOTIONS if d.sku])
    }
    categories = {
        (c.organisation_id, c.code): c
        for c in ProductCategory.objects.filter(organisation__in=ids, code__in=[d.category for d in DEMO_PROMOTIONS])
    }
    existing = set(Promotion.objects.values_list("product_id", "category_id", "language", "title"))
    new = []
    for demo in DEMO_PROMOTIONS:
        company = PRODUCT_COMPANY.get(demo.sku) if demo.sku else CATEGORY_COMPANY.get(demo.category)
        organisation = organisations.get(company or "")
        if organisation is None:
            continue
        product = products.get((organisation.pk, demo.sku)) if demo.sku else None
        category = None if demo.sku else categories.get((organisation.pk, demo.category))
        if product is None and category is None:
            continue
        ends_on = today + datetime.timedelta(days=demo.days_left) if demo.days_left else None
        for language, title in (("zh-hans", demo.zh), ("en", demo.en)):
            key = (product.pk if product else None, category.pk if category else None, language, title)
            if key in existing:
                continue
            existing.add(key)
            new.append(
                Promotion(
                    product=product, category=category, language=language, title=title, starts_on=today, ends_on=ends_on
                )
            )
    with transaction.atomic():
        Promotion.objects.bulk_create(new)
    return len(new)
