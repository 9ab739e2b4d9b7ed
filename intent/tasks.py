"""Celery tasks of the intent engine: thin wrappers around functions that also run inline.
Queues: ``predict_intents_task`` → ``inference``, ``retrain_intent_task`` → ``training`` (``CELERY_TASK_ROUTES``)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from crm.models import Customer
from intent.inference import predict_intents
from intent.training import TrainingError, train_intent


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def predict_intents_task(customer_ids: list[int]) -> None:
    predict_intents(list(Customer.objects.filter(pk__in=customer_ids).order_by("pk")))


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def retrain_intent_task() -> None:
    """Retrain on the latest history and feedback; the new version waits in the admin for activation."""
    try:
        train_intent(progress=False, activate=False)
    except TrainingError:
        return  # not enough data yet: nothing to do until more history arrives
