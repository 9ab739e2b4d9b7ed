"""Celery tasks of the conversation engine: thin wrappers around functions that also run inline.
Queue (``CELERY_TASK_ROUTES``): ``deliver_handoff_task`` → ``default``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from dialogue.handoff_delivery import deliver_handoff


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_handoff_task(handoff_id: int) -> None:
    deliver_handoff(handoff_id)
