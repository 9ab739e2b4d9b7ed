"""The call assistant's page in the sales terminal. ``salescard.urls`` mounts it behind the terminal's sign-in
(``salescard.terminal_views.terminal_user``): salespeople and managers only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dialogue.calls.api import CallSerializer
from dialogue.calls.models import SCENE_CHOICES, Call
from dialogue.calls.page import call_customers, recent_calls, visible_call
from dialogue.calls.suggestions import RATINGS
from dialogue.models import Emotion


@require_GET
def sales_calls(request: HttpRequest, call_id: int | None = None) -> HttpResponse:
    """The call assistant: capture a call live or upload a recording, then follow the transcript, the emotions and
    the suggested replies (SPEC V1, V7–V9)."""

    call = None
    if call_id is not None:
        call = visible_call(request.user, call_id)
        if call is None:
            raise Http404(_("No such call among yours."))
    labels = {
        "emotions": {value: str(label) for value, label in Emotion.choices},
        "scenes": {value: str(label) for value, label in SCENE_CHOICES},
        "statuses": {value: str(label) for value, label in Call.Status.choices},
        "ratings": {"excellent": _("Excellent"), "good": _("Good"), "fair": _("Fair"), "poor": _("Poor")},
        "rating_scores": RATINGS,
    }
    context = {
        "customers": call_customers(request.user),
        "calls": recent_calls(request.user),
        "call": call,
        "call_data": CallSerializer(call).data if call else None,
        "labels": labels,
    }
    return render(request, "calls/sales_calls.html", context)
