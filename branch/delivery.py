"""What a watch receives and does (SPEC B1, B2, B5): binding to a branch, the open tasks it has not acknowledged,
acknowledging, and accepting a task — the first watch to accept owns it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from base.tts import speech_url
from branch.analysis import customer_card
from branch.models import Branch, Task, TaskDelivery, Wearable, WearableBinding
from branch.watch_pushes import offer_task


class TaskRefusedError(ValueError):
    """The watch may not do this with the task; the message says why."""


def bind(wearable: Wearable, branch_code: object) -> Branch:
    """Bind the watch to a branch (its earlier binding ends); it then receives only that branch's tasks."""
    if not isinstance(branch_code, str):
        raise TaskRefusedError("branch must be a branch code.")
    # Only a branch of the watch's own organisation (issue 19): another company's code is as unknown as none.
    branch = Branch.objects.of(wearable.organisation_id).filter(code=branch_code, is_active=True).first()
    if branch is None:
        raise TaskRefusedError(f"Unknown branch {branch_code[:30]!r}.")
    with transaction.atomic():
        now = timezone.now()
        WearableBinding.objects.filter(wearable=wearable, unbound_at__isnull=True).exclude(branch=branch).update(
            unbound_at=now
        )
        if not WearableBinding.objects.filter(wearable=wearable, branch=branch, unbound_at__isnull=True).exists():
            WearableBinding.objects.create(wearable=wearable, branch=branch, staff=wearable.staff, bound_at=now)
        Wearable.objects.filter(pk=wearable.pk).update(branch=branch)
    wearable.branch = branch
    return branch


def open_tasks_for(wearable: Wearable) -> list[Task]:
    """Open tasks of the watch's branch that it has not acknowledged (what it missed while offline), except those
    a colleague's watch has taken."""
    if wearable.branch_id is None:
        return []
    acknowledged = TaskDelivery.objects.filter(wearable=wearable, acknowledged_at__isnull=False).values("task")
    return list(
        Task.objects.filter(branch_id=wearable.branch_id, status__in=Task.OPEN, analysed_at__isnull=False)
        .filter(Q(wearable__isnull=True) | Q(wearable=wearable))
        .exclude(pk__in=acknowledged)
        .select_related("customer", "staff", "ticket")
        .order_by("created_at", "pk")
    )


def done_today_by(wearable: Wearable) -> list[Task]:
    """Tasks this watch finished today: its "done" list after a reconnect."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Task.objects.filter(wearable=wearable, status=Task.Status.DONE, ended_at__gte=start)
        .select_related("customer", "staff", "ticket")
        .order_by("ended_at")
    )


def task_frame(task: Task) -> dict:
    """A task as the watch shows it (B6)."""
    return {
        "id": task.pk,
        "status": task.status,
        "customer": customer_card(task.customer),
        "business": task.business,
        "ticket": task.ticket.number if task.ticket_id else "",
        "recommendations": task.recommendations,
        "demand": task.demand,
        "reminders": task.reminders,
        "taken_by": (task.staff.get_full_name() or task.staff.username) if task.staff_id else "",
        "wearable_id": task.wearable_id,
        "created_at": task.created_at.isoformat(),
        "summary": task_summary(task),
    }


def task_summary(task: Task) -> str:
    """What the watch says aloud when the task arrives."""
    parts = [f"新任务：{task.customer.name}"]
    if task.business:
        parts.append(f"预约{task.business}")
    if task.recommendations:
        parts.append(f"首推{task.recommendations[0]['product']}")
    return "，".join(parts) + "。"


def offer(task_id: int, *, reminder: bool = False) -> dict | None:
    """Offer the task to every watch bound to its branch: deliveries recorded first, then one push with the frame."""
    task = Task.objects.select_related("customer", "staff", "ticket").filter(pk=task_id).first()
    if task is None:
        return None
    bound = Wearable.objects.filter(branch_id=task.branch_id, revoked_at__isnull=True).values_list("pk", flat=True)
    TaskDelivery.objects.bulk_create([TaskDelivery(task=task, wearable_id=pk) for pk in bound], ignore_conflicts=True)
    frame = spoken(task_frame(task))
    offer_task(task.branch_id, frame, reminder=reminder)  # a layer that is down is logged; watches catch up later
    return frame


def spoken(frame: dict) -> dict:
    """The task frame with the URL of its spoken summary (the voice reminder)."""
    return {**frame, "speech": speech_url(frame["summary"], "zh-hans")}


def missed_frames(wearable: Wearable) -> list[dict]:
    """What a (re)connecting watch is sent: today's done tasks, then every open task it has not acknowledged, whose
    deliveries are recorded in one insert."""
    missed = open_tasks_for(wearable)
    TaskDelivery.objects.bulk_create(
        [TaskDelivery(task=task, wearable=wearable) for task in missed], ignore_conflicts=True
    )
    return [spoken(task_frame(task)) for task in done_today_by(wearable) + missed]


def frame_of(task_id: int) -> dict:
    return task_frame(Task.objects.select_related("customer", "staff", "ticket").get(pk=task_id))


def acknowledge(wearable: Wearable, task_id: object) -> None:
    task = _own_branch_task(wearable, task_id)
    delivery, _ = TaskDelivery.objects.get_or_create(task=task, wearable=wearable)
    if delivery.acknowledged_at is None:
        delivery.acknowledged_at = timezone.now()
        delivery.save(update_fields=["acknowledged_at"])


def accept(wearable: Wearable, task_id: object) -> Task:
    """Take the task; exactly one watch wins a race (a conditional update, not read-then-write)."""
    task = _own_branch_task(wearable, task_id)
    now = timezone.now()
    with transaction.atomic():
        won = Task.objects.filter(pk=task.pk, wearable__isnull=True, status__in=Task.OPEN).update(
            wearable=wearable, staff=wearable.staff, status=Task.Status.VIEWED, accepted_at=now
        )
        if not won:
            task.refresh_from_db()
            if task.wearable_id == wearable.pk:
                return task
            raise TaskRefusedError("This task was already taken." if task.wearable_id else "This task is closed.")
        TaskDelivery.objects.update_or_create(task=task, wearable=wearable, defaults={"acknowledged_at": now})
    task.refresh_from_db()
    return task


def _own_branch_task(wearable: Wearable, task_id: object) -> Task:
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise TaskRefusedError("task must be a task id.")
    task = Task.objects.filter(pk=task_id, branch_id=wearable.branch_id).first() if wearable.branch_id else None
    if task is None:
        raise TaskRefusedError("No such task in your branch.")
    return task
