"""WebSocket URL routes: the project's own plus every app's ``routing.websocket_urlpatterns``."""

from __future__ import annotations

from django.urls import path

import branch.routing
import dialogue.calls.routing
import intent.routing
from salescard.consumers import CardChatConsumer, OpsConsumer, SalesConsumer
from salescard.sidebar_consumer import ProfileConsumer

websocket_urlpatterns = [
    path("ws/ops/", OpsConsumer.as_asgi()),
    path("ws/card/<str:token>/", CardChatConsumer.as_asgi()),
    path("ws/sales/", SalesConsumer.as_asgi()),
    path("ws/customers/<int:customer_id>/", ProfileConsumer.as_asgi()),
    *intent.routing.websocket_urlpatterns,
    *dialogue.calls.routing.websocket_urlpatterns,
    *branch.routing.websocket_urlpatterns,
]
