"""A customer's profile as the sidebar keeps it (SPEC P2, P3, P6, X3): suggested facts, their confirmation, edits
by hand and tags, every change audited in ``ProfileChange`` and pushed to the customer's open sidebars.

Facts found by extraction are suggestions. Confirming one writes it into the profile; a fact whose value differs
from what the profile holds carries that value as a conflict, shown to staff and never overwritten by itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import tenancy
from crm.consent import current_consents
from crm.im_profile.extraction import Finding
from crm.im_profile.models import ProfileChange, ProfileFact
from crm.im_profile.pushes import publish_changed
from crm.models import ChatMessage, Consent, Customer, CustomerTag, Tag, User

Field = ProfileFact.Field
# Fields that hold several values: a new value is added, never a conflict.
LIST_FIELDS = frozenset({Field.INTEREST, Field.HOBBY})
EXCERPT_CHARS = 120


class ProfileError(ValueError):
    """A request the profile refuses; the message says why and is shown to staff."""


# --- What the profile holds now --------------------------------------------------------------------------------------
def profile_value(customer: Customer, field: str) -> str:
    """The profile's current value of ``field``, in the normalised form facts use ("" when unknown)."""
    if field == Field.BIRTHDAY:
        if customer.birthday:
            return customer.birthday.isoformat()
        return f"--{customer.birth_month_day}" if customer.birth_month_day else ""
    if field == Field.AGE:
        return str(customer.age) if customer.age is not None else ""
    if field == Field.CITY:
        return customer.residence
    if field == Field.MARRIED:
        return "" if customer.married is None else str(customer.married).lower()
    if field == Field.CHILDREN:
        return "" if customer.children is None else str(customer.children)
    if field == Field.BUDGET:
        return "" if customer.budget is None else str(int(customer.budget))
    if field == Field.INTEREST:
        return ",".join(customer.preferences.get("interests", [])) if isinstance(customer.preferences, dict) else ""
    if field == Field.HOBBY:
        return ",".join(customer.hobbies or [])
    return str(getattr(customer, field) or "")


def already_known(customer: Customer, field: str, value: str) -> bool:
    current = profile_value(customer, field)
    if field in LIST_FIELDS:
        return value in current.split(",")
    if field == Field.CITY:
        return bool(current) and value in current
    if field == Field.BIRTHDAY and value.startswith("--") and current:
        return current.endswith(value[2:])
    return current == value


def conflicting_value(customer: Customer, field: str, value: str) -> str:
    """The profile's different value that confirming ``value`` would replace, or ""."""
    if field in LIST_FIELDS or already_known(customer, field, value):
        return ""
    return profile_value(customer, field)


# --- Facts from extraction -------------------------------------------------------------------------------------------
def extraction_allowed(customer: Customer) -> bool:
    """Profile extraction runs only under the customer's consent (X3)."""
    return current_consents(customer)[Consent.Purpose.PROFILE_EXTRACTION]


def record_findings(message: ChatMessage, findings: Iterable[Finding], text: str) -> list[ProfileFact]:
    """Store the findings of one message as suggested facts, skipping what the profile already holds and what staff
    already suggested or rejected for this customer. Idempotent: a message read twice adds nothing."""
    customer = message.customer
    if customer is None:
        return []
    known = set(
        ProfileFact.objects.filter(customer=customer)
        .exclude(status=ProfileFact.Status.CONFIRMED)
        .values_list("field", "value")
    )
    created: list[ProfileFact] = []
    with transaction.atomic():
        for finding in findings:
            key = (finding.field, finding.value)
            if key in known or already_known(customer, *key):
                continue
            known.add(key)
            fact = ProfileFact(
                customer=customer,
                field=finding.field,
                value=finding.value[:200],
                confidence=round(finding.confidence, 3),
                source_message=message,
                source_excerpt=_excerpt(text, finding),
                current_value=conflicting_value(customer, *key)[:200],
            )
            try:
                with transaction.atomic():
                    fact.save()
            except IntegrityError:  # the same message read twice at once
                continue
            created.append(fact)
        if created:
            publish_changed(customer.pk, ["facts"])
    return created


