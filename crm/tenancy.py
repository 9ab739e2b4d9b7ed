"""Organisations as the tenant boundary (issue 19): which organisation a principal acts for, and every query narrowed
to it, in one place.

Every root entity belongs to one organisation (``crm.models.TenantOwned``: customers, categories and products, cases,
tags, group chats, FAQs, cards, branches, watches, IM integrations, intent model versions). Rows below a root reach
their organisation through it (a conversation through its customer, a task through its branch); ``TENANT_PATHS``
names that path once per model, so a selector never spells it out again. Configuration that managers edit (word
lists, thresholds, templates, reply scripts) is ``OrganisationOverride``: a row without an organisation is the
product-wide default, and an organisation's own rows override it.

Staff always belong to an organisation (``User.save``); a superuser without one stands above them all and sees
everything. Nothing here trusts a client to name its organisation: it comes from the signed-in user, the card, the
branch, the watch, the kiosk or the IM integration.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet

from crm.models import Organisation, Product, ProductCategory, User

# model label → the lookup from that model to its organisation (models with their own ``organisation`` field need
# no entry). A tuple means "any of these": a promotion hangs from a product or a category.
TENANT_PATHS: dict[str, str | tuple[str, ...]] = {
    "crm.Consent": "customer__organisation",
    "crm.CustomerTag": "customer__organisation",
    "crm.Friendship": "customer__organisation",
    "crm.ChatGroupMembership": "group__organisation",
    "crm.ChatMessage": ("customer__organisation", "group__organisation"),
    "crm.BehaviorEvent": "customer__organisation",
    "crm.PrivacyRequest": "customer__organisation",
    "crm.Promotion": ("product__organisation", "category__organisation"),
    "im_profile.WebhookDelivery": "integration__organisation",
    "im_profile.ProfileFact": "customer__organisation",
    "im_profile.ProfileChange": "customer__organisation",
    "intent.PersonalityAssessment": "customer__organisation",
    "intent.Portrait": "customer__organisation",
    "intent.IntentPrediction": "customer__organisation",
    "intent.IntentFeedback": "customer__organisation",
    "dialogue.Conversation": "customer__organisation",
    "dialogue.Message": "conversation__customer__organisation",
    "dialogue.HandOff": "conversation__customer__organisation",
    "calls.Call": "customer__organisation",
    "calls.CallSegment": "call__customer__organisation",
    "calls.ReplySuggestion": "call__customer__organisation",
    "branch.WearableBinding": "branch__organisation",
    "branch.QueueTicket": "branch__organisation",
    "branch.Task": "branch__organisation",
    "branch.TaskDelivery": "task__branch__organisation",
    "branch.TranscriptSegment": "task__branch__organisation",
    "branch.DemandUpdate": "task__branch__organisation",
    "branch.TaskFeedback": "task__branch__organisation",
    "salescard.CardLink": "card__organisation",
    "salescard.CardEvent": "link__card__organisation",
    "salescard.CardVisit": "link__card__organisation",
    "salescard.CardDevice": "link__card__organisation",
    "salescard.CardCode": "link__card__organisation",
    "base.ApiToken": "user__organisation",
    "dialogue.TerminalPresence": "user__organisation",
    # The scoring settings' audit log: whoever changed them speaks for their organisation (a superuser above all
    # changes the product-wide defaults, and a manager never sees those entries).
    "dialogue.ScoringSettingsChange": "changed_by__organisation",
}

# Product-wide by design: the same for every company (personality science, language models trained on public data,
# the pipeline probe). Everything else either has an organisation or a path above.
PRODUCT_WIDE = frozenset(
    {
        "crm.Organisation",
        "intent.LevelCriterion",
        "intent.CommunicationType",
        "intent.PersonalityType",
        "intent.PersonalityTrait",
        "dialogue.EmotionModelVersion",
        "calls.ReplySample",
        "calls.ReplyModelVersion",
        "salescard.PipelineProbe",
    }
)


def organisation_path(model: type[Model]) -> str | tuple[str, ...]:
    """The lookup from ``model`` to its organisation; a model with neither a field nor an entry is a mistake."""
    label = model._meta.label
    if label in TENANT_PATHS:
        return TENANT_PATHS[label]
    if any(field.name == "organisation" for field in model._meta.get_fields()):
        return "organisation"
    raise LookupError(f"{label} has no organisation: add it to crm.tenancy.TENANT_PATHS")


def belongs_to(model: type[Model], organisation: Organisation | int) -> Q:
    """A ``Q`` for the rows of ``model`` that belong to ``organisation``."""
    path = organisation_path(model)
    paths = path if isinstance(path, tuple) else (path,)
    condition = Q()
    for lookup in paths:
        condition |= Q(**{lookup: organisation})
    return condition


def scoped(queryset: QuerySet, organisation: Organisation | int | None) -> QuerySet:
    """``queryset`` narrowed to ``organisation``; ``None`` (a superuser above every company) leaves it whole."""
    if organisation is None:
        return queryset
    return queryset.filter(belongs_to(queryset.model, organisation))


def organisation_of(user: User | None) -> Organisation | None:
    """The organisation a signed-in user acts for; ``None`` only for a superuser who belongs to none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.organisation


