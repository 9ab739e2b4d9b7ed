"""HTTP routes of the ``intent`` app, mounted under ``/api/intent/`` by ``salescard.urls``."""

from __future__ import annotations

app_name = "intent"
urlpatterns: list = []
