"""``{% load product_specs %}``: a product's specs as (label, value) rows in the customer's language — never the raw
keys of ``Product.specs`` (issue 17 item 4) — and its price with thousands separators."""

from __future__ import annotations

from decimal import Decimal

from django import template

from crm.models import Product
from dialogue.knowledge import format_price
from dialogue.phrasing import spec_rows
from dialogue.text import to_hong_kong

register = template.Library()


@register.filter
def product_spec_rows(product: Product, language: str) -> list[tuple[str, str]]:
    """Design, colour and size, then the specs: ``{% for label, value in product|product_spec_rows:lang %}``."""
    attributes = {"design": product.design, "colour": product.colour, "size": product.size}
    specs = product.specs if isinstance(product.specs, dict) else {}
    rows = spec_rows(specs, language, attributes)
    if language == "yue":  # the catalogue is written in Simplified characters
        return [(to_hong_kong(label), to_hong_kong(value)) for label, value in rows]
    return rows


@register.filter
def price(value: Decimal | None) -> str:
    """A price with thousands separators in every language ("8,999"), as the bot says it."""
    return format_price(value)
