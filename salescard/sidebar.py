"""What the IM profile sidebar shows (SPEC P1–P6), section by section, for one member of staff, and how an IM client
opens it without a session.

Sections: ``profile`` (fields and consents), ``facts`` (suggestions to confirm, with conflicts and sources, and the
latest decisions), ``tags`` (enterprise and the viewer's personal tags), ``closeness`` (ranked colleagues with chat
links), ``timeline`` (behaviour, newest first, paginated) and ``portrait`` (the intent engine's, when present).
The page, the API and the socket all build their data here, so they cannot disagree.

Signed tokens (Django's signing, salted per use):
- a *link token* the IM backend asks for (``POST /api/crm/im/sidebar-links/``), valid ``IM_SIDEBAR_TOKEN_SECONDS``,
  travels in the URL the IM client opens in its side panel;
- the page trades it for an *access token* (12 hours) that its API calls and socket carry, because a third-party
  frame has no session cookie. Both name one staff member and one customer and grant nothing more.

Both are HMAC-signed (verified in constant time by Django's signing) and expire. They also carry a fingerprint of
the staff member's credentials (Django's session auth hash, as sessions do): deactivating the staff member, or
changing their password, revokes every sidebar token they hold at once; rotating ``SECRET_KEY`` revokes all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from crm.access import customers_visible_to
from crm.consent import current_consents
from crm.im_profile.closeness import rank_staff
from crm.im_profile.models import ImIntegration, ProfileChange, ProfileFact
from crm.im_profile.profile import tags_usable_by
from crm.models import BehaviorEvent, Customer, CustomerTag, ProductCategory, User
from intent.intent_explanations import explain_prediction
from intent.models import IntentPrediction
from intent.portrait import latest_portrait

TIMELINE_PAGE_SIZE = 20
DECIDED_FACTS_SHOWN = 10


def visible_customer(user: User, customer_id: int) -> Customer | None:
    """The customer when ``user`` may see the profile (a friend, a shared group, the owner, or a manager)."""
    return customers_visible_to(user).filter(pk=customer_id).first()


# --- Sections --------------------------------------------------------------------------------------------------------
def sections(customer: Customer, viewer: User, names=None, timeline_page: int = 1) -> dict[str, Any]:
    builders = {
        "profile": profile_section, "facts": facts_section, "tags": tags_section, "closeness": closeness_section,
        "timeline": lambda c, v: timeline_section(c, timeline_page), "portrait": portrait_section,
    }  # fmt: skip
    return {name: builders[name](customer, viewer) for name in (names or builders)}


def profile_section(customer: Customer, viewer: User) -> dict[str, Any]:
    customer.refresh_from_db()
    consents = current_consents(customer)
    return {
        "id": customer.pk,
        "name": customer.name,
        "avatar_url": customer.avatar_url,
        "source": str(customer.get_source_display()),
        "owner": customer.owner.get_full_name() or customer.owner.username if customer.owner else "",
        "fields": [
            _field("gender", _("Gender"), customer.gender, customer.get_gender_display()),
            _field("birthday", _("Birthday"), _iso(customer.birthday), _birthday_shown(customer)),
            _field("age", _("Age"), customer.age, customer.age, editable=False),
            _field("phone", _("Phone"), customer.phone),
            _field("email", _("E-mail"), customer.email),
            _field("company", _("Company"), customer.company),
            _field("job_title", _("Job title"), customer.job_title),
            _field("residence", _("Residence"), customer.residence),
            _field("hometown", _("Hometown"), customer.hometown),
            _field("married", _("Married"), customer.married, _yes_no(customer.married)),
            _field("children", _("Children"), customer.children),
            _field("budget", _("Budget (¥)"), _int(customer.budget), _money(customer.budget)),
            _field("mbti", _("MBTI"), customer.mbti),
            _field("hobbies", _("Hobbies"), customer.hobbies or [], "、".join(customer.hobbies or [])),
            _field(
                "interests",
                _("Product interests"),
                _interests(customer),
                "、".join(_interests(customer)),
                editable=False,
            ),  # fmt: skip
        ],
        "consents": consents,
        "extraction_allowed": consents["profile_extraction"],
        "can_manage": viewer.is_manager,
    }


def _field(name: str, label: str, value: Any, shown: Any = None, editable: bool = True) -> dict[str, Any]:
    shown = value if shown is None else shown
    return {"name": name, "label": label, "value": value, "shown": "" if shown in (None, "") else str(shown),
            "editable": editable}  # fmt: skip


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _int(value) -> int | None:
    return int(value) if value is not None else None


def _money(value) -> str:
    return f"¥{int(value):,}" if value is not None else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def _birthday_shown(customer: Customer) -> str:
    if customer.birthday:
        return customer.birthday.isoformat()
    return customer.birth_month_day


def _interests(customer: Customer) -> list[str]:
    codes = customer.preferences.get("interests", []) if isinstance(customer.preferences, dict) else []
    categories = ProductCategory.objects.of(customer.organisation_id).filter(code__in=codes)
    names = dict(categories.values_list("code", "name"))
    return [names.get(code, code) for code in codes]


def facts_section(customer: Customer, viewer: User) -> dict[str, Any]:
    facts = (
        ProfileFact.objects.filter(customer=customer).select_related("source_message", "decided_by").only(*FACT_COLUMNS)
    )
    suggested = facts.filter(status=ProfileFact.Status.SUGGESTED).order_by("-found_at", "-pk")[:50]
    decided = facts.exclude(status=ProfileFact.Status.SUGGESTED).order_by("-decided_at", "-pk")[:DECIDED_FACTS_SHOWN]
    labels = {value: str(label) for value, label in ProfileFact.Field.choices}  # get_FOO_display re-translates all
    return {
        "suggested": [fact_frame(f, labels) for f in suggested],
        "decided": [fact_frame(f, labels) for f in decided],
    }


FACT_COLUMNS = (
    "field", "value", "confidence", "status", "current_value", "source_excerpt", "found_at", "decided_at",
    "customer_id", "source_message__kind", "source_message__sent_at", "decided_by__first_name",
    "decided_by__last_name", "decided_by__username",
)  # fmt: skip


def fact_frame(fact: ProfileFact, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "id": fact.pk,
        "field": fact.field,
        "label": labels[fact.field] if labels else str(fact.get_field_display()),
        "value": fact.value,
        "confidence": fact.confidence,
        "status": fact.status,
        "conflict": fact.current_value,
        "source": {
            "message_id": fact.source_message_id,
            "kind": fact.source_message.kind,
            "excerpt": fact.source_excerpt,
            "sent_at": fact.source_message.sent_at.isoformat(),
        },
        "found_at": fact.found_at.isoformat(),
        "decided_by": (fact.decided_by.get_full_name() or fact.decided_by.username) if fact.decided_by else "",
    }


def tags_section(customer: Customer, viewer: User) -> dict[str, Any]:
    usable = list(tags_usable_by(viewer, customer.organisation_id).order_by("owner_id", "name"))
    usable_ids = {tag.pk for tag in usable}
    on_customer = (
        CustomerTag.objects.filter(customer=customer, tag_id__in=usable_ids).select_related("tag").order_by("tag__name")
    )
    return {
        "tags": [_tag(link.tag) for link in on_customer],
        "available": [_tag(tag) for tag in usable],
    }


def _tag(tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "colour": tag.colour, "personal": not tag.is_enterprise}


def closeness_section(customer: Customer, viewer: User) -> dict[str, Any]:
    template = _chat_link_template(customer.organisation_id)
    ranking = []
    for item in rank_staff(customer):
        member = item.staff
        link = ""
        if member.im_user_id and template:
            link = template.format_map(
                _SafeFormat(staff_im_id=member.im_user_id, customer_im_id=customer.external_im_id or "")
            )
        ranking.append(
            {
                "staff_id": member.pk,
                "name": member.get_full_name() or member.username,
                "title": member.title,
                "score": item.score,
                "features": item.features,
                # What made the score: the features that gave points, largest first (named by the page's labels).
                "why": [[name, points] for name, points in item.contributions if points > 0],
                "is_me": member.pk == viewer.pk,
                "chat_link": link,
            }
        )
    return {"ranking": ranking}


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _chat_link_template(organisation: int) -> str:
    integration = ImIntegration.objects.of(organisation).filter(is_active=True).exclude(chat_link_template="").first()
    return integration.chat_link_template if integration else settings.IM_CHAT_LINK_TEMPLATE


def timeline_section(customer: Customer, page: int = 1) -> dict[str, Any]:
    events = (
        BehaviorEvent.objects.filter(customer=customer)
        .select_related("staff", "product")
        .order_by("-occurred_at", "-pk")
    )
    paginator = Paginator(events, TIMELINE_PAGE_SIZE, allow_empty_first_page=True)
    kinds = {value: str(label) for value, label in BehaviorEvent.Kind.choices}
    current = paginator.get_page(page)
    return {
        "page": current.number,
        "pages": paginator.num_pages,
        "count": paginator.count,
        "events": [event_frame(event, kinds) for event in current.object_list],
    }


def event_frame(event: BehaviorEvent, kinds: dict[str, str]) -> dict[str, Any]:
    detail = event.target or (event.product.name if event.product_id else "") or event.query or event.app_name
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": kinds.get(event.kind, event.kind),
        "detail": detail,
        "seconds": event.seconds,
        "staff": (event.staff.get_full_name() or event.staff.username) if event.staff_id else "",
        "occurred_at": event.occurred_at.isoformat(),
    }


def portrait_section(customer: Customer, viewer: User) -> dict[str, Any] | None:

    portrait = latest_portrait(customer)
    prediction = (
        IntentPrediction.objects.filter(customer=customer)
        .select_related("model_version")
        .order_by("-created_at")
        .first()
    )
    if portrait is None and prediction is None:
        return None
    data: dict[str, Any] = {}
    if portrait is not None:
        data |= {
            "level": str(portrait.get_level_display()),
            "attributes": portrait.attributes,
            "preferences": portrait.preferences,
            "scenes": portrait.consumption_scenes,
            "note": portrait.note,
            "computed_at": portrait.computed_at.isoformat(),
        }
    if prediction is not None:
        data["intents"] = [
            {"product": i.get("product", ""), "probability": i.get("probability")} for i in prediction.intents[:3]
        ]
        data["intents_why"] = explain_prediction(prediction, customer)  # issue 21: what made the ranking
    return data


def history(customer: Customer, limit: int = 20) -> list[dict[str, Any]]:
    """The audit log, newest first."""
    rows = ProfileChange.objects.filter(customer=customer).select_related("changed_by")[:limit]
    return [
        {
            "field": row.field,
            "old": row.old_value,
            "new": row.new_value,
            "via": row.via,
            "by": (row.changed_by.get_full_name() or row.changed_by.username) if row.changed_by else "",
            "at": row.changed_at.isoformat(),
        }
        for row in rows
    ]
