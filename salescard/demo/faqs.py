"""The demo catalogue's FAQs from ``dialogue/seed/demo_faqs.json`` (demo data, like the catalogue itself)."""

from __future__ import annotations

from django.db import transaction

from crm.models import Product, ProductCategory
from dialogue.models import FAQ
from dialogue.seeding import read_seed


def seed_demo_faqs() -> dict[str, int]:
    categories = {c.code: c for c in ProductCategory.objects.all()}
    products = {p.sku: p for p in Product.objects.all()}
    existing = set(FAQ.objects.values_list("product_id", "category_id", "language", "question"))
    created, skipped = [], 0
    for row in read_seed("demo_faqs.json"):
        category = categories.get(row["category"])
        product = products.get(row["sku"]) if row.get("sku") else None
        if category is None or (row.get("sku") and product is None):
            skipped += 1
            continue
        key = (product.pk if product else None, None if product else category.pk, row["language"], row["question"])
        if key in existing:
            continue
        existing.add(key)
        created.append(
            FAQ(
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
