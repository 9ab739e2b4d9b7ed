"""HTTP routes of the IM profile, mounted under ``/api/crm/`` (namespace ``crm``) by ``salescard.urls``."""

from __future__ import annotations

from django.urls import path

from crm.im_profile.api import SidebarLinkView, WebhookView

urlpatterns = [
    path("im/webhooks/", WebhookView.as_view(), name="im-webhook"),
    path("im/sidebar-links/", SidebarLinkView.as_view(), name="im-sidebar-link"),
]
