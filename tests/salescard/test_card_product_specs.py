"""The card's products tab names specs as a person would, in the customer's language — never by their keys
(issue 17 item 4)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from salescard.cards import issue_link
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def products_tab(html: str) -> str:
    return html.split('id="panel-products"')[1].split("</section>")[0]


@pytest.fixture
def washable_sofa(sofa):
    sofa.specs = {**sofa.specs, "removable_cover": True, "foo_bar": "42厘米"}
    sofa.save()
    return sofa


@pytest.mark.parametrize(
    ("language", "labels", "values"),
    [
        ("zh-hans", ["材质", "质保", "座位数", "可拆洗"], ["3人", "是"]),
        ("yue", ["材質", "保養", "座位", "可拆洗"], ["3人", "係"]),
        ("en", ["material", "warranty", "seats", "removable cover"], ["3 people", "yes"]),
    ],
)
def test_the_products_tab_shows_spec_labels_not_keys(client, card, washable_sofa, language, labels, values):
    link = issue_link(card, CustomerFactory(owner=card.salesperson, language=language, name="Emma Li"))

    tab = products_tab(client.get(reverse("card", args=[link.token])).content.decode())

    for label in labels:
        assert f"<dt>{label}</dt>" in tab
    for value in values:
        assert f"<dd>{value}</dd>" in tab
    assert "<dt>foo bar</dt>" in tab
    assert not re.search(r"<dt>[a-z]+_[a-z_]+</dt>", tab)
    assert "price_label" not in tab and "售价</dd>" not in tab
