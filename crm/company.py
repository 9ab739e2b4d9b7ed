"""What a customer may know about the company behind a card (issue 17 item 3): the organisation's facts by topic.

The card shows them (address, hours, phone, site) and the bot answers company questions from them, in the customer's
language: English facts for English speakers, the Mandarin text for Cantonese speakers (shown in Traditional
characters by the caller), Mandarin otherwise; a topic written only in Mandarin is still answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.models import CompanyFact, Organisation

Topic = CompanyFact.Topic
# What the card lists under the salesperson's details, in this order.
CARD_TOPICS = (Topic.ADDRESS, Topic.HOURS, Topic.PHONE)


@dataclass(frozen=True)
class Fact:
    topic: str
    text: str
    language: str
    human_only: bool = False


def fact_languages(language: str) -> tuple[str, ...]:
    """The languages to look in, best first."""
    return {"en": ("en", "zh-hans"), "yue": ("yue", "zh-hans")}.get(language, ("zh-hans",))


def company_facts(organisation_id: int | None, language: str) -> dict[str, Fact]:
    """Topic → the fact in the best language available; empty without an organisation."""
    if organisation_id is None:
        return {}
    order = fact_languages(language)
    rows = CompanyFact.objects.filter(organisation_id=organisation_id, language__in=order).values_list(
        "topic", "text", "language", "human_only"
    )
    best: dict[str, Fact] = {}
    for topic, text, lang, human_only in rows:
        current = best.get(topic)
        if current is None or order.index(lang) < order.index(current.language):
            best[topic] = Fact(topic, text, lang, human_only)
    return best


def card_facts(organisation: Organisation | None, language: str) -> list[Fact]:
    """The facts a card shows, in display order."""
    if organisation is None:
        return []
    facts = company_facts(organisation.pk, language)
    return [facts[topic] for topic in CARD_TOPICS if topic in facts]
