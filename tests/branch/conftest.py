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
