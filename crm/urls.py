"""HTTP routes of the CRM core, mounted under ``/api/crm/`` (namespace ``crm``) by ``salescard.urls`` beside the IM
profile's and the sidebar's routes."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from crm.api.views import CustomerViewSet, ProductCategoryViewSet, ProductViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("product-categories", ProductCategoryViewSet, basename="product-category")
router.register("products", ProductViewSet, basename="product")

urlpatterns = [
    *router.urls,
]
