"""The labelled customer messages of the chat-quality bench (bench/data/card_chat_labelled.jsonl) are well formed:
enough lines, every field, a held-out third per category, and only cards and products of the demo data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from salescard.demo.catalogue import CATEGORY_LINES, PRODUCTS
from salescard.demo.staff import SALESPEOPLE

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "card_chat_labelled.jsonl"
FIELDS = {"id", "category", "card", "product", "language", "message", "expect", "facts", "split"}


def labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_there_are_at_least_300_lines_with_every_field() -> None:
    rows = labelled()

    assert len(rows) >= 300
    for row in rows:
        assert FIELDS <= row.keys(), row
        assert row["expect"] in {"answer", "clarify", "handoff", "purchase"}, row
        assert row["language"] in {"zh-hans", "yue", "en"}, row
        assert row["split"] in {"tune", "heldout"}, row
        assert isinstance(row["message"], str) and row["message"].strip(), row
        assert isinstance(row["facts"], list) and all(isinstance(f, str) and f for f in row["facts"]), row
    assert len({row["id"] for row in rows}) == len(rows)


def test_at_least_a_third_of_each_category_is_held_out() -> None:
    rows = labelled()
    total, held_out = (
        Counter(r["category"] for r in rows),
        Counter(r["category"] for r in rows if r["split"] == "heldout"),
    )

    assert sum(held_out.values()) * 3 >= len(rows)
    assert all(held_out[category] * 3 >= count for category, count in total.items())


def test_every_card_and_product_is_in_the_demo_data_and_sold_on_that_card() -> None:
    lines = {member.username: member.line for member in SALESPEOPLE}
    on_sale = {product.sku: CATEGORY_LINES[product.category] for product in PRODUCTS if product.is_active}

    for row in labelled():
        assert row["card"] in lines, row
        if row["product"] is not None:
            assert row["product"] in on_sale, row
            assert on_sale[row["product"]] == lines[row["card"]], row


def test_every_behaviour_and_language_is_covered() -> None:
    rows = labelled()

    assert {r["expect"] for r in rows} == {"answer", "clarify", "handoff", "purchase"}
    languages = Counter(r["language"] for r in rows)
    assert languages["yue"] >= 30 and languages["en"] >= 30
