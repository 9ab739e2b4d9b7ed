"""Who is online in the sales terminal (issue 17): an open, pinging terminal is online; a row nobody touched for
``STALE_SECONDS`` (a process that died without closing its sockets) counts as offline and is forgotten later."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dialogue import presence
from dialogue.models import TerminalPresence

pytestmark = pytest.mark.django_db


def test_an_open_terminal_is_online_until_it_closes(salesperson, manager) -> None:
    presence.arrived(salesperson.pk, "sales-socket-1")

    assert presence.is_online(salesperson.pk)
    assert presence.online_users([salesperson.pk, manager.pk]) == {salesperson.pk}

    presence.left("sales-socket-1")
    assert not presence.is_online(salesperson.pk)
    assert not TerminalPresence.objects.exists()


def test_a_terminal_not_seen_for_the_stale_time_counts_offline(salesperson) -> None:
    presence.arrived(salesperson.pk, "sales-socket-1")
    stale = timezone.now() - datetime.timedelta(seconds=presence.STALE_SECONDS + 1)
    TerminalPresence.objects.update(seen_at=stale)

    assert not presence.is_online(salesperson.pk)
    assert presence.online_users([salesperson.pk]) == set()
    assert TerminalPresence.objects.count() == 1  # still there: only much older rows are forgotten


def test_a_ping_brings_a_stale_terminal_back_online(salesperson) -> None:
    presence.arrived(salesperson.pk, "sales-socket-1")
    TerminalPresence.objects.update(seen_at=timezone.now() - datetime.timedelta(hours=1))

    presence.seen(salesperson.pk, "sales-socket-1")

    assert presence.is_online(salesperson.pk)
    assert TerminalPresence.objects.count() == 1


def test_a_ping_from_a_socket_the_server_forgot_registers_it_again(salesperson) -> None:
    presence.seen(salesperson.pk, "sales-socket-after-restart")

    assert presence.is_online(salesperson.pk)


def test_one_stale_terminal_does_not_hide_another_open_one(salesperson) -> None:
    presence.arrived(salesperson.pk, "laptop")
    presence.arrived(salesperson.pk, "phone")
    TerminalPresence.objects.filter(channel_name="laptop").update(
        seen_at=timezone.now() - datetime.timedelta(seconds=presence.STALE_SECONDS * 2)
    )

    assert presence.is_online(salesperson.pk)


def test_long_dead_rows_are_forgotten(salesperson, manager) -> None:
    presence.arrived(salesperson.pk, "dead")
    presence.arrived(manager.pk, "alive")
    TerminalPresence.objects.filter(channel_name="dead").update(
        seen_at=timezone.now() - datetime.timedelta(seconds=presence.STALE_SECONDS * 10 + 1)
    )

    assert presence.forget_stale() == 1
    assert list(TerminalPresence.objects.values_list("channel_name", flat=True)) == ["alive"]


def test_nobody_is_online_without_a_user() -> None:
    assert not presence.is_online(None)
