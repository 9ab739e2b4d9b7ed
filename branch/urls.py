"""HTTP routes of the ``branch`` app, mounted under ``/api/branch/`` by ``salescard.urls``."""

from __future__ import annotations

from django.urls import path

from branch.api import TicketView

app_name = "branch"
urlpatterns = [path("tickets/", TicketView.as_view(), name="tickets")]
