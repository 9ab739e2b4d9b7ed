"""Device and kiosk tokens (SPEC B1, B3): 32 random bytes shown once; only their SHA-256 is stored."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from branch.models import Branch, Wearable, token_hash


def new_token() -> str:
    return secrets.token_urlsafe(32)


def assign_token(wearable: Wearable) -> str:
    """Give the (unsaved or saved) watch a new token's hash; returns the token to show once."""
    token = new_token()
    wearable.token_hash = token_hash(token)
    wearable.revoked_at = None
    return token


def issue_wearable_token(wearable: Wearable) -> str:
    """A new token for the watch (the old one stops working); returns the token to show once."""
    token = assign_token(wearable)
    wearable.save(update_fields=["token_hash", "revoked_at"])
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
    """The watch holding ``token`` (revoked ones included, so the caller can say which); None when unknown."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return Wearable.objects.select_related("branch", "staff").filter(token_hash=token_hash(token)).first()


def issue_kiosk_token(branch: Branch) -> str:
    token = new_token()
    branch.kiosk_token_hash = token_hash(token)
    branch.save(update_fields=["kiosk_token_hash"])
    return token


def branch_for_kiosk_token(token: str) -> Branch | None:
    if not token:
        return None
    return Branch.objects.filter(kiosk_token_hash=token_hash(token), is_active=True).first()
