"""Sign-in throttling (issue 16 item 5) with django-axes: the sales terminal (``/sales/login/``), the admin login and
``POST /api/auth/token/``.

Axes counts failed sign-ins per IP address *and* user name together (``AXES_LOCKOUT_PARAMETERS``), so a guesser
cannot lock a salesperson out from elsewhere, and locks that pair for the cool-off after ``THROTTLE_SIGN_IN``'s
number of failures; a success resets the count. A locked-out sign-in is answered by :func:`lockout_response`:
429 with ``Retry-After`` and a message in the user's language, as a page for the HTML forms and as JSON for the
API. Managers see (and delete) lockouts in the admin under "Sign-in lockouts".
"""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_logged_in
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from base.api_tokens import issue_token
from base.throttle import wait_message


def seconds_locked(request: HttpRequest | Request, username: str | None) -> int:
    """Seconds until the cool-off of this address and user name ends (the whole cool-off when unknown)."""
    cool_off = get_cool_off(request)
    total = math.ceil(cool_off.total_seconds()) if cool_off else 0
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=getattr(request, "axes_ip_address", None))
        .aggregate(last=Max("attempt_time"))
        .get("last")
    )
    if last is None or cool_off is None:
        return max(total, 1)
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


def lockout_response(request: HttpRequest | Request, *args: object) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with ``Retry-After``; JSON ``{"detail": …}`` for the API, else a page.

    Axes calls it with ``(request, response, credentials)`` from a synchronous middleware and with ``(request,
    credentials)`` from an asynchronous one, so only the request is relied upon.
    """
    credentials = getattr(request, "axes_credentials", None)
    wait = seconds_locked(request, get_client_username(request, credentials))
    message = wait_message(wait)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "salescard/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


class ObtainAuthTokenView(ObtainAuthToken):
    """DRF's ``POST /api/auth/token/`` (user name and password → API token), watched by axes."""

    def post(self, request: Request, *args, **kwargs) -> Response | HttpResponse:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # axes marks the DRF request it was handed
                return lockout_response(request)
            # Answered, not raised: DRF rolls back the request's transaction on an exception, and with it the failed
            # attempt axes just recorded.
            return Response(serializer.errors, status=400)
        user = serializer.validated_data["user"]
        # A token is a sign-in: axes resets the failures and logs the access (and Django records last_login).
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": issue_token(user)})  # a new key per sign-in, shown once


obtain_auth_token = ObtainAuthTokenView.as_view()
