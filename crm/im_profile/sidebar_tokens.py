"""The tokens that open a customer's profile sidebar (SPEC P5): a short-lived link an IM client embeds, exchanged
for an access token the sidebar page then uses. Both are signed (no table) and name one staff member and one
customer; a new password or deactivation of the staff member voids them."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

from crm.models import Customer, User

LINK_SALT = "salescard.sidebar.link"
ACCESS_SALT = "salescard.sidebar.access"
ACCESS_SECONDS = 12 * 3600


def _credentials_mark(staff: User) -> str:
    """Changes when the staff member's password does, so that a new password revokes their sidebar tokens."""
    return staff.get_session_auth_hash()[:16]


def issue_link_token(staff: User, customer: Customer) -> str:
    grant = {"s": staff.pk, "c": customer.pk, "v": _credentials_mark(staff)}
    return signing.dumps(grant, salt=LINK_SALT, compress=True)


def issue_access_token(staff: User, customer: Customer) -> str:
    grant = {"s": staff.pk, "c": customer.pk, "v": _credentials_mark(staff)}
    return signing.dumps(grant, salt=ACCESS_SALT, compress=True)


def read_token(token: str, *, link: bool) -> tuple[User, int] | None:
    """The staff member and customer id a valid, unexpired token names, or None."""
    if not isinstance(token, str) or not token or len(token) > 500:
        return None
    salt, max_age = (LINK_SALT, settings.IM_SIDEBAR_TOKEN_SECONDS) if link else (ACCESS_SALT, ACCESS_SECONDS)
    try:
        grant = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    staff = User.objects.filter(pk=grant.get("s"), is_active=True).first()
    if staff is None or not constant_time_compare(str(grant.get("v", "")), _credentials_mark(staff)):
        return None
    return staff, int(grant.get("c"))
