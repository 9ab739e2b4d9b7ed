"""Device and kiosk tokens (SPEC B1, B3): 32 random bytes shown once; only their SHA-256 is stored.

Looked up by that hash, so no comparison of the secret itself can leak timing. A token is revoked by issuing a new
one (admin action; the old one stops at once), a watch's also by revoking the watch, a kiosk's by closing the
branch; it expires ``DEVICE_TOKEN_DAYS`` / ``KIOSK_TOKEN_DAYS`` after it was issued. Unknown tokens are throttled
per client (``THROTTLE_DEVICE_TOKENS``, ``THROTTLE_KIOSK_TOKENS``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from branch.models import Branch, Wearable, token_hash


def new_token() -> str:
    return secrets.token_urlsafe(32)


def assign_token(wearable: Wearable) -> str:
    """Give the (unsaved or saved) watch a new token's hash; returns the token to show once."""
    token = new_token()
    wearable.token_hash = token_hash(token)
    wearable.token_issued_at = timezone.now()
    wearable.revoked_at = None
    return token


def issue_wearable_token(wearable: Wearable) -> str:
    """A new token for the watch (the old one stops working); returns the token to show once."""
    token = assign_token(wearable)
    wearable.save(update_fields=["token_hash", "token_issued_at", "revoked_at"])
    return token


def register_wearable(device_id: str, staff=None) -> tuple[Wearable, str]:  # noqa: ANN001 - a crm User or None
    wearable = Wearable(device_id=device_id, staff=staff)
    token = assign_token(wearable)
    wearable.save()
    return wearable, token


def revoke_wearable(wearable: Wearable) -> None:
    with transaction.atomic():
        wearable.revoked_at = timezone.now()
        wearable.save(update_fields=["revoked_at"])


def wearable_for_token(token: object) -> Wearable | None:
    """The watch holding ``token`` (revoked and expired ones included, so the caller can say which); None when
    unknown."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return Wearable.objects.select_related("branch", "staff").filter(token_hash=token_hash(token)).first()


def issue_kiosk_token(branch: Branch) -> str:
    token = new_token()
    branch.kiosk_token_hash = token_hash(token)
    branch.kiosk_token_issued_at = timezone.now()
    branch.save(update_fields=["kiosk_token_hash", "kiosk_token_issued_at"])
    return token


def branch_for_kiosk_token(token: str) -> Branch | None:
    """The open branch whose current, unexpired kiosk token this is; None otherwise."""
    if not token:
        return None
    oldest = timezone.now() - timedelta(days=settings.KIOSK_TOKEN_DAYS)
    return Branch.objects.filter(
        kiosk_token_hash=token_hash(token), is_active=True, kiosk_token_issued_at__gte=oldest
    ).first()
