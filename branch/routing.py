"""WebSocket routes of the ``branch`` app, included by ``salescard.routing``."""

from __future__ import annotations

from django.urls import path

from branch.consumers import WearableConsumer

websocket_urlpatterns: list = [path("ws/wearable/", WearableConsumer.as_asgi())]
