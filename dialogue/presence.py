"""Who is online in the sales terminal (issue 17): e-mail and SMS only reach people who are not.

Every open ``/ws/sales/`` socket is a row, touched when the terminal pings (every 30 s) and removed when it closes.
A row not touched for ``STALE_SECONDS`` (a process that died without closing its sockets) counts as offline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from dialogue.models import HandOff, TerminalPresence

STALE_SECONDS = 90
WAIT_SAMPLES = 20  # the latest accepted hand-offs an expected wait is computed from


def arrived(user_id: int, channel_name: str) -> None:
    TerminalPresence.objects.update_or_create(
        channel_name=channel_name, defaults={"user_id": user_id, "seen_at": timezone.now()}
    )


def seen(user_id: int, channel_name: str) -> None:
    if not TerminalPresence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now()):
        arrived(user_id, channel_name)


def left(channel_name: str) -> None:
    TerminalPresence.objects.filter(channel_name=channel_name).delete()


def online_users(user_ids: Iterable[int], now: datetime.datetime | None = None) -> set[int]:
    since = (now or timezone.now()) - datetime.timedelta(seconds=STALE_SECONDS)
    return set(
        TerminalPresence.objects.filter(user_id__in=list(user_ids), seen_at__gte=since).values_list(
            "user_id", flat=True
        )
    )


def is_online(user_id: int | None) -> bool:
    return user_id is not None and bool(online_users([user_id]))


def forget_stale(now: datetime.datetime | None = None) -> int:
    since = (now or timezone.now()) - datetime.timedelta(seconds=STALE_SECONDS * 10)
    return TerminalPresence.objects.filter(seen_at__lt=since).delete()[0]


def expected_wait_minutes(user_id: int | None) -> int | None:
    """The median minutes this person took to accept their latest hand-offs (at least 1), or None without history."""
    if user_id is None:
        return None
    rows = list(
        HandOff.objects.filter(accepted_by_id=user_id, accepted_at__isnull=False)
        .order_by("-accepted_at")
        .values_list("created_at", "accepted_at", "offered_at")[:WAIT_SAMPLES]
    )
    if len(rows) < 3:
        return None
    waits = sorted(((accepted - (offered or created)).total_seconds() for created, accepted, offered in rows))
    median = waits[len(waits) // 2]
    return max(1, round(median / 60))
