"""HTTP routes of the ``crm`` app, mounted under ``/api/crm/``."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from crm.api.views import CustomerViewSet, ProductCategoryViewSet, ProductViewSet

app_name = "crm"

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("product-categories", ProductCategoryViewSet, basename="product-category")
router.register("products", ProductViewSet, basename="product")

urlpatterns = router.urls
