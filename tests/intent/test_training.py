"""Training IntentNet on CRM data: split by customer, baselines side by side, saved and recorded."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from intent.model_store import active_version
from intent.models import IntentModelVersion
from intent.nn import load_intentnet
from intent.training import TrainSettings, train_intent
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

SMALL = TrainSettings(seed=3, epochs=15, patience=15, d_model=16, n_heads=2, n_layers=1, batch_size=32)


def test_training_saves_an_active_version_with_metrics_and_baselines(model_dir, history) -> None:
    result = train_intent(SMALL, progress=False)
    version = result.version
    assert version.is_active and active_version() == version
    assert set(result.metrics) >= {"intentnet", "popularity", "logistic_regression"}
    assert set(result.metrics["intentnet"]) == {"hr@1", "hr@3", "ndcg@3", "mrr"}
    assert result.examples["test"] > 0 and result.examples["train_self_supervised"] > 0
    model, metadata = load_intentnet(version.file_path())
    assert metadata["vocabulary"]["products"] and model.config.n_products == 4
    # The pattern is learnable: the product bought is the one looked at.
    assert result.metrics["intentnet"]["hr@1"] > result.metrics["popularity"]["hr@1"]


def test_same_seed_gives_the_same_model(model_dir, history) -> None:
    first = train_intent(SMALL, progress=False)
    second = train_intent(SMALL, progress=False, activate=False)
    assert first.metrics == second.metrics
    assert second.version.is_active is False and first.version.sha256 != ""


def test_no_history_is_a_clear_error_and_writes_nothing(model_dir) -> None:
    CustomerFactory()
    with pytest.raises(CommandError, match="Not enough purchase or click history"):
        call_command("train_intent", "--no-progress")
    assert IntentModelVersion.objects.count() == 0


def test_versions_finishing_in_the_same_second_get_distinct_names() -> None:
    from intent.training import free_version_name

    moment = datetime.datetime(2026, 11, 23, 12, 0, 0)
    first = free_version_name(moment)
    IntentModelVersion.objects.create(version=first, path="intent/a.pt", sha256="0" * 64, config={}, metrics={})
    assert first == "intent-20261123-120000" and free_version_name(moment) == "intent-20261123-120000-2"


@pytest.fixture
def popular_product():
    """Every customer looks at some other product for days and then buys the same one: popularity is perfect."""
    products = [ProductFactory(category=ProductCategoryFactory(code=f"pc{i}", name=f"品类{i}")) for i in range(4)]
    now = timezone.now()
    for i in range(40):
        customer = CustomerFactory()
        record_consent(customer, Consent.Purpose.USAGE_DATA, True)
        for day in range(5, 1, -1):
            BehaviorEventFactory(
                customer=customer, kind=BehaviorEvent.Kind.BROWSE, product=products[1 + i % 3], seconds=90,
                occurred_at=now - datetime.timedelta(days=day),
            )  # fmt: skip
        BehaviorEventFactory(
            customer=customer, kind=BehaviorEvent.Kind.TRANSACTION, product=products[0], amount=1,
            occurred_at=now - datetime.timedelta(hours=3),
        )  # fmt: skip
    return products


def test_a_model_that_loses_to_its_baseline_is_recorded_but_never_activated(model_dir, popular_product) -> None:
    barely_trained = TrainSettings(seed=3, epochs=1, patience=1, d_model=16, n_heads=2, n_layers=1, learning_rate=1e-6)
    result = train_intent(barely_trained, progress=False)
    version = result.version
    assert result.metrics["popularity"]["ndcg@3"] == 1.0 > result.metrics["intentnet"]["ndcg@3"]
    assert not version.is_active and active_version() is None  # the cold-start (popularity) ranking serves
    version.refresh_from_db()
    assert version.verdict["passed"] is False and version.verdict["serving"] == "popularity"
    assert version.verdict["baselines"]["logistic_regression"] == round(
        result.metrics["logistic_regression"]["ndcg@3"], 4
    )
    # Even asked to, training never activates it.
    forced = train_intent(barely_trained, progress=False, activate=True)
    assert not forced.version.is_active and active_version() is None


def test_the_verdict_of_a_good_model_is_recorded_with_its_baselines(model_dir, history) -> None:
    version = train_intent(SMALL, progress=False).version
    version.refresh_from_db()
    assert version.is_active and version.verdict["passed"] and version.verdict["serving"] == "model"
    assert version.verdict["metric"] == "ndcg@3" and set(version.verdict["baselines"]) == {
        "popularity",
        "logistic_regression",
    }
