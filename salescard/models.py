"""Models of the project package. The smart card's own models (SmartCard, CardLink, CardEvent) arrive
with the card issue; here lives the operations record of pipeline probes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PipelineProbe(models.Model):
    """One round trip through a Celery queue: requested here, completed by whichever worker took it.

    Operators use probes to prove a deployment end to end (broker → worker → database → channel layer
    → socket); see ``manage.py check_pipeline`` and the ``/ws/ops/`` socket.
    """

    class Queue(models.TextChoices):
        DEFAULT = "default", _("default")
        INFERENCE = "inference", _("inference")
        SPEECH = "speech", _("speech")
        TRAINING = "training", _("training")

    queue = models.CharField(_("queue"), max_length=20, choices=Queue.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True, help_text=_("Host name and process id."))
    database_vendor = models.CharField(_("database seen by the worker"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("pipeline probe")
        verbose_name_plural = _("pipeline probes")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["queue", "-requested_at"], name="probe_queue_recent")]

    def __str__(self) -> str:
        return f"{self.queue} · {self.requested_at:%Y-%m-%d %H:%M:%S}"

    @property
    def latency_ms(self) -> float | None:
        if not self.completed_at:
            return None
        return (self.completed_at - self.requested_at).total_seconds() * 1000
