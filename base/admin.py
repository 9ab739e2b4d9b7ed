"""Admin of API keys: see who holds which key, revoke one."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from base.api_tokens import revoke
from base.models import ApiToken, TrainingJob


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API keys: only a hash and the first characters of each are kept; a key is revoked here, a new one comes from
    a sign-in (``POST /api/auth/token/``)."""

    list_display = ["user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "live"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.display(description=_("live"), boolean=True)
    def live(self, token: ApiToken) -> bool:
        return token.is_live()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request: HttpRequest, queryset) -> None:  # noqa: ANN001

        for token in queryset:
            revoke(token)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


# DRF's clear-text tokens are not used (base.api_tokens keeps hashed keys): their admin would only confuse.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    """Trainings started from the model versions lists (``Retrain now``): a record, never edited by hand."""

    list_display = ["created_at", "kind", "status", "progress_percent", "version", "error", "requested_by"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in TrainingJob._meta.fields]

    @admin.display(description=_("progress"))
    def progress_percent(self, job: TrainingJob) -> str:
        return f"{round(job.progress * 100)} %"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TrainingJob | None = None) -> bool:
        return False
