"""The profile sidebar's API (SPEC P2–P6, X3), under ``/api/crm/customers/<id>/…``. Thin: authorise by relation,
validate, call ``crm.im_profile.profile`` / ``salescard.sidebar`` / ``salescard.privacy``, answer.

Authenticated by a staff token, a session, or the sidebar's own access token (which names one customer). Only staff
linked to the customer (friend, shared group, owner) and managers get past ``_customer``: others get 403.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from base.api_tokens import HashedTokenAuthentication
from crm.access import can_edit_customers, customer_exists_for
from crm.im_profile.models import ProfileFact
from crm.im_profile.profile import ProfileError, add_tag, confirm_fact, edit_profile, reject_fact, remove_tag
from crm.im_profile.pushes import SECTIONS
from crm.models import Customer
from salescard.privacy import erase_customer, export_customer
from salescard.sidebar import history, sections, timeline_section, visible_customer
from salescard.sidebar_auth import SidebarGrant, SidebarTokenAuthentication


class WorksWithCustomers(BasePermission):
    message = "Only managers and salespeople work with customer profiles."

    def has_permission(self, request, view) -> bool:
        return can_edit_customers(request.user)


class ProfileEditSerializer(serializers.ModelSerializer):
    hobbies = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)

    class Meta:
        model = Customer
        fields = [
            "name", "gender", "birthday", "hometown", "residence", "married", "children", "phone", "email", "company",
            "job_title", "budget", "mbti", "hobbies",
        ]  # fmt: skip
        extra_kwargs = {"name": {"required": False}}


class TagRequestSerializer(serializers.Serializer):
    tag_id = serializers.IntegerField(required=False, help_text="An enterprise tag or one of your personal tags.")
    name = serializers.CharField(max_length=50, required=False, help_text="A personal tag, created when new.")

    def validate(self, attrs: dict) -> dict:
        if ("tag_id" in attrs) == bool(attrs.get("name", "").strip()):
            raise serializers.ValidationError("Give either tag_id or name.")
        return attrs


SECTIONS_PARAMETER = OpenApiParameter("sections", str, description=f"Comma-separated, of {', '.join(SECTIONS)}.")
ANY_OBJECT = inline_serializer("SidebarSections", {"profile": serializers.DictField(required=False)})


class CustomerProfileViewSet(ViewSet):
    authentication_classes = [HashedTokenAuthentication, SessionAuthentication, SidebarTokenAuthentication]
    permission_classes = [WorksWithCustomers]

    def _customer(self, request: Request, pk: str) -> Customer:
        try:
            customer_id = int(pk)
        except (TypeError, ValueError):
            raise NotFound("No such customer.") from None
        if not customer_exists_for(request.user, customer_id):  # none, or another organisation's
            raise NotFound("No such customer.")
        if isinstance(request.auth, SidebarGrant) and request.auth.customer_id != customer_id:
            raise PermissionDenied("This sidebar token is for another customer.")
        customer = visible_customer(request.user, customer_id)
        if customer is None:
            raise PermissionDenied("You are not linked to this customer (no IM friendship or shared group).")
        return customer

    @extend_schema(parameters=[SECTIONS_PARAMETER], responses=ANY_OBJECT, summary="The sidebar's sections")
    def retrieve(self, request: Request, pk: str) -> Response:
        customer = self._customer(request, pk)
        wanted = [s for s in request.query_params.get("sections", "").split(",") if s]
        unknown = sorted(set(wanted) - set(SECTIONS))
        if unknown:
            raise ValidationError({"sections": f"Unknown sections: {', '.join(unknown)}."})
        return Response(sections(customer, request.user, wanted or None))

    @extend_schema(request=ProfileEditSerializer, responses=ANY_OBJECT, summary="Edit profile fields (audited)")
    def partial_update(self, request: Request, pk: str) -> Response:
        customer = self._customer(request, pk)
        serializer = ProfileEditSerializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data:
            raise ValidationError({"detail": "Send at least one field to change."})
        try:
            edit_profile(customer, dict(serializer.validated_data), request.user)
        except ProfileError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(sections(customer, request.user, ["profile", "facts"]))

    @extend_schema(parameters=[OpenApiParameter("page", int)], responses=ANY_OBJECT, summary="Behaviour, newest first")
    def timeline(self, request: Request, pk: str) -> Response:
        customer = self._customer(request, pk)
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            raise ValidationError({"page": "A page number is a whole number."}) from None
        if page < 1:
            raise ValidationError({"page": "Pages start at 1."})
        return Response(timeline_section(customer, page))

    @extend_schema(request=None, responses=ANY_OBJECT, summary="Confirm a suggested fact into the profile")
    def confirm_fact(self, request: Request, pk: str, fact_id: str) -> Response:
        return self._decide(request, pk, fact_id, confirm_fact)

    @extend_schema(request=None, responses=ANY_OBJECT, summary="Reject a suggested fact")
    def reject_fact(self, request: Request, pk: str, fact_id: str) -> Response:
        return self._decide(request, pk, fact_id, reject_fact)

    def _decide(self, request: Request, pk: str, fact_id: str, decide) -> Response:
        customer = self._customer(request, pk)
        fact = ProfileFact.objects.filter(customer=customer, pk=fact_id).first()
        if fact is None:
            raise NotFound("No such fact for this customer.")
        try:
            decide(fact, request.user)
        except ProfileError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(sections(customer, request.user, ["facts", "profile"]))

    @extend_schema(request=TagRequestSerializer, responses=ANY_OBJECT, summary="Tag the customer")
    def add_tag(self, request: Request, pk: str) -> Response:
        customer = self._customer(request, pk)
        serializer = TagRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            add_tag(
                customer, request.user, tag_id=serializer.validated_data.get("tag_id"),
                personal_name=serializer.validated_data.get("name", ""),
            )  # fmt: skip
        except ProfileError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(sections(customer, request.user, ["tags"]), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ANY_OBJECT, summary="Take a tag off the customer")
    def remove_tag(self, request: Request, pk: str, tag_id: str) -> Response:
        customer = self._customer(request, pk)
        try:
            remove_tag(customer, request.user, int(tag_id))
        except ProfileError as error:
            raise NotFound(str(error)) from None
        return Response(sections(customer, request.user, ["tags"]))

    @extend_schema(responses=ANY_OBJECT, summary="The profile's audit log, newest first")
    def history(self, request: Request, pk: str) -> Response:
        return Response({"changes": history(self._customer(request, pk), limit=100)})

    @extend_schema(responses=ANY_OBJECT, summary="Export everything stored about the customer (managers; logged)")
    def export(self, request: Request, pk: str) -> Response:
        customer = self._manager_customer(request, pk)
        response = Response(export_customer(customer, request.user))
        response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
        return response

    @extend_schema(request=None, responses=ANY_OBJECT, summary="Erase the customer's personal data (managers; logged)")
    def erase(self, request: Request, pk: str) -> Response:
        customer = self._manager_customer(request, pk)
        log = erase_customer(customer, request.user)
        return Response({"erased": customer.pk, "deleted": log.summary, "performed_at": log.performed_at.isoformat()})

    def _manager_customer(self, request: Request, pk: str) -> Customer:
        customer = self._customer(request, pk)
        if not request.user.is_manager:
            raise PermissionDenied("Only a manager may export or erase a customer's data.")
        return customer
