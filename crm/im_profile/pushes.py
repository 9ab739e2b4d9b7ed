"""Live profile sync (SPEC P6): every open sidebar of a customer joins ``customer.<id>``.

Persist first, then push: the functions here run after the rows they describe are committed, and they carry only
which sections changed. Each sidebar's consumer then reads those sections for its own staff member (personal tags
differ between colleagues) and sends them; a sidebar that reconnects receives the whole profile again.
"""

from __future__ import annotations

from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

SECTIONS = ("profile", "facts", "tags", "closeness", "timeline", "portrait")


def group_for_customer(customer_id: int) -> str:
    return f"customer.{customer_id}"


def publish_changed(customer_id: int, sections: Iterable[str]) -> None:
    """Tell every sidebar of the customer, once the current transaction commits, which sections changed."""
    changed = sorted(set(sections) & set(SECTIONS))
    if not changed:
        return

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                group_for_customer(customer_id), {"type": "profile.changed", "sections": changed}
            )

    transaction.on_commit(send)


def publish_erased(customer_id: int) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group_for_customer(customer_id), {"type": "profile.erased"})

    transaction.on_commit(send)
