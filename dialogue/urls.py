"""HTTP routes of the conversation engine, mounted under ``/api/dialogue/`` (namespace ``dialogue``) by
``salescard.urls`` beside the call assistant's."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from dialogue.api import ConversationViewSet

router = DefaultRouter()
router.register("conversations", ConversationViewSet, basename="conversation")
urlpatterns = router.urls
