"""The data the card page's scripts start from (serialised with ``json_script``, so customer text is escaped), and
the company facts the card shows under the salesperson's details (S8 region 2, issue 17 item 3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from base.tts import speech_url
from crm.company import card_facts
from crm.models import CompanyFact
from dialogue.analysis import current_suggestions
from dialogue.text import MAX_REPLY_CHARS, to_hong_kong
from salescard.models import CardLink, SmartCard
from salescard.narration import narrate_case
from salescard.services import AssembledCard


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
        "maxChars": MAX_REPLY_CHARS,
        "texts": {
            # %(kept)s and %(total)s are filled in by the page.
            "pasteCut": _("Only the first %(kept)s characters were kept (of %(total)s)."),
            "typing": _("%(name)s is typing…") % {"name": card.display_name},
            "subtitleMore": _("Tap for more"),
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


# The card's own names for the facts it lists: "service line" keeps the company's number apart from the salesperson's.
FACT_LABELS = {
    CompanyFact.Topic.ADDRESS: gettext_lazy("Address"),
    CompanyFact.Topic.HOURS: gettext_lazy("Opening hours"),
    CompanyFact.Topic.PHONE: gettext_lazy("Service line"),
}


@dataclass(frozen=True)
class ShownFact:
    """A company fact as the card lists it: the topic's name, the sentence, and a number to dial for the phone."""

    topic: str
    label: str
    text: str
    dial: str


def company_details(card: SmartCard, language: str) -> list[ShownFact]:
    """Address, opening hours and phone of the salesperson's organisation in ``language`` (zh-hans, yue or en):
    public facts, shown to customers and visitors alike. Cantonese readers get Traditional characters."""
    organisation = card.organisation
    shown = []
    for fact in card_facts(organisation, language):
        text = to_hong_kong(fact.text) if language == "yue" else fact.text
        dial = organisation.phone if fact.topic == CompanyFact.Topic.PHONE else ""
        label = FACT_LABELS.get(fact.topic) or CompanyFact.Topic(fact.topic).label
        shown.append(ShownFact(fact.topic, str(label), text, dial))
    return shown


def visitor_language() -> str:
    """The facts' language for someone who is not (yet) a known customer: that of the page's UI."""
    language = translation.get_language() or ""
    return "en" if language.startswith("en") else "yue" if language == "zh-hant" else "zh-hans"
