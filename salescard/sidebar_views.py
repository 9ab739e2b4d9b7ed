"""The profile sidebar page (SPEC P1–P6): ``/sidebar/?t=<link token>`` for the IM client's side panel, and
``/sidebar/customers/<id>/`` for a signed-in member of staff. Both render the same page, whose scripts then talk
to the API and the socket with the page's own access token.

Bad or expired links are throttled per client (``THROTTLE_SIDEBAR_TOKENS``): the n-th gets 429.

The page may be framed only by the configured IM origins (CSP ``frame-ancestors``); every other page of the
product keeps ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from base.throttle import FailureThrottle, client_of, wait_message
from crm.access import can_edit_customers, customer_exists_for
from crm.im_profile.closeness import FEATURES as CLOSENESS_FEATURES
from crm.im_profile.models import ClosenessWeights
from crm.im_profile.sidebar_tokens import issue_access_token, read_token
from crm.models import User
from salescard.sidebar import sections, visible_customer


def _framable(response: HttpResponse) -> HttpResponse:
    ancestors = " ".join(["'self'", *settings.IM_FRAME_ORIGINS])
    response["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    response["Referrer-Policy"] = "no-referrer"  # the link token must not leak through a Referer header
    return response


def _refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    response = render(request, "crm/sidebar_refused.html", {"message": message}, status=status)
    return _framable(response)


def _page(request: HttpRequest, staff: User, customer_id: int) -> HttpResponse:
    if not can_edit_customers(staff):
        return _refused(request, 403, _("Only salespeople and managers see customer profiles."))
    customer = visible_customer(staff, customer_id)
    if customer is None:
        if customer_exists_for(staff, customer_id):  # another organisation's customer: 404
            return _refused(request, 403, _("You are not linked to this customer: no IM friendship or shared group."))
        return _refused(request, 404, _("No such customer."))
    data = {
        "customer_id": customer.pk,
        "token": issue_access_token(staff, customer),
        "api": reverse("crm:profile", args=[customer.pk]),
        "socket": f"/ws/customers/{customer.pk}/",
        "me": {"id": staff.pk, "name": staff.get_full_name() or staff.username, "manager": staff.is_manager},
        "sections": sections(customer, staff),
    }
    context = {"customer": customer, "data": data, "labels": _labels()}
    return _framable(render(request, "crm/sidebar.html", context))


def _labels() -> dict[str, object]:
    """The words the page's script shows, in the request's language."""
    return {
        "confirm": _("Confirm"),
        "reject": _("Reject"),
        "conflict": _("Profile now says: %(value)s"),
        "from_image": _("From an image"),
        "from_text": _("From a message"),
        "confidence": _("Confidence: %(percent)s"),
        "confirmed": _("Confirmed"),
        "rejected": _("Rejected"),
        "edit": _("Edit"),
        "remove": _("Remove"),
        "personal": _("personal"),
        "choose_tag": _("Choose a tag…"),
        "chat": _("Chat"),
        "you": _("you"),
        "score": _("Closeness %(score)s"),
        "saved": _("Saved."),
        "live": _("Live"),
        "offline": _("Reconnecting…"),
        "erase_confirm": _("Erase this customer's personal data, chats and facts? This cannot be undone."),
        "erased": _("This customer's data was erased."),
        "yes": _("Yes"),
        "no": _("No"),
        "unknown": _("Unknown"),
        "genders": {"female": _("Female"), "male": _("Male"), "unknown": _("Unknown")},
        "level": _("Level"),
        "intents": _("Likely to buy"),
        "owner": _("Owner: %(name)s"),
        "empty_timeline": _("No behaviour yet."),
        "empty_ranking": _("No colleague is linked yet."),
        "why": _("Why this score?"),
        "points": _("%(feature)s: +%(points)s"),
        "no_signal": _("No contact with the customer yet."),
        "features": {name: str(ClosenessWeights._meta.get_field(name).verbose_name) for name in CLOSENESS_FEATURES},
        "intent_why": {
            "why": _("Why these products?"),
            "model": _("Ranked by the intent model %(version)s from the last %(days)s days of behaviour."),
            "fallback": _(
                "Cold-start ranking: the customer's level and what customers bought (too little history for the model)."
            ),
            "usage": _("App usage and browsing are used (the customer agreed)."),
            "no_usage": _("No usage-data consent: only the profile and card clicks are used."),
            "line": _(
                "%(product)s %(percent)s: %(association)s; viewed %(viewed)s times, its category %(category)s times"
            ),
            "bought": _("bought before"),
            "associations": {
                "browsing_apps": _("browsing × app usage"),
                "browsing_user": _("browsing × profile"),
                "apps_user": _("app usage × profile"),
                "fallback": _("level and popularity"),
            },
        },
    }


@never_cache
@xframe_options_exempt
@require_GET
def sidebar_open(request: HttpRequest) -> HttpResponse:
    # Bad or expired links are throttled per client; once blocked, not even a good link is read until the window ends.
    guesses, client = FailureThrottle("sidebar-tokens", *settings.THROTTLE_SIDEBAR_TOKENS), client_of(request)
    if wait := guesses.retry_after(client):
        response = _refused(request, 429, wait_message(wait))
        response["Retry-After"] = str(wait)
        return response
    grant = read_token(request.GET.get("t", ""), link=True)
    if grant is None:
        guesses.failed(client)
        return _refused(
            request, 401, _("The link is invalid or has expired: open the sidebar again from the IM client.")
        )
    staff, customer_id = grant
    return _page(request, staff, customer_id)


@never_cache
@xframe_options_exempt
@require_GET
@login_required(login_url="sales-login")
def sidebar_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _page(request, request.user, customer_id)
