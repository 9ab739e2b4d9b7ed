"""Celery tasks of the branch (SPEC B4, B5): thin wrappers that take ids, and their enqueueing.

On the embedded default (Celery eager) the analysis and the push run in the web process's background thread
(``base.queueing``), so the kiosk's request answers at once, as it does with workers. When the broker is
unreachable (Redis restarting), a ticket is still taken: the analysis runs in the web process's background thread.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from base.queueing import enqueue
from branch.analysis import analyse_task
from branch.delivery import offer
from branch.escalation import sweep_unaccepted

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
    """Analyse and offer the task once it is committed (``base.queueing``: on a worker, or in the background thread
    when eager or when the broker is unreachable — the task and its deliveries are stored first)."""
    enqueue(analyse_task_task, task_id)


@shared_task
def escalate_tasks_task() -> int:
    """Periodic job ``escalate-branch-tasks`` (``salescard.housekeeping``): remind the watches of tasks nobody
    accepted, then escalate them to the branch manager. No retries: the next run does the same."""
    return len(sweep_unaccepted())
