"""Tasks nobody takes (SPEC B5): remind the branch's watches again, then escalate to the branch manager.

A pending task that no watch has accepted after ``BRANCH_ACK_SECONDS`` is offered again as a reminder (the watches
vibrate, ring and speak again), up to ``BRANCH_REMINDERS_BEFORE_ESCALATION`` times, one window apart; after that
the branch manager is told — on the sales terminal (group ``sales.<user_id>``) and by e-mail when they have one.
Each step is a conditional update, so several web processes sweeping at once act once per task.

The sweep runs from the watch sockets' own timers (at most every ``SWEEP_SECONDS`` per process), so it needs no
scheduler: a branch with a watch online is swept.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from branch.delivery import offer
from branch.models import Task
from dialogue.handoff_delivery import push_to_salesperson

logger = logging.getLogger(__name__)
SWEEP_SECONDS = 5.0
_last_sweep = 0.0


def sweep_due() -> bool:
    """Whether this process should sweep now (checked in the event loop, without a database call)."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < SWEEP_SECONDS:
        return False
    _last_sweep = now
    return True


def sweep_unaccepted(now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """Remind or escalate every overdue pending task; returns (task id, "reminded" or "escalated")."""
    now = now or timezone.now()
    window = datetime.timedelta(seconds=settings.BRANCH_ACK_SECONDS)
    most = settings.BRANCH_REMINDERS_BEFORE_ESCALATION
    done: list[tuple[int, str]] = []
    overdue = Task.objects.filter(
        status=Task.Status.PENDING, wearable__isnull=True, analysed_at__isnull=False, escalated_at__isnull=True
    ).select_related("branch__manager", "customer")
    for task in overdue:
        if now - task.created_at < window * (task.reminded + 1):
            continue
        if task.reminded < most:
            if Task.objects.filter(pk=task.pk, reminded=task.reminded).update(reminded=task.reminded + 1):
                offer(task.pk, reminder=True)
                done.append((task.pk, "reminded"))
        elif Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now):
            _tell_manager(task)
            done.append((task.pk, "escalated"))
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
