"""Pushing to the watches (SPEC B1, B5): one group per branch, ``branch.<id>``; every bound watch joins it.

Called after commit (persist first, then push). A new task travels as its finished frame, built once by the
sender, which also records a delivery for every watch bound to the branch, so the 20 watches of a branch get it
without 20 database round trips; a watch that was offline gets the same from ``open_tasks_for`` later.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_for_branch(branch_id: int) -> str:
    return f"branch.{branch_id}"


def _send(branch_id: int, message: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(group_for_branch(branch_id), message)


def offer_task(branch_id: int, frame: dict[str, Any], *, reminder: bool = False) -> None:
    """The task as every watch shows it; the sender recorded the deliveries first (``delivery.offer``)."""
    _send(branch_id, {"type": "task.offered", "task": frame, "reminder": reminder})


def announce_taken(branch_id: int, task_id: int, wearable_id: int, staff_name: str) -> None:
    _send(branch_id, {"type": "task.taken", "task_id": task_id, "wearable_id": wearable_id, "by": staff_name})


def announce_status(branch_id: int, task_id: int, status: str) -> None:
    _send(branch_id, {"type": "task.status", "task_id": task_id, "status": status})
