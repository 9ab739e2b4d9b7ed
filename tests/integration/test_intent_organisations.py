"""Issue 19 on the distributed setup: a Celery worker trains each organisation's model on the ``training`` queue
from its own history in PostgreSQL, and predicts on the ``inference`` queue through Redis — a bank customer gets
bank products from the bank's model, a furniture customer furniture from the retailer's, and an organisation with
too little history stays on the cold-start ranking of its own catalogue."""

from __future__ import annotations

import pytest

from crm.models import Customer, Organisation, Product
from intent.model_store import activate_version, engine_status
from intent.models import IntentModelVersion, IntentPrediction
from intent.tasks import predict_intents_task, retrain_intent_task
from tests.intent.test_organisations import buyers, catalogue
from tests.servers import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_trains_and_predicts_per_organisation(settings, tmp_path) -> None:
    settings.MODEL_DIR = tmp_path
    bank = Organisation.objects.create(name="招财银行")
    furniture = Organisation.objects.create(name="宜居家居")
    newcomer = Organisation.objects.create(name="新开家居")
    bank_products = catalogue(
        bank,
        "bank",
        (
            ("banking", "理财", "稳健理财30天", "50000"),
            ("banking", "存款", "三年期大额存单", "200000"),
            ("insurance", "保险", "百万医疗险", "3000"),
        ),
    )
    home_products = catalogue(
        furniture, "home", (("home", "沙发", "奶油风模块沙发", "8999"), ("home", "床", "实木双人床", "6999"))
    )
    catalogue(newcomer, "new", (("home", "沙发", "新款沙发", "5999"),))
    buyers(bank, bank_products, 45)
    buyers(furniture, home_products, 40)
    walk_in = Customer.objects.create(name="到店客户", organisation=newcomer)

    with celery_worker(queues="training,inference") as worker:
        for organisation in (newcomer, bank, furniture):  # one task per organisation, run in this order (-c 1)
            retrain_intent_task.delay(organisation.pk)
        versions = IntentModelVersion.objects.filter(organisation__in=(bank, furniture))
        worker.wait_until(lambda: versions.count() == 2, timeout=300, what="training every organisation")
        assert worker.log_tail(400).count("retrain_intent_task") >= 3
        assert not IntentModelVersion.objects.filter(organisation=newcomer).exists()  # too little history
        assert {v.version.split("-")[1] for v in versions} == {str(bank.pk), str(furniture.pk)}
        for organisation in (bank, furniture):
            activate_version(IntentModelVersion.objects.get(organisation=organisation))
        assert engine_status(newcomer).cold_start and not engine_status(bank).cold_start

        ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        predict_intents_task.delay(ids)
        predictions = IntentPrediction.objects.filter(customer_id__in=ids)
        worker.wait_until(lambda: predictions.count() == len(ids), timeout=180, what="storing predictions")
        log = worker.log_tail(400)
        assert "retrain_intent_task" in log and "predict_intents_task" in log, "the worker ran both"

    organisation_of = dict(Product.objects.values_list("pk", "organisation_id"))
    versions = dict(IntentModelVersion.objects.values_list("pk", "organisation_id"))
    for prediction in IntentPrediction.objects.select_related("customer"):
        own = prediction.customer.organisation_id
        assert {organisation_of[i["product_id"]] for i in prediction.intents} == {own}, "never another company's"
        if prediction.model_version_id:
            assert versions[prediction.model_version_id] == own, "each organisation's own model"
    modelled = IntentPrediction.objects.filter(is_fallback=False)
    assert {p.customer.organisation_id for p in modelled} == {bank.pk, furniture.pk}
    cold = IntentPrediction.objects.get(customer=walk_in)
    assert cold.is_fallback and cold.reasons[0] == "no active intent model (cold start)"
