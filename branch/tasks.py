"""Celery tasks of the branch (SPEC B4, B5): thin wrappers that take ids, and their enqueueing.

On the embedded default (Celery eager) the analysis and the push run in the web process's background thread
(``salescard.background``), so the kiosk's request answers at once, as it does with workers. When the broker is
unreachable (Redis restarting), a ticket is still taken: the analysis runs in the web process instead, and the push
is left to the watches' reconnect (the task and its deliveries are stored first).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailableError

from branch.analysis import analyse_task
from branch.delivery import offer
from salescard.background import run_in_background

logger = logging.getLogger(__name__)


def analyse_and_offer(task_id: int) -> None:
    task = analyse_task(task_id)
    if task is not None:
        offer(task.pk)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def analyse_task_task(task_id: int) -> None:
    """Analyse the target customer's demand, then offer the task to the branch's watches."""
    analyse_and_offer(task_id)


def enqueue_analysis(task_id: int) -> None:
    """Analyse and offer the task (called after its commit): on a worker, or in the background thread when eager."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_in_background(analyse_and_offer, task_id)
        return
    try:
        analyse_task_task.delay(task_id)
    except BrokerUnavailableError:
        logger.warning("The broker is unreachable; analysing branch task %s in this process", task_id)
        analyse_and_offer(task_id)


@shared_task
def escalate_tasks_task() -> int:
    """Periodic job ``escalate-branch-tasks`` (``salescard.housekeeping``): remind the watches of tasks nobody
    accepted, then escalate them to the branch manager. No retries: the next run does the same."""
    from branch.escalation import sweep_unaccepted

    return len(sweep_unaccepted())
