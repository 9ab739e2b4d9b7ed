"""Pages of the sales terminal (SPEC S13, S9): sign-in, the live inbox, a conversation, sharing a card link.

Actions on a conversation (take over, reply, hand back, close) go through the conversation API
(``/api/dialogue/conversations/<id>/…``), which pushes every change to the card and the terminals.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import can_use_terminal
from crm.models import Customer
from dialogue.models import Conversation, Emotion, Reason
from salescard.terminal import (
    NoCardError,
    conversation_view,
    inbox,
    share_link,
    shareable_customers,
)

LOGIN = reverse_lazy("sales-login")


def terminal_user(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in salespeople and managers; others sign in (or are refused when signed in with another role)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{LOGIN}?next={request.path}")
        if not can_use_terminal(request.user):
            raise PermissionDenied(_("The sales terminal is for salespeople and managers."))
        return view(request, *args, **kwargs)

    return wrapper


class SalesLoginView(LoginView):
    template_name = "salescard/sales_login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("sales-inbox")


@require_GET
@terminal_user
def sales_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "salescard/sales_inbox.html", {"rows": inbox(request.user)})


@require_GET
@terminal_user
def sales_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    view = conversation_view(request.user, conversation_id)
    if view is None:
        raise Http404(_("No such conversation among yours."))
    labels = {
        "states": {value: str(label) for value, label in Conversation.State.choices},
        "reasons": {value: str(label) for value, label in Reason.choices},
        "emotions": {value: str(label) for value, label in Emotion.choices},
        "explain": explanation_labels(),
    }
    context = {"view": view, "messages_data": view.messages, "labels": labels}
    return render(request, "salescard/sales_conversation.html", context)


def explanation_labels() -> dict[str, Any]:
    """The sentences the terminal words a score's explanation with (dialogue.score_explanations), in the user's
    language; the page fills in the numbers and words."""
    return {
        "why": _("Why?"),
        "k_formula": _(
            "Satisfaction K = α·A + β·B = %(alpha)s × %(A)s + (%(beta)s) × %(B)s = %(value)s (threshold %(threshold)s)"
        ),
        "k_plain": _("Satisfaction K = %(value)s (A %(A)s, B %(B)s)"),
        "positive_words": _("Positive words: %(words)s"),
        "negative_words": _("Negative words: %(words)s"),
        "model_lean": _(
            "The emotion model reads it as positive with probability %(p)s; that leaning is part of A and B"
        ),
        "reasons": _("Reasons: %(reasons)s"),
        "p_formula": _("Deal rate P = γ·C/D = %(gamma)s × %(C)s / %(D)s = %(value)s (threshold %(threshold)s)"),
        "p_plain": _("Deal rate P = %(value)s (C %(C)s, D %(D)s)"),
        "intent_words": _("Purchase-intent words: %(words)s"),
        "emotion_model": _("Emotion: %(emotion)s. Model %(version)s: %(top)s"),
        "emotion_lexicon": _("Word lists: %(rule)s (%(words)s)"),
        "blend": _("Blend weights: word lists %(lexicon)s, model %(model)s"),
        "none": _("none"),
        "rules": {"excited": _("excited"), "dissatisfied": _("dissatisfied"), "calm": _("calm")},
    }


@require_http_methods(["GET", "POST"])
@terminal_user
def sales_share(request: HttpRequest) -> HttpResponse:
    """Pick a customer, get their personal card link and its QR code."""
    return _share_page(request, request.POST.get("customer", ""), reissue=False)


@require_POST
@terminal_user
def sales_reissue_link(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Replace a customer's personal card link: the old one (and the browsers bound to it) stops at once."""
    return _share_page(request, str(customer_id), reissue=True)


def _share_page(request: HttpRequest, raw: str, *, reissue: bool) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    context = {"query": query, "customers": shareable_customers(request.user, query)[:30]}
    if request.method == "POST":
        try:
            link = share_link(request.user, int(raw), reissue=reissue)
        except (ValueError, Customer.DoesNotExist):
            context["error"] = _("Pick one of your customers.")
            return render(request, "salescard/sales_share.html", context, status=400)
        except NoCardError:
            context["error"] = _("You have no smart card yet: ask a manager to create one in the admin.")
            return render(request, "salescard/sales_share.html", context, status=409)
        context["link"] = link
        context["reissued"] = reissue
        context["link_url"] = request.build_absolute_uri(reverse("card", args=[link.token]))
        # The QR code of the personal link itself (the card's own QR endpoint always shows the public link).
        context["link_qr"] = segno.make(context["link_url"], error="m").svg_data_uri(scale=5, border=2)
    return render(request, "salescard/sales_share.html", context)
