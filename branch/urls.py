"""HTTP routes of the ``branch`` app, mounted under ``/api/branch/`` by ``salescard.urls``."""

from __future__ import annotations

app_name = "branch"
urlpatterns: list = []
