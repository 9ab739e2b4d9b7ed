"""The customer's side of the smart card (SPEC S8–S14, X3): the page, the consent notice of a generic link, the
"是本人？" code of a personal link opened on another browser, card events, the vCard, QR codes and the avatar's speech.

A personal link's token is the customer's credential only together with a browser bound to it
(``salescard.card_access``); whatever the card offers to pass on carries the card's public link. Unknown tokens and
wrong codes are counted per client and answered 429 past the limit (``base.throttle``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from base.throttle import FailureThrottle, client_of, too_many
from base.tts import SpeechEngineError, read_speech_token, speech_file
from crm.access import can_use_terminal
from crm.consent import record_consent
from crm.models import Consent, phone_validator
from salescard.card_access import (
    Access,
    CodeRefusedError,
    bind,
    is_bound,
    live_code_sent,
    masked_phone,
    new_device_id,
    open_personal_link,
    public_link,
    request_device,
    send_code,
    set_device_cookie,
    verify_code,
)
from salescard.card_page import company_details, page_data, visitor_language
from salescard.cards import LinkGoneError, LinkNotFoundError, create_lead, record_card_event, resolve_link
from salescard.catalogue import card_product
from salescard.models import CardDevice, CardEvent, CardLink
from salescard.services import assemble_card, ui_language
from salescard.sharing import qr_svg, vcard_for

# Events the page may report; "opened" is recorded by the server when it assembles the card.
CLIENT_EVENTS = {CardEvent.Kind.TAB_VIEWED, CardEvent.Kind.SHARED, CardEvent.Kind.PURCHASE_CLICKED}


def token_throttle() -> FailureThrottle:
    return FailureThrottle("card-tokens", *settings.THROTTLE_CARD_TOKENS)


def code_throttle() -> FailureThrottle:
    return FailureThrottle("card-codes", *settings.THROTTLE_CARD_CODES)


def with_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token to a live link, or answer with the friendly 404 / 410 page (429 after too many unknown
    tokens from one client). Card pages never send their address on as a referrer."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        throttle, client = token_throttle(), client_of(request)
        wait = throttle.retry_after(client)
        if wait is not None:
            response = too_many(request, wait)
        else:
            try:
                link = resolve_link(token)
            except LinkNotFoundError:
                throttle.failed(client)
                response = render(request, "salescard/link_missing.html", {"gone": False}, status=404)
            except LinkGoneError:
                response = render(request, "salescard/link_missing.html", {"gone": True}, status=410)
            else:
                response = view(request, link, *args, **kwargs)
        response.setdefault("Referrer-Policy", "no-referrer")
        return response

    return wrapper


# Pages with forms: browsers post a form from a "no-referrer" page with Origin: null, which CSRF protection must refuse;
# "same-origin" sends no referrer off the site either.
FORM_PAGE_REFERRER = "same-origin"


class LeadForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100, strip=True)
    phone = forms.CharField(
        label=_("Mobile phone (optional)"), max_length=32, required=False, validators=[phone_validator]
    )
    agree = forms.BooleanField(
        label=_("I agree that the salesperson keeps my name and contact details to serve me."),
        error_messages={"required": _("Please agree to the notice to open the card.")},
        label_suffix="",  # a sentence beside its tick box takes no colon
    )
    usage = forms.BooleanField(
        label=_("Also use what I browse on this card to recommend products (optional)."),
        required=False,
        label_suffix="",
    )


@never_cache
@ensure_csrf_cookie  # the page's scripts post card events and the consent toggle with it
@require_http_methods(["GET", "POST"])
@with_link
def card_page(request: HttpRequest, link: CardLink) -> HttpResponse:
    if link.customer_id is None:
        return _consent_notice(request, link)
    if request.method != "GET":
        return HttpResponse(status=405)
    device = request_device(request) or new_device_id()
    staff = request.user.is_authenticated and can_use_terminal(request.user)
    access = open_personal_link(link, device, staff=staff)
    if access is Access.FOREIGN:
        response = locked_card(request, link, device)
    else:
        with translation.override(ui_language(link.customer.language)):
            assembled = assemble_card(link)
            public = public_link(link.card)
            context = {
                "card": assembled,
                "data": page_data(request, assembled, public),
                "public_token": public.token,
                "facts": company_details(assembled.card, assembled.language),
            }
            response = render(request, "salescard/card.html", context)
        response["Content-Language"] = assembled.language
    if request_device(request) != device:
        set_device_cookie(response, request, device)
    return response


def locked_card(
    request: HttpRequest, link: CardLink, device: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The card as a holder of a personal link on an unbound browser sees it: the salesperson's details and the
    public link, nothing of the customer (no chat, name or intent), and the "是本人？" code form."""
    public = public_link(link.card)
    context = {
        "card": link.card,
        "public_token": public.token,
        "public_url": request.build_absolute_uri(reverse("card", args=[public.token])),
        "token": link.token,
        "phone_hint": masked_phone(link.customer.phone),
        "code_sent": live_code_sent(link, device),
        "error": error,
        "staff": request.user.is_authenticated and can_use_terminal(request.user),
        "facts": company_details(link.card, visitor_language()),
    }
    response = render(request, "salescard/card_locked.html", context, status=status)
    response["Referrer-Policy"] = FORM_PAGE_REFERRER
    return response


