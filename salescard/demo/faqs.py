"""The demo catalogue's FAQs from ``dialogue/seed/demo_faqs.json`` (demo data, like the catalogue itself).

Each FAQ belongs to the demo company that sells its category (issue 19): it is created in that organisation, about
that organisation's category or product, never another company's row with the same code or SKU.
"""

from __future__ import annotations

from django.db import transaction

from crm.models import Product, ProductCategory
from dialogue.models import FAQ
from dialogue.seeding import read_seed
from salescard.demo.catalogue import CATEGORY_COMPANY
from salescard.demo.companies import seeded_organisations


def seed_demo_faqs() -> dict[str, int]:
    organisations = seeded_organisations()
    ids = {key: organisation.pk for key, organisation in organisations.items() if organisation is not None}
    categories = {(c.organisation_id, c.code): c for c in ProductCategory.objects.filter(organisation__in=ids.values())}
    products = {(p.organisation_id, p.sku): p for p in Product.objects.filter(organisation__in=ids.values())}
    existing = set(FAQ.objects.values_list("organisation_id", "product_id", "category_id", "language", "question"))
    created, skipped = [], 0
    for row in read_seed("demo_faqs.json"):
        organisation_id = ids.get(CATEGORY_COMPANY.get(row["category"], ""))
        category = categories.get((organisation_id, row["category"]))
        product = products.get((organisation_id, row["sku"])) if row.get("sku") else None
        if category is None or (row.get("sku") and product is None):
            skipped += 1
            continue
        key = (
            organisation_id,
            product.pk if product else None,
            None if product else category.pk,
            row["language"],
            row["question"],
        )
        if key in existing:
            continue
        existing.add(key)
        created.append(
            FAQ(
                organisation_id=organisation_id,
                product=product,
                category=None if product else category,
                language=row["language"],
                question=row["question"],
                answer=row["answer"],
                popularity=int(row.get("popularity", 0)),
            )
        )
    with transaction.atomic():
        FAQ.objects.bulk_create(created)
    return {"created": len(created), "skipped": skipped}
