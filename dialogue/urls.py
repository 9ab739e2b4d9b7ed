"""HTTP routes of the ``dialogue`` app, mounted under ``/api/dialogue/`` by ``salescard.urls``."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from dialogue.api import ConversationViewSet

app_name = "dialogue"
router = DefaultRouter()
router.register("conversations", ConversationViewSet, basename="conversation")
urlpatterns = router.urls
