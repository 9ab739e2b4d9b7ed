"""Celery tasks of the conversation engine: thin wrappers around functions that also run inline.
Queue (``CELERY_TASK_ROUTES``): ``deliver_handoff_task`` and the periodic ``sweep_handoffs_task`` → ``default``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from dialogue.handoff_delivery import deliver_handoff
from dialogue.handoff_escalation import sweep_handoffs
from dialogue.presence import forget_stale


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_handoff_task(handoff_id: int) -> None:
    deliver_handoff(handoff_id)


@shared_task
def sweep_handoffs_task() -> int:
    """Periodic job ``sweep-handoffs`` (``salescard.housekeeping``): move every overdue hand-off on and forget stale
    terminal presences. No retries: the next run does the same."""
    forget_stale()
    return len(sweep_handoffs())
