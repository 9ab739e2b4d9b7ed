"""Every score explains itself (issue 21): the top intents come with the model version (or the cold start), each
product's association, and the customer's own events with it — counted the way the network reads them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from intent.intent_explanations import explain_prediction
from intent.models import IntentModelVersion, IntentPrediction
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def event(customer, kind, product=None, days_ago=1):
    row = BehaviorEvent.objects.create(customer=customer, kind=kind, product=product)
    BehaviorEvent.objects.filter(pk=row.pk).update(occurred_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def shop():
    sofas = ProductCategoryFactory(code="sofa-x")
    return ProductFactory(category=sofas, name="云朵沙发"), ProductFactory(category=sofas, name="皮沙发")


def predict(customer, products, version=None, fallback=False):
    intents = [
        {"product_id": p.pk, "product": p.name, "probability": 0.4, "association": "browsing_user"} for p in products
    ]
    return IntentPrediction.objects.create(
        customer=customer, model_version=version, intents=intents, is_fallback=fallback
    )


def test_the_evidence_is_the_customers_own_events_in_the_window_the_model_reads(shop) -> None:
    cloud, leather = shop
    customer = CustomerFactory()
    record_consent(customer, Consent.Purpose.USAGE_DATA, True)
    for _ in range(3):
        event(customer, BehaviorEvent.Kind.PRODUCT_CLICK, cloud)
    event(customer, BehaviorEvent.Kind.BROWSE, cloud)  # usage data: counted with consent
    event(customer, BehaviorEvent.Kind.PRODUCT_CLICK, leather)  # the same category
    event(customer, BehaviorEvent.Kind.PRODUCT_CLICK, cloud, days_ago=400)  # outside the 180 days
    event(CustomerFactory(), BehaviorEvent.Kind.PRODUCT_CLICK, cloud)  # someone else
    event(customer, BehaviorEvent.Kind.TRANSACTION, leather)
    version = IntentModelVersion.objects.create(version="v9", path="x", sha256="0")
    why = explain_prediction(predict(customer, [cloud, leather], version), customer)

    assert why["model_version"] == "v9" and not why["fallback"] and why["usage_data"]
    first, second = why["intents"]
    assert (first["product"], first["viewed"], first["category_viewed"], first["bought_before"]) == (
        "云朵沙发",
        4,
        1,
        0,
    )
    assert (second["viewed"], second["category_viewed"], second["bought_before"]) == (1, 4, 1)
    assert first["association"] == "browsing_user"


def test_without_usage_consent_browsing_is_not_counted_and_a_cold_start_says_so(shop) -> None:
    cloud, leather = shop
    customer = CustomerFactory()
    event(customer, BehaviorEvent.Kind.BROWSE, cloud)
    event(customer, BehaviorEvent.Kind.PRODUCT_CLICK, cloud)
    why = explain_prediction(predict(customer, [cloud], fallback=True), customer)
    assert why["fallback"] and why["model_version"] == "" and not why["usage_data"]
    assert why["intents"][0]["viewed"] == 1
