"""Pushing to the watches (SPEC B1, B5): one group per branch, ``branch.<id>``; every bound watch joins it.

Called after commit (persist first, then push). Frames carry task ids; each watch's consumer loads what it shows,
records the delivery and sends it, so a watch that was offline gets the same from ``open_tasks_for`` later.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_for_branch(branch_id: int) -> str:
    return f"branch.{branch_id}"


def _send(branch_id: int, message: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(group_for_branch(branch_id), message)


def offer_task(branch_id: int, task_id: int, *, reminder: bool = False) -> None:
    _send(branch_id, {"type": "task.offered", "task_id": task_id, "reminder": reminder})


def announce_taken(branch_id: int, task_id: int, wearable_id: int, staff_name: str) -> None:
    _send(branch_id, {"type": "task.taken", "task_id": task_id, "wearable_id": wearable_id, "by": staff_name})


def announce_status(branch_id: int, task_id: int, status: str) -> None:
    _send(branch_id, {"type": "task.status", "task_id": task_id, "status": status})
