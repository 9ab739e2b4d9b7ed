"""WebSocket routes of the ``crm`` app, included by ``salescard.routing``."""

from __future__ import annotations

websocket_urlpatterns: list = []
