"""What the call assistant's page lists (SPEC V1, V7–V9): the user's customers with their call-recording consent,
their recent calls, one call they may see."""

from __future__ import annotations

from typing import Any

from crm.access import customers_visible_to
from crm.consent import current_consents
from crm.models import Consent, User
from dialogue.calls.models import Call

CALL_CUSTOMERS_SHOWN = 300
CALLS_SHOWN = 20


def call_customers(user: User) -> list[dict[str, Any]]:
    """The user's customers for the call page, each with whether they agreed to call recording."""

    customers = customers_visible_to(user).order_by("name", "pk").prefetch_related("consents")[:CALL_CUSTOMERS_SHOWN]
    return [
        {"id": c.pk, "name": c.name, "language": c.language,
         "recording": current_consents(c)[Consent.Purpose.CALL_RECORDING]}
        for c in customers
    ]  # fmt: skip


def recent_calls(user: User):  # noqa: ANN201 - a QuerySet of Call

    visible = customers_visible_to(user)
    return (
        Call.objects.filter(customer__in=visible)
        .select_related("customer")
        .order_by("-created_at", "-pk")[:CALLS_SHOWN]
    )


def visible_call(user: User, call_id: int):  # noqa: ANN201 - a Call or None

    return Call.objects.filter(pk=call_id, customer__in=customers_visible_to(user)).first()
