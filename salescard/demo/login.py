"""The demo managers' logins that ``make run`` ensures: from the environment, or generated once.

The bank's manager is ``settings.DEMO_MANAGER_USERNAME``; the furniture retailer's is ``home_manager``
(``salescard.demo.staff.HOME_MANAGER_USERNAME``). ``DEMO_MANAGER_PASSWORD``, when set, is the password of both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from crm.models import User
from salescard.demo.companies import BANK, login_organisation
from salescard.demo.staff import home_manager


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str | None  # set only when it was just chosen, so that it is printed once
    created: bool


def ensure_demo_managers(password: str | None = None) -> list[DemoLogin]:
    """Both demo companies' managers: the bank's (``settings.DEMO_MANAGER_USERNAME``), then the furniture
    retailer's, each in its company's organisation."""
    home = home_manager()
    return [
        ensure_demo_manager(password=password),
        ensure_demo_manager(home.username, password, company=home.company, names=(home.last_name, home.first_name)),
    ]


def ensure_demo_manager(
    username: str | None = None,
    password: str | None = None,
    *,
    company: str = BANK,
    names: tuple[str, str] = ("演示", "经理"),
) -> DemoLogin:
    """Make sure a manager ``username`` of demo company ``company`` (the bank unless named) exists and can sign in.

    A password from the environment (DEMO_MANAGER_PASSWORD) is always applied. Without one, a random
    password is set only when the account has none yet, and returned so the caller prints it once.
    """
    username = username or settings.DEMO_MANAGER_USERNAME
    password = password if password is not None else settings.DEMO_MANAGER_PASSWORD
    with transaction.atomic():
        organisation = login_organisation(company)
        user, created = User.objects.select_for_update().get_or_create(
            username=username,
            defaults={
                "role": User.Role.MANAGER,
                "last_name": names[0],
                "first_name": names[1],
                "organisation": organisation,
            },
        )
        if user.organisation_id is None or (user.organisation_id != organisation.pk and user.organisation.is_default):
            user.organisation = organisation  # made before the demo companies existed
        if user.role != User.Role.MANAGER or not user.is_active:
            user.role, user.is_active = User.Role.MANAGER, True
        shown: str | None = None
        if password:
            if not user.check_password(password):
                user.set_password(password)
        elif not user.password or not user.has_usable_password():  # a new row has an empty password
            shown = secrets.token_urlsafe(12)
            user.set_password(shown)
        user.save()
    return DemoLogin(username=username, password=shown, created=created)