def _excerpt(text: str, finding: Finding) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    start = max(0, min(finding.start - EXCERPT_CHARS // 3, len(text) - EXCERPT_CHARS))
    return (
        ("…" if start else "")
        + text[start : start + EXCERPT_CHARS]
        + ("…" if start + EXCERPT_CHARS < len(text) else "")
    )


def confirm_fact(fact: ProfileFact, by: User) -> ProfileFact:
    """Write the fact into the profile (replacing a conflicting value: staff decided) and audit the change."""
    with transaction.atomic():
        fact = ProfileFact.objects.select_for_update().select_related("customer").get(pk=fact.pk)
        if fact.status != ProfileFact.Status.SUGGESTED:
            raise ProfileError(_already_decided(fact))
        customer = Customer.objects.select_for_update().get(pk=fact.customer_id)
        old = profile_value(customer, fact.field)
        _apply(customer, fact.field, fact.value)
        customer.full_clean(validate_unique=False, validate_constraints=False)
        customer.save()
        new = profile_value(customer, fact.field)
        if new != old:
            ProfileChange.objects.create(
                customer=customer, field=fact.field, old_value=old, new_value=new, via=ProfileChange.Via.FACT,
                changed_by=by,
            )  # fmt: skip
        _decide(fact, ProfileFact.Status.CONFIRMED, by)
        _refresh_conflicts(customer)
        publish_changed(customer.pk, ["facts", "profile"])
    return fact


def reject_fact(fact: ProfileFact, by: User) -> ProfileFact:
    with transaction.atomic():
        fact = ProfileFact.objects.select_for_update().get(pk=fact.pk)
        if fact.status != ProfileFact.Status.SUGGESTED:
            raise ProfileError(_already_decided(fact))
        _decide(fact, ProfileFact.Status.REJECTED, by)
        publish_changed(fact.customer_id, ["facts"])
    return fact


def _already_decided(fact: ProfileFact) -> str:
    if fact.status == ProfileFact.Status.CONFIRMED:
        return _("This fact was already confirmed.")
    return _("This fact was already rejected.")


def _decide(fact: ProfileFact, status: str, by: User) -> None:
    fact.status = status
    fact.decided_by = by
    fact.decided_at = timezone.now()
    fact.save(update_fields=["status", "decided_by", "decided_at"])


def _refresh_conflicts(customer: Customer) -> None:
    """After the profile changed, the open suggestions' conflicts follow it."""
    for fact in customer.facts.filter(status=ProfileFact.Status.SUGGESTED):
        conflict = conflicting_value(customer, fact.field, fact.value)[:200]
        if conflict != fact.current_value:
            fact.current_value = conflict
            fact.save(update_fields=["current_value"])


def _apply(customer: Customer, field: str, value: str) -> None:
    if field == Field.BIRTHDAY:
        if value.startswith("--"):
            customer.birth_month_day = value[2:]
            year = customer.birthday.year if customer.birthday else customer.birth_year
            if year:
                customer.birthday = _date(year, value[2:])
        else:
            customer.birthday = datetime.date.fromisoformat(value)
            customer.birth_month_day = value[5:]
    elif field == Field.AGE:
        customer.birth_year = timezone.localdate().year - int(value)
        if customer.birthday and customer.birthday.year != customer.birth_year:
            customer.birthday = None
    elif field == Field.CITY:
        customer.residence = value
    elif field == Field.MARRIED:
        customer.married = value == "true"
    elif field == Field.CHILDREN:
        customer.children = int(value)
    elif field == Field.BUDGET:
        customer.budget = Decimal(value)
    elif field == Field.INTEREST:
        preferences = dict(customer.preferences) if isinstance(customer.preferences, dict) else {}
        preferences["interests"] = [*preferences.get("interests", []), value]
        customer.preferences = preferences
    elif field == Field.HOBBY:
        customer.hobbies = [*(customer.hobbies or []), value]
    else:
        setattr(customer, field, value)


def _date(year: int, month_day: str) -> datetime.date | None:
    try:
        return datetime.date(year, int(month_day[:2]), int(month_day[3:]))
    except ValueError:
        return None


# --- Edits by hand ---------------------------------------------------------------------------------------------------
EDITABLE_FIELDS = (
    "name", "gender", "birthday", "hometown", "residence", "married", "children", "phone", "email", "company",
    "job_title", "budget", "mbti", "hobbies",
)  # fmt: skip


def edit_profile(customer: Customer, changes: dict[str, object], by: User) -> list[ProfileChange]:
    """Apply validated ``changes`` (field → new value), audit each one that changes, push to the sidebars."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ProfileError(_("These fields cannot be edited here: %(fields)s.") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = {field: _shown(getattr(customer, field)) for field in changes}
        for field, value in changes.items():
            setattr(customer, field, value)
        try:
            customer.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ProfileError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        customer.save()
        audit = [
            ProfileChange(
                customer=customer,
                field=field,
                old_value=before[field],
                new_value=_shown(getattr(customer, field)),
                via=ProfileChange.Via.EDIT,
                changed_by=by,
            )  # fmt: skip
            for field in changes
            if before[field] != _shown(getattr(customer, field))
        ]
        ProfileChange.objects.bulk_create(audit)
        if audit:
            _refresh_conflicts(customer)
            publish_changed(customer.pk, ["profile", "facts"])
    return audit


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


# --- Tags ------------------------------------------------------------------------------------------------------------
def tags_usable_by(user: User, organisation: int | None = None):
    """Enterprise tags and the user's own personal tags — of ``organisation`` (the customer's) when given, else of
    the user's organisation: another company's tags are never offered nor accepted (issue 19)."""
    tags = Tag.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    return tags.of(organisation) if organisation is not None else tenancy.for_user(tags, user)


def add_tag(customer: Customer, by: User, *, tag_id: int | None = None, personal_name: str = "") -> Tag:
    """Put an enterprise tag or one of ``by``'s personal tags on the customer; ``personal_name`` creates the
    personal tag when it does not exist yet."""
    with transaction.atomic():
        if tag_id is not None:
            tag = tags_usable_by(by, customer.organisation_id).filter(pk=tag_id).first()
            if tag is None:
                raise ProfileError(_("No such tag, or it is a colleague's personal tag."))
        else:
            name = personal_name.strip()
            if not name or len(name) > 50:
                raise ProfileError(_("A personal tag needs a name of 1 to 50 characters."))
            tag = Tag.objects.get_or_create(owner=by, name=name, organisation_id=customer.organisation_id)[0]
        link, created = CustomerTag.objects.get_or_create(
            customer=customer, tag=tag, defaults={"added_by": by, "source": CustomerTag.Source.MANUAL}
        )
        if created:
            ProfileChange.objects.create(
                customer=customer, field="tag", new_value=_tag_label(tag), via=ProfileChange.Via.TAG, changed_by=by
            )
            publish_changed(customer.pk, ["tags"])
    return tag


def remove_tag(customer: Customer, by: User, tag_id: int) -> None:
    with transaction.atomic():
        usable = tags_usable_by(by, customer.organisation_id)
        link = CustomerTag.objects.filter(customer=customer, tag__in=usable, tag_id=tag_id).first()
        if link is None:
            raise ProfileError(_("The customer does not carry this tag."))
        label = _tag_label(link.tag)
        link.delete()
        ProfileChange.objects.create(
            customer=customer, field="tag", old_value=label, via=ProfileChange.Via.TAG, changed_by=by
        )
        publish_changed(customer.pk, ["tags"])


def _tag_label(tag: Tag) -> str:
    return tag.name if tag.is_enterprise else f"{tag.name} (personal)"
