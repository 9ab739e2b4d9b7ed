"""HTTP routes of the call assistant, mounted under ``/api/dialogue/`` (namespace ``dialogue``) by
``salescard.urls``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from dialogue.calls.api import CallViewSet

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
urlpatterns = router.urls
