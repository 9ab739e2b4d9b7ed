"""The base layer's one table: API keys (``base.api_tokens``). The table kept its name when the model moved here from
the ``salescard`` app (``db_table``), so an existing database upgrades in place."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """An API key (``Authorization: Token <key>``, SPEC X3): issued at a sign-in and shown once; only its SHA-256
    is stored, so a copy of the database opens nothing. Each sign-in gets its own key (a phone, a script, a kiosk
    integration), which expires and can be revoked on its own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        db_table = "salescard_apitoken"  # the table kept its name when the model moved here
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    def is_live(self, now=None) -> bool:  # noqa: ANN001 - a datetime
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
