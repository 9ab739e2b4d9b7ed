"""Admin of the conversation engine (SPEC X1, S11–S16): word lists with CSV import and export, the audited
scoring settings, answer templates, FAQs, emotion-model versions and a conversation browser that shows each
message with its emotion, satisfaction K and deal rate P."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from crm import tenancy
from crm.admin_scoping import has_own_row
from dialogue.config import invalidate_config
from dialogue.emotion_store import activate_version
from dialogue.knowledge import invalidate_knowledge_base
from dialogue.models import (
    FAQ,
    AnswerTemplate,
    Conversation,
    EmotionModelVersion,
    HandOff,
    Message,
    ScoringSettings,
    ScoringSettingsChange,
    TerminalPresence,
    WordEntry,
)
from dialogue.word_lists import export_csv, import_csv
from intent.admin import ActivateVersionAction
from intent.admin import ConfigAdmin as IntentConfigAdmin


class ConfigAdmin(IntentConfigAdmin):
    """The engine's configuration tables: word lists and settings, templates, and the knowledge base."""

    invalidators = (invalidate_config, invalidate_knowledge_base)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (kind,language,word,label,weight)"))


@admin.register(WordEntry)
class WordEntryAdmin(ConfigAdmin):
    list_display = ["word", "kind", "language", "label", "weight", "is_active", "updated_at"]
    list_editable = ["is_active"]
    list_filter = ["kind", "language", "is_active", "label"]
    search_fields = ["word"]
    actions = ["export_selected"]
    change_list_template = "admin/dialogue/wordentry/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="dialogue_wordentry_import"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Export the selected entries as CSV"))
    def export_selected(self, request: HttpRequest, queryset) -> HttpResponse:
        response = HttpResponse(export_csv(queryset.order_by("kind", "language", "word")), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="word-lists.csv"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:dialogue_wordentry_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            # A manager imports into their organisation's own lists; only an operator above every organisation
            # (a superuser without one) changes the product-wide lists (issue 19).
            report = import_csv(form.cleaned_data["file"].read(), tenancy.organisation_id_of(request.user))
            if report.ok:
                self.message_user(
                    request,
                    _("Imported: %(created)d new, %(updated)d updated.")
                    % {"created": report.created, "updated": report.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:dialogue_wordentry_changelist")
            errors = report.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors[:50],
            "more_errors": max(0, len(errors) - 50),
            "title": _("Import word lists"),
        }
        return render(request, "admin/dialogue/wordentry/import.html", context)


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(ConfigAdmin):
    list_display = [
        "__str__",
        "alpha",
        "beta",
        "gamma",
        "satisfaction_threshold",
        "deal_rate_threshold",
        "lexicon_weight",
        "model_weight",
        "call_keyword_weight",
        "call_voice_weight",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["updated_at", "updated_by", "history"]
    fieldsets = [
        (_("Satisfaction (S12)"), {"fields": ["alpha", "beta", "satisfaction_threshold"]}),
        (_("Deal rate (S14)"), {"fields": ["gamma", "deal_rate_threshold"]}),
        (_("Emotion in the chat (S11)"), {"fields": ["lexicon_weight", "model_weight"]}),
        (_("Emotion in calls (V5)"), {"fields": ["call_keyword_weight", "call_voice_weight"]}),
        (_("Answers"), {"fields": ["answer_min_confidence"]}),
        (
            _("Hand-off"),
            {"fields": ["handoff_after_misses", "handoff_accept_seconds", "salesperson_silence_seconds"]},
        ),
        (
            _("Feedback and live analysis (V9, B7)"),
            {"fields": ["feedback_score_threshold", "analysis_interval_seconds"]},
        ),
        (_("Audit"), {"fields": ["updated_at", "updated_by", "history"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row per organisation (and the product-wide default): a manager adds their organisation's once.
        return super().has_add_permission(request) and not has_own_row(ScoringSettings, request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("changes"))
    def history(self, record: ScoringSettings) -> str:
        # The changes of this row's organisation (the product-wide row's: by superusers above every organisation).
        changes = ScoringSettingsChange.objects.filter(changed_by__organisation=record.organisation_id)
        changes = changes.select_related("changed_by")[:20]
        return (
            "\n".join(
                f"{c.changed_at:%Y-%m-%d %H:%M} {c.changed_by or '—'}: {c.field} {c.old_value} → {c.new_value}"
                for c in changes
            )
            or "—"
        )

    def save_model(self, request, obj, form, change) -> None:
        with transaction.atomic():
            before = ScoringSettings.objects.filter(pk=obj.pk).first() if change else None
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
            for name in ScoringSettings.AUDITED_FIELDS:
                old = getattr(before, name) if before else ""
                new = getattr(obj, name)
                if before is None or old != new:
                    ScoringSettingsChange.objects.create(
                        changed_by=request.user, field=name, old_value=str(old), new_value=str(new)
                    )


@admin.register(ScoringSettingsChange)
class ScoringSettingsChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "changed_by", "field", "old_value", "new_value"]
    list_filter = ["field"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(ConfigAdmin):
    list_display = ["text", "situation", "emotion", "language", "is_active"]
    list_filter = ["language", "situation", "emotion", "is_active"]
    search_fields = ["text"]


@admin.register(FAQ)
class FAQAdmin(ConfigAdmin):
    list_display = ["question", "product", "category", "language", "popularity", "is_active"]
    list_filter = ["language", "is_active", "category"]
    search_fields = ["question", "answer"]
    autocomplete_fields = ["product", "category"]


@admin.register(EmotionModelVersion)
class EmotionModelVersionAdmin(ActivateVersionAction, admin.ModelAdmin):
    activate_function = staticmethod(activate_version)
    list_display = [
        "version",
        "is_active",
        "binary_accuracy",
        "six_class_macro_f1",
        "against_baselines",
        "created_at",
    ]
    readonly_fields = ["version", "path", "sha256", "metrics", "verdict", "training", "is_active", "created_at"]
    actions = ["activate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("binary accuracy"))
    def binary_accuracy(self, version: EmotionModelVersion) -> str:
        value = ((version.metrics.get("binary") or {}).get("model") or {}).get("accuracy")
        return "—" if value is None else f"{value:.3f}"

    @admin.display(description=_("six-class macro-F1"))
    def six_class_macro_f1(self, version: EmotionModelVersion) -> str:
        value = (version.metrics.get("six_class_smp2020_usual") or {}).get("macro_f1")
        return "—" if value is None else f"{value:.3f}"


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "sender", "text", "emotion", "satisfaction", "deal_rate", "situation", "reasons", "actions"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class HandOffInline(admin.TabularInline):
    model = HandOff
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "detail", "status", "accepted_by", "deliveries"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "customer", "salesperson", "product", "channel", "state", "updated_at"]
    list_filter = ["state", "channel", "language"]
    search_fields = ["customer__name", "messages__text"]
    list_select_related = ["customer", "salesperson", "product"]
    fields = ["customer", "salesperson", "product", "channel", "language", "state", "greeting", "started_at"]
    readonly_fields = fields  # states change through the hand-off state machine, not by hand
    inlines = [MessageInline, HandOffInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


@admin.register(HandOff)
class HandOffAdmin(admin.ModelAdmin):
    list_display = ["conversation", "reason", "status", "assignee", "created_at", "accepted_by"]
    list_filter = ["reason", "status"]
    readonly_fields = [
        "conversation",
        "reason",
        "detail",
        "status",
        "assignee",
        "offered_at",
        "escalations",
        "push_message",
        "deliveries",
        "created_at",
        "accepted_by",
        "accepted_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Every analysed message, filterable by emotion and situation (read-only: messages are a record)."""

    list_display = ["created_at", "conversation", "sender", "text", "emotion", "satisfaction", "deal_rate", "situation"]
    list_filter = ["sender", "emotion", "situation", "language"]
    search_fields = ["text"]
    list_select_related = ["conversation__customer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- Calls (V1–V2) -------------------------------------------------------------------------------------------------


@admin.register(TerminalPresence)
class TerminalPresenceAdmin(admin.ModelAdmin):
    """Who is online in the sales terminal now (hand-off e-mail and SMS wait for those who are not); read-only."""

    list_display = ["user", "seen_at", "channel_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "seen_at", "channel_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TerminalPresence | None = None) -> bool:
        return False
