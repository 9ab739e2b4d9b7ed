"""Celery tasks of the branch (SPEC B4, B5): thin wrappers that take ids."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from branch.analysis import analyse_task
from branch.delivery import offer


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def analyse_task_task(task_id: int) -> None:
    """Analyse the target customer's demand, then offer the task to the branch's watches."""
    task = analyse_task(task_id)
    if task is not None:
        offer(task.pk)
