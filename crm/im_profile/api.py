"""The IM platform's endpoints: webhooks and sidebar links. Thin: read the raw body, authenticate the signature,
validate, call ``crm.im_profile.webhooks``, answer. Staff sessions and tokens play no part here."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.im_profile.models import ImIntegration
from crm.im_profile.serializers import (
    EVENT_SCHEMAS,
    SidebarLinkRequestSerializer,
    SidebarLinkSerializer,
    WebhookEventSerializer,
    WebhookResultSerializer,
)
from crm.im_profile.sidebar_tokens import issue_link_token
from crm.im_profile.tasks import enqueue_extraction
from crm.im_profile.webhooks import WebhookRefusedError, authenticate, handle, staff_for
from crm.models import Customer

SIGNED_HEADERS = [
    OpenApiParameter("Authorization", str, OpenApiParameter.HEADER, required=True, description="Bearer <token>"),
    OpenApiParameter("X-SalesCard-Timestamp", str, OpenApiParameter.HEADER, required=True, description="Unix secs"),
    OpenApiParameter(
        "X-SalesCard-Signature",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description='"sha256=" + hex HMAC-SHA256 of "<timestamp>.<raw body>" under the signing secret',
    ),  # fmt: skip
]


def _error(status_code: int, message: str, field: str = "") -> Response:
    body = {"detail": message}
    if field:
        body["field"] = field
    return Response(body, status=status_code)


class SignedIntegrationView(APIView):
    """Authenticates the integration by its bearer token and the body's signature."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def signed_payload(self, request: Request) -> tuple[ImIntegration, dict]:
        stream = request.stream
        body = stream.read(settings.IM_WEBHOOK_MAX_BYTES + 1) if stream is not None else b""
        if len(body) > settings.IM_WEBHOOK_MAX_BYTES:
            raise WebhookRefusedError(413, f"The body is larger than {settings.IM_WEBHOOK_MAX_BYTES} bytes.")
        integration = authenticate(
            request.headers.get("Authorization", ""),
            request.headers.get("X-SalesCard-Timestamp", ""),
            request.headers.get("X-SalesCard-Signature", ""),
            body,
        )
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise WebhookRefusedError(400, "The body is not JSON.") from None
        if not isinstance(payload, dict):
            raise WebhookRefusedError(400, "The body must be a JSON object.")
        return integration, payload


class WebhookView(SignedIntegrationView):
    @extend_schema(
        operation_id="im_webhook",
        summary="Receive an IM platform event",
        parameters=SIGNED_HEADERS,
        request=PolymorphicProxySerializer(
            component_name="ImWebhookEvent",
            serializers=EVENT_SCHEMAS,
            resource_type_field_name="type",
        ),
        responses={
            200: WebhookResultSerializer,
            400: OpenApiResponse(description="A malformed event; nothing was stored."),
            401: OpenApiResponse(description="Unknown token, stale timestamp or a signature that does not match."),
            413: OpenApiResponse(description="The body is too large."),
        },
        examples=[
            OpenApiExample(
                "A customer writes",
                value={
                    "event_id": "evt-1001",
                    "type": "message.received",
                    "data": {
                        "message_id": "m-1",
                        "customer_id": "wx-cust-1",
                        "staff_id": "wx-staff-1",
                        "direction": "in",
                        "kind": "text",
                        "text": "我的新手机号是13812345678",
                    },
                },
            ),  # fmt: skip
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            integration, payload = self.signed_payload(request)
            serializer = WebhookEventSerializer(data=payload)
            if not serializer.is_valid():
                return Response({"detail": "The event is malformed.", "errors": serializer.errors}, status=400)
            event = serializer.validated_data
            outcome = handle(integration, event)
        except WebhookRefusedError as refused:
            return _error(refused.status, str(refused), refused.field)
        enqueue_extraction(outcome.extract_message_ids)
        customer_id = outcome.customer.pk if outcome.customer else None
        return Response({"status": outcome.status, "event_id": event["event_id"], "customer_id": customer_id})


class SidebarLinkView(SignedIntegrationView):
    @extend_schema(
        operation_id="im_sidebar_link",
        summary="A short-lived link that opens a customer's profile sidebar for a staff member",
        parameters=SIGNED_HEADERS,
        request=SidebarLinkRequestSerializer,
        responses={200: SidebarLinkSerializer, 400: OpenApiResponse(description="Unknown staff or customer.")},
    )
    def post(self, request: Request) -> Response:
        try:
            integration, payload = self.signed_payload(request)
            serializer = SidebarLinkRequestSerializer(data=payload)
            if not serializer.is_valid():
                return Response({"detail": "The request is malformed.", "errors": serializer.errors}, status=400)
            organisation = integration.organisation_id
            staff = staff_for(serializer.validated_data["staff_id"], organisation=organisation)
        except WebhookRefusedError as refused:
            return _error(refused.status, str(refused), refused.field)
        # Only the integration's own organisation: another company's customer is as unknown as nobody.
        customer = Customer.objects.of(organisation).filter(external_im_id=serializer.validated_data["customer_id"])
        customer = customer.first()
        if customer is None:
            return _error(status.HTTP_400_BAD_REQUEST, "Unknown customer.", "customer_id")
        url = request.build_absolute_uri(reverse("sidebar-open")) + "?t=" + issue_link_token(staff, customer)
        return Response({"url": url, "expires_in": settings.IM_SIDEBAR_TOKEN_SECONDS})
