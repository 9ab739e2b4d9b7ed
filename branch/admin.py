"""Admin of the branch (SPEC B1–B8): branches with their kiosk tokens, wearables (issue and revoke tokens, the
binding history), tickets, tasks with their timeline, and feedback with match scores."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from branch.feedback import accuracy_by_branch_and_week
from branch.models import (
    Branch,
    DemandUpdate,
    QueueTicket,
    Task,
    TaskDelivery,
    TaskFeedback,
    TranscriptSegment,
    Wearable,
    WearableBinding,
)
from branch.tickets import set_target_customer
from branch.tokens import assign_token, issue_kiosk_token, issue_wearable_token, revoke_wearable
from crm import tenancy
from crm.admin import RecordOnlyMixin


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "manager", "is_active", "has_kiosk_token", "kiosk_token_issued_at"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["manager"]
    actions = ["issue_kiosk_tokens"]

    @admin.display(description=_("kiosk token"), boolean=True)
    def has_kiosk_token(self, branch: Branch) -> bool:
        return bool(branch.kiosk_token_hash)

    @admin.action(description=_("Issue a new kiosk token (shown once)"))
    def issue_kiosk_tokens(self, request: HttpRequest, queryset) -> None:
        for branch in queryset:
            token = issue_kiosk_token(branch)
            self.message_user(request, _("Kiosk token of %(branch)s: %(token)s") % {"branch": branch, "token": token})


class BindingInline(RecordOnlyMixin, admin.TabularInline):
    model = WearableBinding
    extra = 0
    fields = ["branch", "staff", "bound_at", "unbound_at"]
    readonly_fields = fields


@admin.register(Wearable)
class WearableAdmin(admin.ModelAdmin):
    list_display = ["device_id", "staff", "branch", "last_seen_at", "revoked_at"]
    list_filter = ["branch", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["device_id", "staff__username"]
    autocomplete_fields = ["staff"]
    readonly_fields = ["branch", "last_seen_at", "revoked_at", "created_at", "token_issued_at"]
    inlines = [BindingInline]
    actions = ["issue_tokens", "revoke"]

    def save_model(self, request: HttpRequest, obj: Wearable, form, change: bool) -> None:  # noqa: ANN001
        if not change:
            token = assign_token(obj)
            super().save_model(request, obj, form, change)
            self.message_user(request, _("Device token of %(device)s: %(token)s") % {"device": obj, "token": token})
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Issue a new device token (shown once; the old one stops working)"))
    def issue_tokens(self, request: HttpRequest, queryset) -> None:
        for wearable in queryset:
            token = issue_wearable_token(wearable)
            self.message_user(
                request, _("Device token of %(device)s: %(token)s") % {"device": wearable, "token": token}
            )

    @admin.action(description=_("Revoke the selected wearables"))
    def revoke(self, request: HttpRequest, queryset) -> None:
        for wearable in queryset:
            revoke_wearable(wearable)
        self.message_user(request, _("Revoked."), messages.SUCCESS)


@admin.register(QueueTicket)
class QueueTicketAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["taken_at", "branch", "number", "customer", "business"]
    list_filter = ["branch", "day"]
    search_fields = ["number", "customer__name", "phone"]


class DeliveryInline(RecordOnlyMixin, admin.TabularInline):
    model = TaskDelivery
    extra = 0
    fields = ["wearable", "sent_at", "acknowledged_at"]
    readonly_fields = fields


class SegmentInline(RecordOnlyMixin, admin.TabularInline):
    model = TranscriptSegment
    extra = 0
    fields = ["created_at", "source", "text"]
    readonly_fields = fields


class DemandUpdateInline(RecordOnlyMixin, admin.TabularInline):
    model = DemandUpdate
    extra = 0
    fields = ["created_at", "recommendations", "adjustments"]
    readonly_fields = fields


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Adding a task here sets a target customer by hand (B3); the analysis and the push follow."""

    list_display = ["created_at", "branch", "customer", "business", "status", "staff", "analysed_at"]
    list_filter = ["branch", "status"]
    search_fields = ["customer__name", "business"]
    autocomplete_fields = ["customer"]
    inlines = [DeliveryInline, SegmentInline, DemandUpdateInline]

    def get_fields(self, request: HttpRequest, obj: Task | None = None) -> list[str]:
        if obj is None:
            return ["branch", "customer", "business"]
        return [f.name for f in Task._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Task | None = None) -> list[str]:
        return [] if obj is None else [f.name for f in Task._meta.fields if f.name != "id"]

    def save_model(self, request: HttpRequest, obj: Task, form, change: bool) -> None:  # noqa: ANN001
        if change:
            return
        created = set_target_customer(obj.branch, obj.customer, obj.business)
        obj.pk = created.pk


@admin.register(TaskFeedback)
class TaskFeedbackAdmin(RecordOnlyMixin, admin.ModelAdmin):
    """Feedback with match scores, and above the list the accuracy per branch and week (B8)."""

    list_display = ["created_at", "task", "success", "purchased_product", "tier", "match_score", "preference_overlap"]
    list_filter = ["tier", "success", "task__branch"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # noqa: ANN201
        return super().changelist_view(
            request,
            {
                **(extra_context or {}),
                "accuracy": accuracy_by_branch_and_week(tenancy.organisation_id_of(request.user)),
            },
        )


@admin.register(WearableBinding)
class WearableBindingAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["wearable", "branch", "staff", "bound_at", "unbound_at"]
    list_filter = ["branch"]


@admin.register(TaskDelivery)
class TaskDeliveryAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["task", "wearable", "sent_at", "acknowledged_at"]
    list_filter = ["wearable__branch"]


@admin.register(TranscriptSegment)
class TranscriptSegmentAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "task", "source", "text"]
    search_fields = ["text"]


@admin.register(DemandUpdate)
class DemandUpdateAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "task"]
