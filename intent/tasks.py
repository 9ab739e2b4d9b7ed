"""Celery tasks of the intent engine: thin wrappers around functions that also run inline.
Queues: ``predict_intents_task`` → ``inference``, ``retrain_intent_task`` and ``retrain_all_intent_task`` →
``training`` (``CELERY_TASK_ROUTES``). Training is per organisation (issue 19): one task per organisation."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from base.progress import ProgressCallback
from base.queueing import send_now
from base.training_jobs import run_training_job
from crm.models import Customer, Organisation
from intent.inference import predict_intents
from intent.training import TrainingError, train_intent


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def predict_intents_task(customer_ids: list[int]) -> None:
    """Each customer is predicted by their own organisation's model over its catalogue (``predict_intents``)."""
    predict_intents(list(Customer.objects.filter(pk__in=customer_ids).order_by("pk")))


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def retrain_intent_task(organisation_id: int | None = None, job_id: int | None = None) -> str | None:
    """Retrain one organisation (the default one when None) on its latest history and feedback; the new version
    waits in the admin for activation. Returns the version's name, or None while it has too little history (it
    keeps the cold-start ranking). ``job_id``: the admin's ``TrainingJob`` that follows it (``base.training_jobs``)."""
    if organisation_id is not None and not Organisation.objects.filter(pk=organisation_id).exists():
        return None  # the organisation went away before the worker got to it

    def train(on_progress: ProgressCallback | None) -> str:
        return train_intent(
            progress=False, activate=False, organisation=organisation_id, on_progress=on_progress
        ).version.version

    try:
        return run_training_job(job_id, train, explained=(TrainingError,))
    except TrainingError:
        return None  # not enough data yet: nothing to do until more history arrives


@shared_task(acks_late=True)
def retrain_all_intent_task() -> list[int]:
    """One ``retrain_intent_task`` per organisation on the training queue; returns the organisations sent."""
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for organisation_id in ids:
        send_now(retrain_intent_task, organisation_id)
    return ids
