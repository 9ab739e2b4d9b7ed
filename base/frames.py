"""The JSON-frames WebSocket consumer every socket of the product is built on, and admission by a rule.

Frames are JSON text; an oversized or binary frame, or malformed JSON, gets ``{"type": "error", "message": …}``
and the socket stays open. ``admit`` refuses a socket with the close code that tells the client what to do
(4401 sign in, 4403 not allowed) — see ``base.socket_auth``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from base.socket_auth import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, refuse

MAX_FRAME_CHARS = 8000  # a frame this long cannot hold a valid message (2,000 characters at most)


class JsonFramesConsumer(AsyncJsonWebsocketConsumer):
    """Shared frame handling: oversized or binary frames and malformed JSON get an error frame."""

    max_frame_chars = MAX_FRAME_CHARS

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if text_data is None:
            await self.send_error("Send text frames of JSON.")
            return
        if len(text_data) > self.max_frame_chars:
            await self.send_error(f"The frame is too large: at most {self.max_frame_chars} characters.")
            return
        await super().receive(text_data=text_data, **kwargs)

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})


async def admit(consumer: AsyncJsonWebsocketConsumer, allowed: Callable[[Any], bool]):  # noqa: ANN201 - User or None
    """The signed-in user of a socket when ``allowed(user)``; anyone else is refused (4401 sign in, 4403 another
    role) and None comes back."""
    user = consumer.scope.get("user")
    if user is None or not user.is_authenticated:
        await refuse(consumer, CLOSE_UNAUTHENTICATED)
        return None
    if not allowed(user):
        await refuse(consumer, CLOSE_FORBIDDEN)
        return None
    return user
