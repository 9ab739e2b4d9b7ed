"""Who may see what on a card link (SPEC X3, S1, S8–S10): public links, device binding and the "是本人？" code.

- A card's **public link** is a generic visitor link of the card. Everything on a card page that is meant to be
  passed on (Share, Copy link, the share QR code, the vCard's URL) carries it, never a personal link: whoever
  receives a forwarded card is a new visitor and meets the consent notice first.
- A **personal link** is bound to its customer's browser. The first opening binds that browser (a random device id
  in a signed, HttpOnly, SameSite cookie; the database keeps only its SHA-256). Opened in another browser, the link
  shows the card without the chat, the customer's name or their intent, and offers a one-time code sent to the
  customer's phone on record (rate limited, expiring, a bounded number of tries). A verified browser is bound too.
- A signed-in salesperson or manager who opens a personal link (say, to check it before sending it) does not bind it:
  the customer's own first opening must.
- Re-issuing a customer's link (the terminal) revokes the old one at once, with its bindings.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dialogue.sms import sms_backend
from salescard.cards import issue_link, revoke_link
from salescard.models import CardCode, CardDevice, CardLink, SmartCard
from salescard.services import ui_language

DEVICE_COOKIE = "salescard_device"
DEVICE_COOKIE_SALT = "salescard.card-device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
CODE_DIGITS = 6


class Access(enum.Enum):
    BOUND = "bound"  # the customer's own browser
    FOREIGN = "foreign"  # a holder of the link on an unbound browser


class CodeRefusedError(ValueError):
    """A code cannot be sent or accepted; the text says why, in the customer's language."""

    def __init__(self, message: str, *, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


# --- Public links ------------------------------------------------------------------------------------------------
def public_link(card: SmartCard) -> CardLink:
    """The card's public (generic visitor) link: its oldest live generic link, created when there is none."""
    now = timezone.now()
    for link in CardLink.objects.filter(card=card, customer__isnull=True, revoked_at__isnull=True).order_by("pk"):
        if link.is_live(now):
            return link
    return issue_link(card)


# --- The device cookie -------------------------------------------------------------------------------------------
def new_device_id() -> str:
    return secrets.token_urlsafe(24)


def device_hash(device_id: str) -> str:
    return hashlib.sha256(device_id.encode()).hexdigest()


def _cookie_signer() -> signing.Signer:
    return signing.get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_COOKIE_SALT)


def signed_device(device_id: str) -> str:
    """The cookie value that carries ``device_id`` (what ``set_device_cookie`` stores in the browser)."""
    return _cookie_signer().sign(device_id)