@never_cache
@require_POST
@with_link
def card_verify_send(request: HttpRequest, link: CardLink) -> HttpResponse:
    """ "是本人？": text a one-time code to the customer's phone on record, then show the code form."""
    if link.customer_id is None:
        return render(request, "salescard/link_missing.html", {"gone": False}, status=404)
    device = request_device(request) or new_device_id()
    if is_bound(link, device):
        response = redirect("card", token=link.token)
    else:
        try:
            send_code(link, device)
        except CodeRefusedError as refusal:
            response = locked_card(request, link, device, error=str(refusal), status=refusal.status)
            if refusal.retry_after:
                response["Retry-After"] = str(refusal.retry_after)
        else:
            response = redirect("card", token=link.token)
            response.status_code = 303
    if request_device(request) != device:
        set_device_cookie(response, request, device)
    return response


@never_cache
@require_POST
@with_link
def card_verify(request: HttpRequest, link: CardLink) -> HttpResponse:
    """Check the code; a right one binds this browser and opens the customer's card."""
    if link.customer_id is None:
        return render(request, "salescard/link_missing.html", {"gone": False}, status=404)
    device = request_device(request)
    if device is None:  # no code can have been sent to a browser without the device cookie
        return locked_card(request, link, new_device_id(), error=_("Ask for a code first."), status=400)
    throttle, client = code_throttle(), client_of(request)
    wait = throttle.retry_after(client)
    if wait is not None:
        return too_many(request, wait)
    try:
        verify_code(link, device, request.POST.get("code"))
    except CodeRefusedError as refusal:
        throttle.failed(client)
        return locked_card(request, link, device, error=str(refusal), status=400)
    throttle.reset(client)
    response = redirect("card", token=link.token)
    response.status_code = 303
    return response


def _consent_notice(request: HttpRequest, link: CardLink) -> HttpResponse:
    form = LeadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        personal = create_lead(link, name=data["name"], phone=data["phone"], usage_consent=data["usage"])
        device = request_device(request) or new_device_id()
        bind(personal, device, CardDevice.How.LEAD)
        response = redirect("card", token=personal.token)
        set_device_cookie(response, request, device)
        return response
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "card": link.card, "facts": company_details(link.card, visitor_language())}
    response = render(request, "salescard/consent.html", context, status=status)
    response["Referrer-Policy"] = FORM_PAGE_REFERRER
    return response


