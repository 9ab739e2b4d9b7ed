"""HTTP routes of the ``crm`` app, mounted under ``/api/crm/``."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from crm.api.im_views import SidebarLinkView, WebhookView
from crm.api.profile_views import CustomerProfileViewSet
from crm.api.views import CustomerViewSet, ProductCategoryViewSet, ProductViewSet

app_name = "crm"

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("product-categories", ProductCategoryViewSet, basename="product-category")
router.register("products", ProductViewSet, basename="product")

profile = CustomerProfileViewSet.as_view
urlpatterns = [
    path("im/webhooks/", WebhookView.as_view(), name="im-webhook"),
    path("im/sidebar-links/", SidebarLinkView.as_view(), name="im-sidebar-link"),
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
    *router.urls,
]
