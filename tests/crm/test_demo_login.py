"""The demo manager login that `make run` ensures."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from crm.models import User
from salescard.demo.login import ensure_demo_manager

pytestmark = pytest.mark.django_db


def test_generated_password_is_shown_once_and_works() -> None:
    first = ensure_demo_manager(username="manager", password="")
    assert first.created and first.password
    user = User.objects.get(username="manager")
    assert user.is_manager and user.is_staff and user.check_password(first.password)
    second = ensure_demo_manager(username="manager", password="")
    assert second.password is None
    user.refresh_from_db()
    assert user.check_password(first.password), "a second run must not change the password"


def test_password_from_the_environment_is_applied(settings) -> None:
    settings.DEMO_MANAGER_PASSWORD = "Chosen-By-Ops-2026"
    ensure_demo_manager(username="manager")
    assert User.objects.get(username="manager").check_password("Chosen-By-Ops-2026")


def test_existing_account_is_made_an_active_manager() -> None:
    User.objects.create_user("manager", role=User.Role.SALES, is_active=False)
    ensure_demo_manager(username="manager", password="")
    user = User.objects.get(username="manager")
    assert user.is_active and user.role == User.Role.MANAGER


def test_command_prints_the_new_password(settings) -> None:
    settings.DEMO_MANAGER_PASSWORD = ""
    out = StringIO()
    call_command("ensure_demo_manager", stdout=out)
    assert "password:" in out.getvalue()
    out = StringIO()
    call_command("ensure_demo_manager", stdout=out)
    assert "password unchanged" in out.getvalue()
