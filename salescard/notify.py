"""Pushes from sync code to the operations socket group (``ops``), called after commit."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

OPS_GROUP = "ops"


def push_to_ops(message: dict[str, Any]) -> None:
    """Send ``message`` (its ``type`` names the consumer handler) to every connected operations socket."""
    async_to_sync(get_channel_layer().group_send)(OPS_GROUP, message)
