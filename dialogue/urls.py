"""HTTP routes of the ``dialogue`` app, mounted under ``/api/dialogue/`` by ``salescard.urls``."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from dialogue.api import ConversationViewSet
from dialogue.call_api import CallViewSet

app_name = "dialogue"
router = DefaultRouter()
router.register("conversations", ConversationViewSet, basename="conversation")
router.register("calls", CallViewSet, basename="call")
urlpatterns = router.urls
