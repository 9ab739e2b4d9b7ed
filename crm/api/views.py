"""Thin viewsets of the CRM API: scope by role and relation, validate, save."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from crm import tenancy
from crm.access import customers_visible_to
from crm.api.filters import CustomerFilter, ProductFilter
from crm.api.serializers import (
    ConsentSerializer,
    CustomerSerializer,
    ProductCategorySerializer,
    ProductSerializer,
)
from crm.consent import record_consent
from crm.models import Product, ProductCategory
from crm.permissions import CustomerAccess, ManagerWritesStaffReads


class CustomerViewSet(viewsets.ModelViewSet):
    """Customers the signed-in member of staff may see: all for managers, linked ones for salespeople."""

    serializer_class = CustomerSerializer
    permission_classes = [CustomerAccess]
    filterset_class = CustomerFilter
    search_fields = ["name", "phone", "email", "company", "external_im_id"]
    ordering_fields = ["name", "created_at", "updated_at", "birthday", "monthly_online_spend"]

    def get_queryset(self):
        return (
            customers_visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("tag_links__tag", "consents")
            .order_by("-updated_at", "-pk")
        )

    def perform_create(self, serializer: CustomerSerializer) -> None:
        user = self.request.user
        owner = serializer.validated_data.get("owner", user) if user.is_manager else user
        organisation = tenancy.organisation_of(user) or getattr(owner, "organisation", None)
        serializer.save(owner=owner, **({"organisation": organisation} if organisation else {}))

    @extend_schema(request=ConsentSerializer, responses=ConsentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def consents(self, request: Request, pk: str | None = None) -> Response:
        """The customer's consent log (GET), or record a new decision (POST)."""
        customer = self.get_object()
        if request.method == "GET":
            return Response(ConsentSerializer(customer.consents.select_related("recorded_by"), many=True).data)
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = record_consent(customer, recorded_by=request.user, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class TenantViewSet(viewsets.ModelViewSet):
    """A catalogue viewset: the rows of the signed-in user's organisation only (another company's row is 404); new
    rows are created in that organisation."""

    def get_queryset(self):
        return tenancy.for_user(super().get_queryset(), self.request.user)

    def perform_create(self, serializer) -> None:
        organisation = tenancy.organisation_of(self.request.user)
        serializer.save(**({"organisation": organisation} if organisation else {}))


class ProductCategoryViewSet(TenantViewSet):
    queryset = ProductCategory.objects.all()
    serializer_class = ProductCategorySerializer
    permission_classes = [ManagerWritesStaffReads]
    filterset_fields = ["line_of_business"]
    search_fields = ["name", "code"]


class ProductViewSet(TenantViewSet):
    queryset = Product.objects.select_related("category").order_by("category__line_of_business", "name", "pk")
    serializer_class = ProductSerializer
    permission_classes = [ManagerWritesStaffReads]
    filterset_class = ProductFilter
    search_fields = ["name", "sku", "design", "colour"]
    ordering_fields = ["name", "price", "created_at"]