def sees_every_organisation(user: User | None) -> bool:
    return bool(user and getattr(user, "is_superuser", False) and user.organisation_id is None)


def for_user(queryset: QuerySet, user: User | None) -> QuerySet:
    """``queryset`` as ``user`` may see it: their organisation's rows; a superuser without one sees all; anyone else
    nothing."""
    if sees_every_organisation(user):
        return queryset
    if user is None or not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return queryset.none()
    return scoped(queryset, user.organisation_id)


def staff_of(organisation: Organisation | int | None) -> QuerySet[User]:
    """Active staff of ``organisation`` (``None``: of every organisation, for a superuser above them all)."""
    return scoped(User.objects.filter(is_active=True), organisation)


def managers_of(organisation: Organisation | int | None) -> QuerySet[User]:
    """Active managers of ``organisation``, by primary key: who hears of a hand-off nobody else takes."""
    return staff_of(organisation).filter(role=User.Role.MANAGER).order_by("pk")


def managers_group(organisation: Organisation | int | None) -> str:
    """The channel-layer group of an organisation's managers' terminals (``managers.<id>``); a superuser above every
    organisation joins ``managers.all``, to which every organisation's pushes also go."""
    organisation_id = getattr(organisation, "pk", organisation)
    return f"managers.{organisation_id}" if organisation_id else ALL_MANAGERS_GROUP


def managers_groups(organisation: Organisation | int | None) -> list[str]:
    """Where a push for ``organisation``'s managers goes: their group and the superusers'."""
    group = managers_group(organisation)
    return [group] if group == ALL_MANAGERS_GROUP else [group, ALL_MANAGERS_GROUP]


ALL_MANAGERS_GROUP = "managers.all"


def organisation_id_of(user: User | None) -> int | None:
    """The id of the organisation a principal acts for; ``None`` for a superuser above all (see everything) and
    also for nobody — pair it with ``for_user`` or ``sees_every_organisation`` rather than trusting ``None``."""
    return getattr(user, "organisation_id", None) if user is not None else None


def same_organisation(*rows: Model | None) -> bool:
    """True when every row given belongs to one organisation (rows without an ``organisation_id`` are skipped)."""
    found = {getattr(row, "organisation_id", None) for row in rows if row is not None}
    found.discard(None)
    return len(found) <= 1


def with_defaults(queryset: QuerySet, organisation: Organisation | int | None) -> QuerySet:
    """Configuration rows an organisation uses: the product-wide defaults and its own (``OrganisationOverride``)."""
    if organisation is None:
        return queryset.filter(organisation__isnull=True)
    return queryset.filter(Q(organisation__isnull=True) | Q(organisation=organisation))


# --- Lines of business ---------------------------------------------------------------------------------------------
def lines_of(user: User | None) -> tuple[str, ...]:
    """The lines of business a member of staff sells; empty means every line of their organisation."""
    return tuple(getattr(user, "lines_of_business", None) or ())


def products_for(
    organisation: Organisation | int | None, lines: Iterable[str] = (), *, on_sale: bool = True
) -> QuerySet[Product]:
    """The products an organisation offers in ``lines`` (every line when empty): what may be recommended."""
    products = Product.objects.select_related("category")
    if organisation is None:
        return products.none()
    products = products.filter(organisation=organisation)
    lines = tuple(lines)
    if lines:
        products = products.filter(category__line_of_business__in=lines)
    return products.filter(is_active=True) if on_sale else products


def categories_for(organisation: Organisation | int | None, lines: Iterable[str] = ()) -> QuerySet[ProductCategory]:
    if organisation is None:
        return ProductCategory.objects.none()
    categories = ProductCategory.objects.filter(organisation=organisation)
    lines = tuple(lines)
    return categories.filter(line_of_business__in=lines) if lines else categories
