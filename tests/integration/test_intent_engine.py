"""The intent engine on the distributed setup: event times read from PostgreSQL, a model trained there, and
predictions made by a separate Celery worker on the ``inference`` queue through Redis."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from crm.models import BehaviorEvent, Customer
from intent.features import load_events
from intent.model_store import activate_version
from intent.models import IntentPrediction
from intent.tasks import predict_intents_task
from intent.training import TrainSettings, train_intent
from tests.servers import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_event_times_are_read_exactly_on_postgres() -> None:
    call_command("seed_demo", customers=5, verbosity=0)
    customer = Customer.objects.filter(events__isnull=False).first()
    stored = {e.pk: e.occurred_at.timestamp() for e in customer.events.all()}
    rows = load_events([customer.pk])[customer.pk]
    assert len(rows) == len(stored)
    assert sorted(r.at for r in rows) == pytest.approx(sorted(stored.values()), abs=1e-3)
    assert [r.at for r in rows] == sorted(r.at for r in rows), "oldest first"
    middle = sorted(e.occurred_at for e in customer.events.all())[len(rows) // 2]
    later = load_events([customer.pk], since=middle)[customer.pk]
    assert len(later) == sum(1 for at in stored.values() if at >= middle.timestamp() - 1e-6)


def test_consent_and_demotion_reads_on_postgres() -> None:
    import datetime

    from django.utils import timezone

    from crm.consent import customers_with_consent, record_consent
    from crm.models import Consent
    from intent.feedback import DEMOTION_DAYS, demoted_products_of, record_feedback
    from tests.factories import ProductFactory

    call_command("seed_demo", customers=3, verbosity=0)
    first, second = Customer.objects.order_by("pk")[:2]
    record_consent(first, Consent.Purpose.USAGE_DATA, True)
    record_consent(second, Consent.Purpose.USAGE_DATA, True)
    record_consent(second, Consent.Purpose.USAGE_DATA, False)
    assert first.pk in customers_with_consent([first.pk, second.pk], Consent.Purpose.USAGE_DATA)
    assert second.pk not in customers_with_consent([first.pk, second.pk], Consent.Purpose.USAGE_DATA)
    old, recent = ProductFactory(), ProductFactory()
    stale = record_feedback(first, old, "rejected", "card")
    stale.created_at = timezone.now() - datetime.timedelta(days=DEMOTION_DAYS + 1)
    stale.save(update_fields=["created_at"])
    record_feedback(first, recent, "rejected", "card")
    assert demoted_products_of([first.pk, second.pk]) == {first.pk: {recent.pk}, second.pk: set()}


def test_a_worker_predicts_with_the_model_trained_on_postgres(settings, tmp_path) -> None:
    settings.MODEL_DIR = tmp_path
    call_command("seed_demo", customers=60, verbosity=0)
    # The organisation with the most customers: each organisation trains on its own history (issue 19).
    organisation = (
        Customer.objects.values("organisation").annotate(n=Count("pk")).order_by("-n").first()["organisation"]
    )
    result = train_intent(
        TrainSettings(seed=1, epochs=2, patience=2, d_model=16, n_heads=2, n_layers=1),
        progress=False,
        organisation=organisation,
    )
    # Two epochs on 60 customers may or may not beat the baselines (the gate decides, issue 20); this test is about
    # the worker predicting with the version that is active, so it activates the new one itself.
    assert result.version.verdict["metric"] == "ndcg@3" and result.version.organisation_id == organisation
    activate_version(result.version)
    browsing = list(
        Customer.objects.filter(events__kind=BehaviorEvent.Kind.BROWSE, organisation=organisation)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:10]
    )
    predictions = IntentPrediction.objects.filter(customer_id__in=browsing)
    with celery_worker(queues="inference") as worker:
        predict_intents_task.delay(browsing)
        worker.wait_until(lambda: predictions.count() == len(browsing), timeout=120, what="storing predictions")
        assert "predict_intents_task" in worker.log_tail(200), "the worker, not this process, ran the task"
    predictions = IntentPrediction.objects.filter(customer_id__in=browsing)
    assert predictions.count() == len(browsing)
    modelled = predictions.filter(is_fallback=False)
    assert modelled.exists() and all(p.model_version_id == result.version.pk for p in modelled)
    assert all(len({i["product_id"] for i in p.intents}) == 3 for p in predictions), "three distinct intents"
