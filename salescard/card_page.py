"""The data the card page's scripts start from (serialised with ``json_script``, so customer text is escaped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from dialogue.analysis import current_suggestions
from salescard.models import CardLink
from salescard.narration import narrate_case
from salescard.services import AssembledCard
from salescard.tts import speech_url


def page_data(request: HttpRequest, assembled: AssembledCard, public: CardLink) -> dict[str, Any]:
    """``public`` is the card's public link (``card_access.public_link``): what the page offers to pass on."""
    token = assembled.link.token
    card = assembled.card
    language = assembled.language
    history = assembled.history
    return {
        "socket": f"/ws/card/{token}/",
        "language": language,
        "state": assembled.conversation.state,
        "lastMessageId": history[-1].pk if history else 0,
        "greeting": {"text": assembled.greeting, "speech": speech_url(assembled.greeting, language)},
        "site": {
            "url": card.site_url,
            "narration": assembled.site_narration,
            "speech": speech_url(assembled.site_narration, language),
        },
        "products": {
            str(entry.product.pk): {
                "name": entry.product.name,
                "narration": entry.narration,
                "speech": speech_url(entry.narration, language),
            }
            for entry in assembled.products
        },
        "cases": _case_narration(assembled, language),
        "suggestions": [s.question for s in current_suggestions(assembled.conversation, history)],
        "avatar": {
            "model": card.avatar_model.url if card.avatar_model else None,
            "photo": card.photo.url if card.photo else None,
        },
        "endpoints": {
            "events": reverse("card-event", args=[token]),
            "consent": reverse("card-consent", args=[token]),
            "qr": reverse("card-qr", args=[public.token]),
        },
        # What the customer passes on is the card's public link, never their personal one (X3).
        "shareUrl": request.build_absolute_uri(reverse("card", args=[public.token])),
        "salesperson": card.display_name,
        "texts": {
            "joining": _("A salesperson is joining the chat…"),
            "joined": _("%(name)s has joined the chat."),
            "botBack": _("The assistant is answering again."),
            "closed": _("This chat was closed. Write again to start over."),
            "copied": _("Link copied."),
            "reconnecting": _("Reconnecting…"),
            "tapToListen": _("Tap to hear the greeting"),
            "you": _("You"),
            "assistant": card.display_name,
        },
    }


def _case_narration(assembled: AssembledCard, language: str) -> dict[str, str] | None:
    """What the avatar says when the Cases tab opens: the most relevant case's title and summary."""
    if not assembled.cases:
        return None
    case = assembled.cases[0]
    text = narrate_case(case.title, case.summary, language)
    return {"narration": text, "speech": speech_url(text, language)}
