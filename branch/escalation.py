"""Tasks nobody takes (SPEC B5): remind the branch's watches again, then escalate to the branch manager.

A pending task that no watch has accepted after ``BRANCH_ACK_SECONDS`` is offered again as a reminder (the watches
vibrate, ring and speak again), up to ``BRANCH_REMINDERS_BEFORE_ESCALATION`` times, one window apart; after that
the branch manager is told — on the sales terminal (group ``sales.<user_id>``) and by e-mail when they have one.

The sweep is a periodic job (``salescard.housekeeping``: every ``BRANCH_ESCALATION_SWEEP_SECONDS``, in the web
process on the embedded default, from Celery beat in the distributed setup) and ``manage.py escalate_tasks``, so a
branch with no watch online is escalated too. Each step is a conditional update on the task's state as it was read,
so several sweeps at once act once per task.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone

from branch.delivery import offer
from branch.models import Task
from dialogue.handoff_delivery import push_to_salesperson

logger = logging.getLogger(__name__)
BATCH = 200  # tasks looked at per sweep, oldest first; the next sweep takes the rest


def _waiting() -> QuerySet[Task]:
    """Analysed tasks no watch took and nobody escalated yet."""
    return Task.objects.filter(
        status=Task.Status.PENDING, wearable__isnull=True, analysed_at__isnull=False, escalated_at__isnull=True
    )


def due_tasks(now: datetime.datetime) -> list[Task]:
    """Waiting tasks whose next step (a reminder or the escalation) is due at ``now``."""
    window = datetime.timedelta(seconds=settings.BRANCH_ACK_SECONDS)
    candidates = (
        _waiting()
        .filter(created_at__lte=now - window)
        .select_related("branch__manager", "customer")
        .order_by("created_at", "pk")[:BATCH]
    )
    return [task for task in candidates if now - task.created_at >= window * (task.reminded + 1)]


def advance(task: Task, now: datetime.datetime) -> str | None:
    """Take the due task's next step: "reminded" or "escalated", or None when another sweep (or an accepting
    watch) changed it since it was read."""
    unchanged = _waiting().filter(pk=task.pk, reminded=task.reminded)
    if task.reminded < settings.BRANCH_REMINDERS_BEFORE_ESCALATION:
        if not unchanged.update(reminded=task.reminded + 1):
            return None
        offer(task.pk, reminder=True)
        return "reminded"
    if not unchanged.update(escalated_at=now):
        return None
    _tell_manager(task)
    return "escalated"


def sweep_unaccepted(now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """Remind or escalate every overdue pending task; returns (task id, "reminded" or "escalated")."""
    now = now or timezone.now()
    done: list[tuple[int, str]] = []
    for task in due_tasks(now):
        step = advance(task, now)
        if step is not None:
            done.append((task.pk, step))
    if done:
        logger.info("Branch tasks swept: %s", done)
    return done


def _tell_manager(task: Task) -> None:
    manager = task.branch.manager
    text = f"{task.branch.name}：客户 {task.customer.name}（{task.business or '未预约业务'}）无人接单，请安排接待。"
    if manager is None:
        logger.warning("Task %s escalated but branch %s has no manager: %s", task.pk, task.branch_id, text)
        return
    push_to_salesperson(
        manager.pk, {"type": "branch.escalated", "task_id": task.pk, "branch": task.branch.name, "text": text}
    )
    if manager.email:
        try:
            send_mail(f"{task.branch.name}：任务无人接单", text, None, [manager.email])
        except OSError:
            logger.exception("Escalation mail for task %s failed", task.pk)
