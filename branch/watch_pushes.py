"""Pushing to the watches (SPEC B1, B5): one group per branch, ``branch.<id>``; every bound watch joins it.

Persist first, then push (``base.pushes``): each frame goes out once the rows it describes are committed. A new task
travels as its finished frame, built once by the sender, which also records a delivery for every watch bound to the
branch, so the 20 watches of a branch get it without 20 database round trips; a watch that was offline (or missed
the push because the channel layer was down) gets the same from ``open_tasks_for`` later.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from base.pushes import push_after_commit


class TaskOffered(TypedDict):
    type: Literal["task.offered"]
    task: dict[str, Any]  # branch.delivery.task_frame, with its spoken summary
    reminder: bool


class TaskTaken(TypedDict):
    type: Literal["task.taken"]
    task_id: int
    wearable_id: int
    by: str


class TaskStatus(TypedDict):
    type: Literal["task.status"]
    task_id: int
    status: str


def group_for_branch(branch_id: int) -> str:
    return f"branch.{branch_id}"


def offer_task(branch_id: int, frame: dict[str, Any], *, reminder: bool = False) -> None:
    """The task as every watch shows it; the sender recorded the deliveries first (``delivery.offer``)."""
    push_after_commit(group_for_branch(branch_id), TaskOffered(type="task.offered", task=frame, reminder=reminder))


def announce_taken(branch_id: int, task_id: int, wearable_id: int, staff_name: str) -> None:
    push_after_commit(
        group_for_branch(branch_id),
        TaskTaken(type="task.taken", task_id=task_id, wearable_id=wearable_id, by=staff_name),
    )


def announce_status(branch_id: int, task_id: int, status: str) -> None:
    push_after_commit(group_for_branch(branch_id), TaskStatus(type="task.status", task_id=task_id, status=status))
