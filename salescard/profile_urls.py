"""HTTP routes of a customer's profile as the sidebar shows it, mounted under ``/api/crm/`` (namespace ``crm``)."""

from __future__ import annotations

from django.urls import path

from salescard.profile_api import CustomerProfileViewSet

profile = CustomerProfileViewSet.as_view
urlpatterns = [
    path("customers/<str:pk>/profile/", profile({"get": "retrieve", "patch": "partial_update"}), name="profile"),
    path("customers/<str:pk>/profile/timeline/", profile({"get": "timeline"}), name="profile-timeline"),
    path("customers/<str:pk>/profile/history/", profile({"get": "history"}), name="profile-history"),
    path(
        "customers/<str:pk>/profile/facts/<int:fact_id>/confirm/",
        profile({"post": "confirm_fact"}),
        name="profile-fact-confirm",
    ),  # fmt: skip
    path(
        "customers/<str:pk>/profile/facts/<int:fact_id>/reject/",
        profile({"post": "reject_fact"}),
        name="profile-fact-reject",
    ),  # fmt: skip
    path("customers/<str:pk>/profile/tags/", profile({"post": "add_tag"}), name="profile-tags"),
    path("customers/<str:pk>/profile/tags/<int:tag_id>/", profile({"delete": "remove_tag"}), name="profile-tag"),
    path("customers/<str:pk>/profile/export/", profile({"get": "export"}), name="profile-export"),
    path("customers/<str:pk>/profile/erase/", profile({"post": "erase"}), name="profile-erase"),
]
