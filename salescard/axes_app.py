"""django-axes under a name managers understand: its lockout tables show in the admin as "Sign-in lockouts"."""

from __future__ import annotations

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInLockoutsConfig(AppConfig):
    verbose_name = _("Sign-in lockouts")