@require_POST
@with_link
def card_event(request: HttpRequest, link: CardLink) -> JsonResponse:
    """The page reports a tab view, a share or a purchase-link click: ``{"kind", "detail", "product_id"}``."""
    payload = _json_body(request)
    if payload is None:
        return JsonResponse({"error": "Send a JSON object."}, status=400)
    kind = payload.get("kind")
    if kind not in CLIENT_EVENTS:
        allowed = ", ".join(sorted(CLIENT_EVENTS))
        return JsonResponse({"error": f"kind must be one of {allowed}."}, status=400)
    detail = payload.get("detail", "")
    product_id = payload.get("product_id")
    if not isinstance(detail, str) or len(detail) > 200:
        return JsonResponse({"error": "detail must be text of at most 200 characters."}, status=400)
    if product_id is not None and (not isinstance(product_id, int) or isinstance(product_id, bool)):
        return JsonResponse({"error": "product_id must be a product's id."}, status=400)
    if product_id is not None and card_product(link.card, product_id) is None:
        # Not on sale, or another company's product: unknown to this card, and said alike (issue 19).
        return JsonResponse({"error": "product_id is not a product on sale on this card."}, status=404)
    refusal = _not_the_customer(request, link)
    if refusal is not None:
        return refusal
    event = record_card_event(link, kind, detail=detail, product_id=product_id)
    return JsonResponse({"id": event.pk}, status=201)


@require_POST
@with_link
def card_consent(request: HttpRequest, link: CardLink) -> JsonResponse:
    """The customer grants or withdraws the usage-data consent from the card: ``{"usage_data": true}``."""
    payload = _json_body(request)
    if payload is None or not isinstance(payload.get("usage_data"), bool):
        return JsonResponse({"error": 'Send {"usage_data": true} or {"usage_data": false}.'}, status=400)
    refusal = _not_the_customer(request, link)
    if refusal is not None:
        return refusal
    with transaction.atomic():
        record_consent(link.customer, Consent.Purpose.USAGE_DATA, payload["usage_data"], Consent.Source.CARD)
    return JsonResponse({"usage_data": payload["usage_data"]})


@require_GET
@with_link
def card_vcard(request: HttpRequest, link: CardLink) -> HttpResponse:
    """The salesperson's contact file; its URL is the card's public link, whichever link it was saved from."""
    card_url = request.build_absolute_uri(reverse("card", args=[public_link(link.card).token]))
    if link.customer_id is not None and is_bound(link, request_device(request)):
        record_card_event(link, CardEvent.Kind.CONTACT_SAVED)
    response = HttpResponse(vcard_for(link.card, card_url), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contact.vcf"'
    return response


@require_GET
@cache_control(private=True, max_age=3600)
@with_link
def card_qr(request: HttpRequest, link: CardLink) -> HttpResponse:
    """The QR code of the card's public link, or with ``?product=<id>`` of that product's purchase link."""
    target = request.build_absolute_uri(reverse("card", args=[public_link(link.card).token]))
    raw = request.GET.get("product")
    if raw is not None:
        if not raw.isdigit():
            return JsonResponse({"error": "product must be a product's id."}, status=400)
        product = card_product(link.card, raw)
        if product is None or not product.purchase_url:
            # Another company's product is as unknown here as a missing one (issue 19).
            return JsonResponse({"error": "product is not a product on sale with a purchase link."}, status=404)
        target = product.purchase_url
    return HttpResponse(qr_svg(target), content_type="image/svg+xml")


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600, immutable=True)
def card_speech(request: HttpRequest, token: str) -> HttpResponse:
    """The audio of a sentence the server chose to say (the URL carries it signed)."""
    try:
        language, text = read_speech_token(token)
    except signing.BadSignature:
        return JsonResponse({"error": "Unknown speech."}, status=404)
    try:
        path = speech_file(text, language)
    except SpeechEngineError as error:
        return JsonResponse({"error": f"Speech is unavailable: {error}"}, status=503)
    return FileResponse(path.open("rb"), content_type="audio/wav")


def _not_the_customer(request: HttpRequest, link: CardLink) -> JsonResponse | None:
    """403 unless the request comes from the personal link's bound browser."""
    if link.customer_id is None:
        return JsonResponse({"error": str(_("Agree to the notice first."))}, status=403)
    if not is_bound(link, request_device(request)):
        return JsonResponse({"error": str(_("Confirm on this device that the card is yours first."))}, status=403)
    return None


def _json_body(request: HttpRequest) -> dict | None:
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
