"""HTTP routes of the ``dialogue`` app, mounted under ``/api/dialogue/`` by ``salescard.urls``."""

from __future__ import annotations

app_name = "dialogue"
urlpatterns: list = []
