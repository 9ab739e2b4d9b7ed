"""Periodic work every web process does on its own event loop, so the embedded default needs no scheduler: hand-offs
nobody accepted move on (``dialogue.handoff_escalation``) and stale terminal presences are forgotten.

The loop starts with the first request or socket a process serves (``HousekeepingMiddleware``) and runs every
``HANDOFF_SWEEP_SECONDS`` (0 turns it off). Several processes sweeping at once act once per hand-off: each move is a
conditional update.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

logger = logging.getLogger(__name__)


def sweep_once() -> int:
    from dialogue.handoff_escalation import sweep_handoffs
    from dialogue.presence import forget_stale

    forget_stale()
    return len(sweep_handoffs())


async def _loop(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await database_sync_to_async(sweep_once)()
        except Exception:  # a database hiccup must not end the loop
            logger.exception("Housekeeping sweep failed")


class HousekeepingMiddleware:
    """ASGI middleware that starts the loop once per process, on the event loop that serves the application."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.task: asyncio.Task | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if self.task is None and scope.get("type") in ("http", "websocket") and settings.HANDOFF_SWEEP_SECONDS > 0:
            self.task = asyncio.get_running_loop().create_task(_loop(float(settings.HANDOFF_SWEEP_SECONDS)))
        return await self.app(scope, receive, send)
