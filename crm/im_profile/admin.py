"""Admin of the IM profile: integrations, webhook deliveries, facts, profile changes, closeness weights."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm.admin import RecordOnlyMixin
from crm.admin_scoping import has_own_row
from crm.im_profile.closeness import forget_weights
from crm.im_profile.models import ClosenessWeights, ImIntegration, ProfileChange, ProfileFact, WebhookDelivery
from crm.im_profile.webhooks import assign_credentials, rotate_credentials


@admin.register(ImIntegration)
class ImIntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "chat_link_template", "created_at"]
    fields = ["name", "is_active", "chat_link_template", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["rotate"]

    def save_model(self, request: HttpRequest, obj: ImIntegration, form, change: bool) -> None:

        credentials = None if change else assign_credentials(obj)
        super().save_model(request, obj, form, change)
        if credentials:
            self._show_credentials(request, obj, *credentials)

    @admin.action(description=_("Issue a new token and signing secret (the old ones stop working)"))
    def rotate(self, request: HttpRequest, queryset) -> None:

        for integration in queryset:
            self._show_credentials(request, integration, *rotate_credentials(integration))

    def _show_credentials(self, request: HttpRequest, integration: ImIntegration, token: str, secret: str) -> None:
        self.message_user(
            request,
            _("%(name)s — token: %(token)s · signing secret: %(secret)s (shown once)")
            % {"name": integration.name, "token": token, "secret": secret},
            messages.WARNING,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["received_at", "integration", "event_type", "event_id", "status", "customer"]
    list_filter = ["integration", "event_type", "status"]
    search_fields = ["event_id"]
    list_select_related = ["integration", "customer"]
    date_hierarchy = "received_at"


@admin.register(ProfileFact)
class ProfileFactAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["found_at", "customer", "field", "value", "confidence", "status", "current_value", "decided_by"]
    list_filter = ["status", "field"]
    search_fields = ["customer__name", "value", "source_excerpt"]
    list_select_related = ["customer", "decided_by"]
    date_hierarchy = "found_at"


@admin.register(ProfileChange)
class ProfileChangeAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["changed_at", "customer", "field", "old_value", "new_value", "via", "changed_by"]
    list_filter = ["via", "field"]
    search_fields = ["customer__name", "field"]
    list_select_related = ["customer", "changed_by"]
    date_hierarchy = "changed_at"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the audit log is not edited by hand


@admin.register(ClosenessWeights)
class ClosenessWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "friendship", "groups", "messages_in", "messages_out", "recency", "reply_latency",
                    "behaviour", "updated_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not has_own_row(ClosenessWeights, request)  # one per organisation, and the product-wide default

    def save_model(self, request: HttpRequest, obj: ClosenessWeights, form, change: bool) -> None:

        super().save_model(request, obj, form, change)
        forget_weights()
