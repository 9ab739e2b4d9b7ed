"""Admin of the project package: smart cards with their share links and events, and pipeline probes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm.admin import RecordOnlyMixin
from salescard.cards import new_token, revoke_link
from salescard.models import CardCode, CardDevice, CardEvent, CardLink, CardVisit, PipelineProbe, SmartCard


@admin.register(PipelineProbe)
class PipelineProbeAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["queue", "requested_at", "completed_at", "latency", "worker", "database_vendor", "requested_by"]
    list_filter = ["queue", ("completed_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in PipelineProbe._meta.fields]

    @admin.display(description=_("latency (ms)"))
    def latency(self, probe: PipelineProbe) -> str:
        return "—" if probe.latency_ms is None else f"{probe.latency_ms:.0f}"


@admin.register(SmartCard)
class SmartCardAdmin(admin.ModelAdmin):
    list_display = ["display_name", "salesperson", "company", "title", "theme", "updated_at"]
    search_fields = ["display_name", "company", "salesperson__username"]
    autocomplete_fields = ["salesperson"]


class CardDeviceInline(admin.TabularInline):
    """The browsers bound to a personal link (X3); deleting one makes that browser verify again."""

    model = CardDevice
    extra = 0
    fields = ["how", "bound_at"]
    readonly_fields = ["how", "bound_at"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(CardLink)
class CardLinkAdmin(admin.ModelAdmin):
    inlines = [CardDeviceInline]
    list_display = ["__str__", "created_at", "expires_at", "revoked_at", "live", "devices"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["customer__name", "card__display_name"]
    autocomplete_fields = ["card", "customer"]
    readonly_fields = ["token", "created_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("bound devices"))
    def devices(self, link: CardLink) -> int:
        return link.devices.count()

    @admin.display(description=_("live"), boolean=True)
    def live(self, link: CardLink) -> bool:
        return link.is_live()

    def save_model(self, request, obj, form, change) -> None:
        if not obj.token:
            obj.token = new_token()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request: HttpRequest, queryset) -> None:
        for link in queryset:
            revoke_link(link)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


@admin.register(CardEvent)
class CardEventAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "detail", "link", "customer"]
    list_filter = ["kind"]
    readonly_fields = ["link", "customer", "kind", "detail", "occurred_at"]


@admin.register(CardVisit)
class CardVisitAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["customer", "link", "opened_at", "language", "product", "intent_is_fallback", "intent_was_inferred"]
    list_filter = ["language", "intent_is_fallback", "intent_was_inferred", "usage_consent"]
    search_fields = ["customer__name", "greeting"]
    readonly_fields = [f.name for f in CardVisit._meta.fields]


@admin.register(CardDevice)
class CardDeviceAdmin(admin.ModelAdmin):
    """Browsers bound to personal links; deleting a row makes that browser confirm with a code again."""

    list_display = ["link", "how", "bound_at"]
    list_filter = ["how"]
    search_fields = ["link__customer__name", "link__card__display_name"]
    readonly_fields = ["link", "device_hash", "how", "bound_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(CardCode)
class CardCodeAdmin(RecordOnlyMixin, admin.ModelAdmin):
    """ "是本人？" codes sent (only a keyed hash of each code is kept)."""

    list_display = ["link", "sent_at", "expires_at", "attempts", "used_at"]
    readonly_fields = ["link", "device_hash", "code_hash", "sent_at", "expires_at", "attempts", "used_at"]
