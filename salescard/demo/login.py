"""The demo manager login that ``make run`` ensures: from the environment, or generated once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from crm.models import User


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str | None  # set only when it was just chosen, so that it is printed once
    created: bool


def ensure_demo_manager(username: str | None = None, password: str | None = None) -> DemoLogin:
    """Make sure a manager ``username`` exists and can sign in.

    A password from the environment (DEMO_MANAGER_PASSWORD) is always applied. Without one, a random
    password is set only when the account has none yet, and returned so the caller prints it once.
    """
    username = username or settings.DEMO_MANAGER_USERNAME
    password = password if password is not None else settings.DEMO_MANAGER_PASSWORD
    with transaction.atomic():
        user, created = User.objects.select_for_update().get_or_create(
            username=username, defaults={"role": User.Role.MANAGER, "last_name": "演示", "first_name": "经理"}
        )
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
