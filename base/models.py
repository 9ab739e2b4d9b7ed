"""The base layer's one table: API keys (``base.api_tokens``). The table kept its name when the model moved here from
the ``salescard`` app (``db_table``), so an existing database upgrades in place."""

from __future__ import annotations

import datetime

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


class TrainingJob(models.Model):
    """A training started from the admin (issue 21 item 3): queued, running with its progress, then succeeded with
    the version it made or failed with the error, so the manager sees on the model versions page what happened.
    ``organisation`` is whose model is trained (intent) or, for a product-wide model, who asked for it."""

    class Kind(models.TextChoices):
        INTENT = "intent", _("intent model")
        REPLY = "reply", _("reply-script model")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("model"), max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey(
        "crm.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    version = models.CharField(_("resulting version"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training job")
        verbose_name_plural = _("training jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0), name="training_job_progress_0_to_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    # A training that has not ended this long after it was queued was lost (its process stopped): the intent task's
    # time limit is 30 minutes, and a queue rarely holds one longer.
    LOST_AFTER = datetime.timedelta(hours=1)

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def is_lost(self) -> bool:
        return not self.is_done and timezone.now() - self.created_at > self.LOST_AFTER

    @property
    def is_under_way(self) -> bool:
        return not self.is_done and not self.is_lost
