"""WebSocket routes of the ``dialogue`` app, included by ``salescard.routing``."""

from __future__ import annotations

from django.urls import path

from dialogue.consumers import CallCaptureConsumer

websocket_urlpatterns: list = [path("ws/calls/live/", CallCaptureConsumer.as_asgi())]
