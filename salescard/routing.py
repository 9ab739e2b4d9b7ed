"""WebSocket URL routes: the project's own plus every app's ``routing.websocket_urlpatterns``."""

from __future__ import annotations

from django.urls import path

import branch.routing
import crm.routing
import dialogue.routing
import intent.routing
from salescard.consumers import CardChatConsumer, OpsConsumer, SalesConsumer

websocket_urlpatterns = [
    path("ws/ops/", OpsConsumer.as_asgi()),
    path("ws/card/<str:token>/", CardChatConsumer.as_asgi()),
    path("ws/sales/", SalesConsumer.as_asgi()),
    *crm.routing.websocket_urlpatterns,
    *intent.routing.websocket_urlpatterns,
    *dialogue.routing.websocket_urlpatterns,
    *branch.routing.websocket_urlpatterns,
]
