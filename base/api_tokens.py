"""API keys (``Authorization: Token <key>``, issued by ``POST /api/auth/token/``): hashed, expiring, revocable
(issue 16 item 4).

Every sign-in issues a new key — 32 random bytes, shown once — and stores only its SHA-256 (``ApiToken``), so the
database holds nothing that opens the API. A key expires after ``API_TOKEN_DAYS``; a manager revokes one in the admin
(API keys → "Revoke"), and deactivating the user refuses all of theirs. The API and the sockets check keys the same
way. A lookup is by the hash of the presented key, never by the key, so a key is not compared character by character.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from base.models import ApiToken

LAST_USED_EVERY = timedelta(hours=1)  # how stale ``last_used_at`` may get before a request writes it again


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user) -> str:  # noqa: ANN001 - a crm User
    """A new key for ``user``; the only time it is seen in clear."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=key_hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return key


def token_for_key(key: object) -> ApiToken | None:
    if not isinstance(key, str) or not key or len(key) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_key(key: str):  # noqa: ANN201 - a crm User or None
    """The active user holding this live key (sockets), or None."""
    token = token_for_key(key)
    return token.user if token is not None and token.is_live() else None


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's ``Token`` header, checked against the stored hashes; expired, revoked and inactive keys get 401."""

    def authenticate_credentials(self, key: str):  # noqa: ANN201 - DRF's (user, token)
        token = token_for_key(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This API key was revoked: sign in again for a new one."))
        if token.expires_at <= now:
            raise AuthenticationFailed(_("The API token has expired: sign in again for a new one."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
