"""The operations socket ``/ws/ops/``: managers watch pipeline probes complete in real time.

Frames from the client: ``{"action": "probe", "queues": ["inference", …]}`` (queues optional).
Frames to the client: ``{"type": "probes.requested", "probes": […]}``, ``{"type": "probe.completed",
"probe": {…}}`` and ``{"type": "error", "message": "…"}``.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from salescard.notify import OPS_GROUP
from salescard.pipeline import ALL_QUEUES, describe_probe, request_probes
from salescard.socket_auth import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, refuse


class OpsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, CLOSE_UNAUTHENTICATED)
            return
        if not user.is_manager:
            await refuse(self, CLOSE_FORBIDDEN)
            return
        await self.channel_layer.group_add(OPS_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(OPS_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict) or content.get("action") != "probe":
            await self.send_error('Unknown frame: send {"action": "probe", "queues": [...]}.')
            return
        queues = content.get("queues", list(ALL_QUEUES))
        if not isinstance(queues, list) or not queues or not all(q in ALL_QUEUES for q in queues):
            await self.send_error(f"queues must be a non-empty list drawn from {', '.join(ALL_QUEUES)}.")
            return
        probes = await database_sync_to_async(request_probes)(self.scope["user"], queues)
        await self.send_json({"type": "probes.requested", "probes": [describe_probe(p) for p in probes]})

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    async def probe_completed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "probe.completed", "probe": event["probe"]})
