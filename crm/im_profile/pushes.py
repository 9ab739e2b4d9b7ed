"""Live profile sync (SPEC P6): every open sidebar of a customer joins ``customer.<id>``.

Persist first, then push (``base.pushes``): the frames go out once the rows they describe are committed, and they
carry only which sections changed. Each sidebar's consumer then reads those sections for its own staff member
(personal tags differ between colleagues) and sends them; a sidebar that reconnects receives the whole profile again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypedDict

from base.pushes import push_after_commit

SECTIONS = ("profile", "facts", "tags", "closeness", "timeline", "portrait")


class ProfileChanged(TypedDict):
    type: Literal["profile.changed"]
    sections: list[str]


class ProfileErased(TypedDict):
    type: Literal["profile.erased"]


def group_for_customer(customer_id: int) -> str:
    return f"customer.{customer_id}"


def publish_changed(customer_id: int, sections: Iterable[str]) -> None:
    """Tell every sidebar of the customer, once the current transaction commits, which sections changed."""
    changed = sorted(set(sections) & set(SECTIONS))
    if changed:
        push_after_commit(group_for_customer(customer_id), ProfileChanged(type="profile.changed", sections=changed))


def publish_erased(customer_id: int) -> None:
    """The customer's data was erased: every open sidebar of theirs closes, once the erasure commits."""
    push_after_commit(group_for_customer(customer_id), ProfileErased(type="profile.erased"))
