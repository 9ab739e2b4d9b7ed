"""The portrait names the customer's preference topics and interests, never the record's keys (issue 17 item 4)."""

from __future__ import annotations

import pytest

from intent.portrait import build_portrait
from tests.factories import CustomerFactory, ProductCategoryFactory

pytestmark = pytest.mark.django_db


def test_interests_are_named_by_category_and_unknown_topics_by_their_words():
    ProductCategoryFactory(code="sofa", name="沙发")
    customer = CustomerFactory(preferences={"interests": ["sofa"], "favourite_shop": ["宜家"]})

    shown = {f.label: f.value for f in build_portrait(customer).preferences}

    assert shown["偏好：感兴趣的品类"] == "沙发"
    assert shown["偏好：favourite shop"] == "宜家"
    assert not any("_" in label for label in shown)
