"""IntentNet inputs from the CRM: vocabularies, consent-gated inputs as of a time, training examples."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from intent.features import (
    MAX_ATTRIBUTES,
    Vocabulary,
    build_vocabulary,
    catalogue_arrays,
    customer_inputs,
    load_events,
    price_band,
    product_attributes,
    training_examples,
)
from intent.feedback import record_feedback
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    sofa = ProductFactory(category=ProductCategoryFactory(code="sofa", name="沙发", line_of_business="home"))
    deposit = ProductFactory(
        category=ProductCategoryFactory(code="cd", name="大额存单", line_of_business="banking"),
        name="3年期大额存单",
        colour="",
        design="大额存单",
        price=Decimal("200000"),
        specs={"risk_level": "R1"},
    )
    products = [sofa, deposit]
    vocab = build_vocabulary(products, ["家居", "理财"], ["瑜伽", "烘焙"])
    return sofa, deposit, vocab


def test_products_are_described_by_line_price_band_and_specs(shop) -> None:
    sofa, deposit, vocab = shop
    assert product_attributes(deposit) == ["line:banking", "price:1e5", "design:大额存单", "risk:R1"]
    assert price_band(Decimal("5999")) == "price:1e3"
    categories, attributes = catalogue_arrays(vocab, {p.pk: p for p in (sofa, deposit)})
    assert categories[0] == 0 and sorted(categories[1:]) == [1, 2]
    assert all(len(row) == MAX_ATTRIBUTES for row in attributes)


def test_vocabulary_round_trips_and_unknown_values_map_to_zero(shop) -> None:
    _, deposit, vocab = shop
    again = Vocabulary.from_dict(vocab.to_dict())
    assert again.index("products", deposit.pk) == vocab.index("products", deposit.pk) > 0
    assert again.index("products", 999_999) == 0
    assert again.n_user_features == vocab.n_user_features


def test_inputs_use_usage_data_only_under_consent_and_only_before_the_time(shop) -> None:
    sofa, deposit, vocab = shop
    customer = CustomerFactory()
    now = timezone.now()
    BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.BROWSE,
        product=sofa,
        seconds=120,
        occurred_at=now - datetime.timedelta(days=2),
    )
    BehaviorEventFactory(
        customer=customer, kind=BehaviorEvent.Kind.APP_USAGE, app_name="好好住", app_category="家居", minutes=40,
        occurred_at=now - datetime.timedelta(days=1),
    )  # fmt: skip
    BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.PRODUCT_CLICK,
        product=deposit,
        occurred_at=now - datetime.timedelta(hours=1),
    )
    later = BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.BROWSE,
        product=deposit,
        seconds=60,
        occurred_at=now + datetime.timedelta(minutes=1),
    )
    events = load_events([customer.pk])[customer.pk]

    without = customer_inputs(customer, vocab, events, now, usage_allowed=False)
    assert without.browse_products == [vocab.index("products", deposit.pk)], "a card click is not usage data"
    assert without.app_categories == [] and not without.used_usage_data

    with_consent = customer_inputs(customer, vocab, events, now, usage_allowed=True)
    assert with_consent.browse_products == [vocab.index("products", sofa.pk), vocab.index("products", deposit.pk)]
    assert with_consent.browse_dwell[0] == 120.0 and 1.9 < with_consent.browse_recency[0] < 2.1
    assert with_consent.app_categories == [vocab.index("app_categories", "家居")] and with_consent.app_minutes == [40.0]
    assert vocab.index("products", later.product_id) not in with_consent.browse_products[2:]
    assert len(with_consent.user_features) == vocab.n_user_features


def test_each_purchase_click_and_positive_feedback_becomes_an_example(shop) -> None:
    sofa, deposit, vocab = shop
    customer = CustomerFactory()
    record_consent(customer, Consent.Purpose.USAGE_DATA, True)
    now = timezone.now()
    BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.BROWSE,
        product=sofa,
        seconds=300,
        occurred_at=now - datetime.timedelta(days=3),
    )
    BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.TRANSACTION,
        product=sofa,
        amount=5999,
        occurred_at=now - datetime.timedelta(days=1),
    )
    record_feedback(customer, deposit, "interested", "branch")
    record_feedback(customer, deposit, "rejected", "card")

    examples = training_examples([customer], vocab)

    assert [e.targets for e in examples] == [
        (vocab.index("products", sofa.pk),),
        (vocab.index("products", deposit.pk),),
    ]
    assert examples[0].inputs.browse_products == [vocab.index("products", sofa.pk)]
