"""WebSocket routes of the ``crm`` app, included by ``salescard.routing``."""

from __future__ import annotations

from django.urls import path

from crm.consumers import ProfileConsumer

websocket_urlpatterns = [path("ws/customers/<int:customer_id>/", ProfileConsumer.as_asgi())]
