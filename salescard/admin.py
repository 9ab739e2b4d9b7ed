"""Admin of the project package: pipeline probes (operations)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from salescard.models import PipelineProbe


@admin.register(PipelineProbe)
class PipelineProbeAdmin(admin.ModelAdmin):
    list_display = ["queue", "requested_at", "completed_at", "latency", "worker", "database_vendor", "requested_by"]
    list_filter = ["queue", ("completed_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in PipelineProbe._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("latency (ms)"))
    def latency(self, probe: PipelineProbe) -> str:
        return "—" if probe.latency_ms is None else f"{probe.latency_ms:.0f}"
