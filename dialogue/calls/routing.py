"""WebSocket routes of the call assistant, included by ``salescard.routing``."""

from __future__ import annotations

from django.urls import path

from dialogue.calls.consumers import CallCaptureConsumer

websocket_urlpatterns: list = [path("ws/calls/live/", CallCaptureConsumer.as_asgi())]
