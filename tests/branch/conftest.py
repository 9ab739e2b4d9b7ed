"""Fixtures of the branch tests: a branch with a kiosk token, and watches with device tokens."""

from __future__ import annotations

import pytest

from branch.models import Branch
from branch.tokens import issue_kiosk_token, register_wearable


@pytest.fixture
def branch(db, branch_staff):
    return Branch.objects.create(code="sz-nanshan", name="南山支行", manager=branch_staff)


@pytest.fixture
def kiosk_token(branch) -> str:
    return issue_kiosk_token(branch)


@pytest.fixture
def watch(branch_staff):
    """(wearable, token) of a watch not yet bound to a branch."""
    return register_wearable("watch-001", staff=branch_staff)


@pytest.fixture
def inline_background(monkeypatch):
    """The embedded default's background work (the analysis after a ticket) run at once in this thread, so that a
    test inside a transaction sees it."""
    from concurrent.futures import Future

    def run_now(work, *args, **kwargs) -> Future:
        done: Future = Future()
        done.set_result(work(*args))
        return done

    monkeypatch.setattr("base.queueing.run_in_background", run_now)
