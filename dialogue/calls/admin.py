"""Admin of the call assistant: calls, segments, the reply-script library, its samples and model versions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from base.models import TrainingJob
from base.training_jobs import queue_training
from crm import tenancy
from crm.admin import RecordOnlyMixin
from dialogue.calls.models import Call, CallSegment, ReplyModelVersion, ReplySample, ReplyScript, ReplySuggestion
from dialogue.calls.script_library import activate_reply_version
from dialogue.calls.tasks import enqueue_reply_retraining
from intent.admin import ActivateVersionAction, RetrainNowMixin


class CallSegmentInline(RecordOnlyMixin, admin.TabularInline):
    model = CallSegment
    extra = 0
    fields = ["index", "start", "end", "speaker", "text", "emotion", "keywords", "sound"]
    readonly_fields = fields
    can_delete = False


@admin.register(Call)
class CallAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "customer", "salesperson", "source", "language", "duration", "status", "rtf"]
    list_filter = ["status", "source", "language"]
    search_fields = ["customer__name", "segments__text"]
    list_select_related = ["customer", "salesperson"]
    date_hierarchy = "created_at"
    inlines = [CallSegmentInline]


@admin.register(CallSegment)
class CallSegmentAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["call", "index", "start", "end", "speaker", "text", "emotion"]
    list_filter = ["emotion", "speaker"]
    search_fields = ["text"]
    list_select_related = ["call__customer"]


# --- Reply scripts (SPEC V6–V9) ---------------------------------------------------------------------------------------
@admin.register(ReplyScript)
class ReplyScriptAdmin(admin.ModelAdmin):
    """Managers write and edit the scripts; a new script is suggested by its kind, scene and category at once, and by
    the model after the next retraining has samples of it."""

    list_display = ["key", "text", "language", "kind", "scene", "category", "is_active", "updated_at"]
    list_filter = ["language", "kind", "scene", "is_active", "category"]
    list_editable = ["is_active"]
    search_fields = ["key", "text"]
    list_select_related = ["category"]


@admin.register(ReplySample)
class ReplySampleAdmin(admin.ModelAdmin):
    list_display = ["created_at", "text", "emotion", "scene", "category", "script", "source", "score"]
    list_filter = ["source", "emotion", "scene"]
    search_fields = ["text", "script__key"]
    list_select_related = ["script"]
    actions = ["retrain"]

    @admin.action(description=_("Retrain the reply model now (on the training queue)"))
    def retrain(self, request: HttpRequest, queryset) -> None:

        enqueue_reply_retraining()
        self.message_user(
            request, _("Retraining is queued; the new version appears under reply model versions."), messages.SUCCESS
        )


@admin.register(ReplyModelVersion)
class ReplyModelVersionAdmin(RetrainNowMixin, ActivateVersionAction, admin.ModelAdmin):
    activate_function = staticmethod(activate_reply_version)
    training_kind = TrainingJob.Kind.REPLY
    list_display = [
        "version",
        "is_active",
        "samples",
        "top1",
        "top3",
        "top1_without_emotion",
        "against_baselines",
        "created_at",
    ]
    readonly_fields = [f.name for f in ReplyModelVersion._meta.fields]
    actions = ["activate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def queue_retraining(self, request: HttpRequest) -> TrainingJob:
        """The reply model is product-wide; the job belongs to the organisation of whoever asked, who follows it."""
        return queue_training(
            TrainingJob.Kind.REPLY,
            "dialogue.calls.tasks.retrain_reply_model_task",
            organisation_id=tenancy.organisation_id_of(request.user),
            requested_by=request.user,
        )

    def _figure(self, version: ReplyModelVersion, part: str, name: str) -> str:
        value = (version.metrics.get(part) or {}).get(name)
        return "—" if value is None else f"{value:.3f}"

    @admin.display(description=_("held-out top-1"))
    def top1(self, version: ReplyModelVersion) -> str:
        return self._figure(version, "held_out", "top1")

    @admin.display(description=_("held-out top-3"))
    def top3(self, version: ReplyModelVersion) -> str:
        return self._figure(version, "held_out", "top3")

    @admin.display(description=_("top-1 without emotion"))
    def top1_without_emotion(self, version: ReplyModelVersion) -> str:
        return self._figure(version, "without_emotion", "top1")


@admin.register(ReplySuggestion)
class ReplySuggestionAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "call", "rank", "script", "score", "used_at", "rating", "sent_at"]
    list_filter = ["rank"]
    list_select_related = ["call__customer", "script"]
