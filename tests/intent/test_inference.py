"""Inference: three distinct intents per customer, exclusions honoured, fallbacks marked, batch and single."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intent import inference
from intent.feedback import record_feedback
from intent.inference import latest_prediction, predict_intent, predict_intents
from intent.training import train_intent
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory
from tests.intent.test_training import SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(model_dir, history):
    train_intent(SMALL, progress=False)
    return history


def browsing_customer(products):
    from crm.models import Customer

    return Customer.objects.filter(events__product=products[0], events__kind="browse").distinct().first()


def test_customer_with_history_gets_three_distinct_products_from_the_model(trained) -> None:
    customer = browsing_customer(trained)
    prediction = predict_intent(customer)
    assert not prediction.is_fallback and prediction.model_version.is_active
    products = [i["product_id"] for i in prediction.intents]
    assert len(products) == 3 == len(set(products))
    assert products[0] == trained[0].pk, "the product the customer keeps looking at comes first"
    assert {i["association"] for i in prediction.intents} == {"browsing_apps", "browsing_user", "apps_user"}
    assert all(0 < i["probability"] <= 1 for i in prediction.intents)
    assert latest_prediction(customer) == prediction


def test_rejected_and_inactive_products_are_left_out(trained) -> None:
    customer = browsing_customer(trained)
    record_feedback(customer, trained[0], "rejected", "card", note="不喜欢")
    trained[1].is_active = False
    trained[1].save()
    shown = {i["product_id"] for i in predict_intent(customer).intents}
    assert trained[0].pk not in shown and trained[1].pk not in shown


def test_product_added_after_training_can_be_recommended(trained, monkeypatch) -> None:
    organisation = trained[0].organisation_id
    inference.loaded_model(organisation)
    new = ProductFactory(category=trained[0].category, name="新款沙发", price=Decimal("4200"))
    # as if the recheck interval had passed
    monkeypatch.setattr(inference.model_slot(organisation), "recheck_seconds", 0.0)
    customer = browsing_customer(trained)
    loaded = inference.loaded_model(organisation)
    assert loaded.vocab.index("products", new.pk) == loaded.model.config.n_products
    assert predict_intent(customer).intents


def test_customer_without_history_or_consent_gets_a_marked_fallback(trained) -> None:
    cold = CustomerFactory(income_band="gt100k", assets={"deposits": 9_000_000})
    prediction = predict_intent(cold)
    assert prediction.is_fallback and prediction.model_version is None
    assert "no usage-data consent" in prediction.reasons[0]
    assert len({i["product_id"] for i in prediction.intents}) == 3


def test_without_an_active_model_everyone_gets_the_fallback(model_dir) -> None:
    ProductFactory(category=ProductCategoryFactory(code="ci", line_of_business="insurance"))
    prediction = predict_intent(CustomerFactory())
    assert prediction.is_fallback and prediction.reasons[0] == "no active intent model (cold start)"


def test_a_batch_is_predicted_and_stored_in_one_go(trained) -> None:
    from crm.models import Customer

    customers = list(Customer.objects.all())
    predictions = predict_intents(customers)
    assert [p.customer_id for p in predictions] == [c.pk for c in customers]
    assert all(p.pk for p in predictions)


def test_tasks_are_routed_to_their_queues() -> None:
    from salescard.celery import app

    router = app.amqp.router
    assert router.route({}, "intent.tasks.predict_intents_task")["queue"].name == "inference"
    assert router.route({}, "intent.tasks.retrain_intent_task")["queue"].name == "training"


def test_thousands_of_events_absurd_dwell_and_future_events_are_handled(trained) -> None:
    import datetime

    from django.utils import timezone

    from crm.consent import record_consent
    from crm.models import BehaviorEvent, Consent
    from intent.features import MAX_BROWSE, customer_inputs, load_events

    customer = CustomerFactory()
    record_consent(customer, Consent.Purpose.USAGE_DATA, True)
    now = timezone.now()
    BehaviorEvent.objects.bulk_create(
        [
            BehaviorEvent(
                customer=customer, kind="browse", product=trained[i % 2], seconds=10**9 if i == 2999 else 30,
                occurred_at=now - datetime.timedelta(minutes=3000 - i),
            )
            for i in range(3000)
        ]
        + [BehaviorEvent(customer=customer, kind="browse", product=trained[3], seconds=600,
                         occurred_at=now + datetime.timedelta(days=30))]
    )  # fmt: skip
    loaded = inference.loaded_model(customer.organisation_id)
    inputs = customer_inputs(customer, loaded.vocab, load_events([customer.pk])[customer.pk], now, True)
    assert len(inputs.browse_products) == MAX_BROWSE, "only the most recent views are read"
    assert loaded.vocab.index("products", trained[3].pk) not in inputs.browse_products, "future events are ignored"
    prediction = predict_intent(customer)
    assert not prediction.is_fallback and len({i["product_id"] for i in prediction.intents}) == 3
    assert all(0 <= i["probability"] <= 1 for i in prediction.intents)


def test_the_full_ranking_orders_every_recommendable_product_and_leaves_out_rejected_ones(trained) -> None:
    from intent.inference import rank_products

    customer = browsing_customer(trained)
    record_feedback(customer, trained[1], "rejected", "branch", note="不考虑")

    ranked = rank_products(customer, k=10)

    from crm.models import Product

    ids = [r["product_id"] for r in ranked]
    recommendable = Product.objects.filter(is_active=True).exclude(pk=trained[1].pk).count()
    assert len(ids) == min(10, recommendable) and len(ids) == len(set(ids))
    assert ids[0] == trained[0].pk and trained[1].pk not in ids
    probabilities = [r["probability"] for r in ranked]
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1.0001
    assert not customer.intent_predictions.exists()  # a ranking is not stored
