"""API tokens (``Authorization: Token <key>``, issued by ``POST /api/auth/token/``) expire (issue 16 item 4).

DRF's authtoken, with an age limit: a token older than ``API_TOKEN_DAYS`` is refused (401, "sign in again") by the
API and the sockets alike, and the next sign-in replaces it. Revoking one is deleting it (admin → Auth Token →
Tokens); deactivating the user refuses it too.

Keys are still stored as DRF stores them, in clear. Storing only a hash would mean a new key at every sign-in (the
server could no longer hand an existing key back), so several keys per user — the model django-rest-knox
implements, with hashed keys, per-key expiry and logout/logout-all. That switch changes the sign-in answer's
contract and every place that makes tokens, and is left for a change of its own.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def is_expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


def token_for(user) -> Token:  # noqa: ANN001 - a crm User
    """The user's token for a sign-in: the current one, or a new one when it expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def user_for_key(key: str):  # noqa: ANN201 - a crm User or None
    """The active user holding this unexpired key (sockets), or None."""
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active or is_expired(token):
        return None
    return token.user


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than ``API_TOKEN_DAYS``."""

    def authenticate_credentials(self, key: str):  # noqa: ANN201 - DRF's (user, token)
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise AuthenticationFailed(_("The API token has expired: sign in again for a new one."))
        return user, token
