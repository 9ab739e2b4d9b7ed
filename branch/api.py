"""The kiosk API (SPEC B3): ``POST /api/branch/tickets/`` with ``Authorization: Kiosk <token>``.

The kiosk's token belongs to one branch. The answer comes at once (201 for a new ticket, 200 for one already
taken — the same task); the demand analysis and the push to the watches follow in the background. Bad kiosk tokens
are throttled per client (``THROTTLE_KIOSK_TOKENS``): the n-th one gets 429 with ``Retry-After``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from base.throttle import FailureThrottle, TooManyFailures, client_of
from branch.models import Branch
from branch.tickets import TicketRefusedError, take_ticket
from branch.tokens import branch_for_kiosk_token


class KioskAuthentication(BaseAuthentication):
    keyword = "Kiosk"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Branch] | None:
        scheme, _, token = get_authorization_header(request).decode("latin-1").partition(" ")
        if scheme != self.keyword:
            return None
        # Guessing is throttled per client: once blocked, not even a correct token is looked at until the window ends.
        guesses = FailureThrottle("kiosk-tokens", *settings.THROTTLE_KIOSK_TOKENS)
        client = client_of(request)
        if wait := guesses.retry_after(client):
            raise TooManyFailures(wait)
        branch = branch_for_kiosk_token(token.strip())
        if branch is None:
            guesses.failed(client)
            raise AuthenticationFailed("Unknown, revoked or expired kiosk token.")
        return AnonymousUser(), branch

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class KioskAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "branch.api.KioskAuthentication"
    name = "kioskToken"

    def get_security_definition(self, auto_schema) -> dict:  # noqa: ANN001
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Kiosk <token>"}


class IsKiosk(BasePermission):
    message = "Send the branch kiosk's token: Authorization: Kiosk <token>."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, Branch)


class TicketSerializer(serializers.Serializer):
    branch = serializers.CharField(max_length=30, help_text="The branch code; must be the kiosk's branch.")
    number = serializers.CharField(max_length=20, help_text="The ticket number, e.g. A012.")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, write_only=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    business = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TicketAnswerSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    task = serializers.IntegerField()
    customer = serializers.IntegerField()
    created = serializers.BooleanField()


class TicketView(APIView):
    authentication_classes = [KioskAuthentication]
    permission_classes = [IsKiosk]

    @extend_schema(request=TicketSerializer, responses={201: TicketAnswerSerializer, 200: TicketAnswerSerializer})
    def post(self, request: Request) -> Response:
        """A customer took a queue ticket: identify them, create the task, analyse and push in the background."""
        serializer = TicketSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch: Branch = request.auth
        if data["branch"] != branch.code:
            if not Branch.objects.of(branch.organisation_id).filter(code=data["branch"]).exists():
                raise ValidationError({"branch": [f"Unknown branch {data['branch']!r}."]})
            raise PermissionDenied(f"This kiosk belongs to branch {branch.code!r}.")
        try:
            taken = take_ticket(
                branch,
                number=data["number"],
                id_number=data.get("id_number", ""),
                phone=data.get("phone", ""),
                business=data.get("business", ""),
            )
        except TicketRefusedError as error:
            field, _, message = str(error).partition(": ")
            raise ValidationError({field: [message]}) from error
        answer = {
            "ticket": taken.ticket.number,
            "task": taken.task.pk,
            "customer": taken.ticket.customer_id,
            "created": taken.created,
        }
        return Response(answer, status=status.HTTP_201_CREATED if taken.created else status.HTTP_200_OK)
