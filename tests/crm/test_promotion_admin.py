"""Managers edit the promotions the bot names (issue 17 item 4): listed, filtered by active and by category."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Promotion
from tests.factories import ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_the_category_filter_finds_category_and_product_promotions(manager_client):
    sofas = ProductCategoryFactory(code="sofa", name="沙发")
    beds = ProductCategoryFactory(code="bed", name="床")
    Promotion.objects.create(category=sofas, title="沙发全场9折")
    Promotion.objects.create(product=ProductFactory(category=sofas), title="云朵沙发立减500元")
    Promotion.objects.create(category=beds, title="买床送枕头")
    url = reverse("admin:crm_promotion_changelist")

    page = manager_client.get(url, {"for_category": sofas.pk}).content.decode()

    assert "沙发全场9折" in page and "云朵沙发立减500元" in page and "买床送枕头" not in page


def test_a_manager_adds_a_promotion_and_switches_it_off_in_the_list(manager_client):
    product = ProductFactory()
    response = manager_client.post(
        reverse("admin:crm_promotion_add"),
        {"title": "年底下单立减500元", "language": "zh-hans", "is_active": "on", "product": product.pk, "category": ""},
    )
    assert response.status_code == 302
    promotion = Promotion.objects.get()
    page = manager_client.get(reverse("admin:crm_promotion_changelist"), {"is_active__exact": "1"}).content.decode()
    assert promotion.title in page


def test_a_promotion_for_nothing_is_refused(manager_client):
    response = manager_client.post(
        reverse("admin:crm_promotion_add"), {"title": "全场9折", "language": "zh-hans", "is_active": "on"}
    )
    assert response.status_code == 200 and not Promotion.objects.exists()