def device_from_cookie(raw: str | None) -> str | None:
    """The device id in a signed cookie value (from a request or a socket's scope), or None when absent or forged."""
    if not raw:
        return None
    try:
        value = _cookie_signer().unsign(raw, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    return value or None


def request_device(request: HttpRequest) -> str | None:
    return device_from_cookie(request.COOKIES.get(DEVICE_COOKIE))


def set_device_cookie(response: HttpResponse, request: HttpRequest, device_id: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        signed_device(device_id),
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure() or getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


# --- Binding -----------------------------------------------------------------------------------------------------
def is_bound(link: CardLink, device_id: str | None) -> bool:
    return bool(device_id) and CardDevice.objects.filter(link=link, device_hash=device_hash(device_id)).exists()


def open_personal_link(link: CardLink, device_id: str, *, staff: bool = False) -> Access:
    """Bind the first browser that opens a personal link; say whether this browser may see the customer's card."""
    if link.customer_id is None:
        raise ValueError("Only a personal link is bound to a device.")
    if is_bound(link, device_id):  # the common case: the customer's own browser, no lock taken
        return Access.BOUND
    with transaction.atomic():
        # Lock the link so two first openings at once cannot both bind.
        CardLink.objects.select_for_update().filter(pk=link.pk).first()
        if is_bound(link, device_id):
            return Access.BOUND
        if staff or CardDevice.objects.filter(link=link).exists():
            return Access.FOREIGN
        bind(link, device_id, CardDevice.How.FIRST_OPEN)
    return Access.BOUND


def bind(link: CardLink, device_id: str, how: str) -> CardDevice:
    device, _created = CardDevice.objects.get_or_create(
        link=link, device_hash=device_hash(device_id), defaults={"how": how}
    )
    return device


def reissue_personal_link(link: CardLink) -> CardLink:
    """A new personal link for the same customer and card; the old one (and every browser bound to it) stops at once."""
    if link.customer_id is None:
        raise ValueError("Only a personal link is re-issued.")
    with transaction.atomic():
        revoke_link(link)
        return issue_link(link.card, link.customer)


# --- The one-time code -------------------------------------------------------------------------------------------
def masked_phone(phone: str) -> str:
    """The phone on record as the verification page shows it: only the last four digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"*** {digits[-4:]}" if len(digits) >= 4 else ""


def live_code_sent(link: CardLink, device_id: str) -> bool:
    """Whether a code sent for this browser can still be entered."""
    return CardCode.objects.filter(
        link=link,
        device_hash=device_hash(device_id),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        attempts__lt=settings.CARD_CODE_TRIES,
    ).exists()


def _code_hash(link: CardLink, code: str) -> str:
    key = f"{settings.SECRET_KEY}:card-code:{link.pk}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def send_code(link: CardLink, device_id: str) -> CardCode:
    """Text a new code to the customer's phone on record (SMS_BACKEND); earlier unused codes of this link end."""

    customer = link.customer
    with override(ui_language(customer.language)):
        if not customer.phone:
            raise CodeRefusedError(
                _("There is no phone number on record for this card. Ask %(name)s to send you a new link.")
                % {"name": link.card.display_name},
                status=409,
            )
        now = timezone.now()
        recent = CardCode.objects.filter(link=link, sent_at__gte=now - datetime.timedelta(hours=1))
        interval = settings.CARD_CODE_INTERVAL_SECONDS
        last = recent.order_by("-sent_at").first()
        if last is not None and (now - last.sent_at).total_seconds() < interval:
            wait = interval - int((now - last.sent_at).total_seconds())
            raise CodeRefusedError(
                _("A code was sent a moment ago. You can ask for another in %(seconds)s seconds.") % {"seconds": wait},
                status=429,
                retry_after=wait,
            )
        if recent.count() >= settings.CARD_CODES_PER_HOUR:
            oldest = recent.order_by("sent_at").first()
            wait = 3600 - int((now - oldest.sent_at).total_seconds())
            raise CodeRefusedError(
                _("Too many codes were asked for this card. Try again in %(minutes)s minutes.")
                % {"minutes": max(1, round(wait / 60))},
                status=429,
                retry_after=wait,
            )
        code = "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))
        with transaction.atomic():
            CardCode.objects.filter(link=link, used_at__isnull=True).update(expires_at=now)
            record = CardCode.objects.create(
                link=link,
                device_hash=device_hash(device_id),
                code_hash=_code_hash(link, code),
                sent_at=now,
                expires_at=now + datetime.timedelta(seconds=settings.CARD_CODE_SECONDS),
            )
        minutes = max(1, settings.CARD_CODE_SECONDS // 60)
        text = _(
            "Your code to open %(name)s's card is %(code)s. It expires in %(minutes)s minutes. "
            "Do not share it with anyone."
        ) % {"name": link.card.display_name, "code": code, "minutes": minutes}
    sms_backend().send(customer.phone, text)
    return record


def verify_code(link: CardLink, device_id: str, code: object) -> CardDevice:
    """Bind this browser when ``code`` is the live code sent for it; otherwise CodeRefusedError (a try is counted)."""

    with override(ui_language(link.customer.language)):
        code = code.strip() if isinstance(code, str) else ""
        if not (len(code) == CODE_DIGITS and code.isdigit()):
            raise CodeRefusedError(_("Enter the %(digits)s digits of the code we sent.") % {"digits": CODE_DIGITS})
        now = timezone.now()
        error = None
        with transaction.atomic():  # a wrong try is counted: the refusal is raised after the commit
            record = (
                CardCode.objects.select_for_update()
                .filter(link=link, device_hash=device_hash(device_id), used_at__isnull=True, expires_at__gt=now)
                .order_by("-sent_at")
                .first()
            )
            if record is None or record.attempts >= settings.CARD_CODE_TRIES:
                error = _("This code has expired or was tried too often. Ask for a new code.")
            elif not hmac.compare_digest(record.code_hash, _code_hash(link, code)):
                record.attempts += 1
                record.save(update_fields=["attempts"])
                left = settings.CARD_CODE_TRIES - record.attempts
                error = (
                    _("The code is wrong and was tried too often. Ask for a new code.")
                    if left <= 0
                    else _("The code is wrong. %(left)s tries left.") % {"left": left}
                )
            else:
                record.used_at = now
                record.save(update_fields=["used_at"])
                return bind(link, device_id, CardDevice.How.SMS_CODE)
        raise CodeRefusedError(error)
