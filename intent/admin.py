"""Admin for the intent engine's configuration and results (SPEC X1): level criteria and thresholds,
personality types with their trait database, communication types, greeting templates, assessments."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from intent.config import invalidate_config
from intent.models import (
    CommunicationType,
    GreetingTemplate,
    LevelCriterion,
    LevelThresholds,
    PersonalityAssessment,
    PersonalityTrait,
    PersonalityType,
    Portrait,
)


class ConfigAdmin(admin.ModelAdmin):
    """Configuration tables: a change takes effect at once in this process (others within 30 s)."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        invalidate_config()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        invalidate_config()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        invalidate_config()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        invalidate_config()


@admin.register(LevelCriterion)
class LevelCriterionAdmin(ConfigAdmin):
    list_display = ["name", "input", "min_value", "values", "points", "is_active"]
    list_editable = ["points", "is_active"]
    list_filter = ["input", "is_active"]
    search_fields = ["name"]


@admin.register(LevelThresholds)
class LevelThresholdsAdmin(ConfigAdmin):
    list_display = ["__str__", "high_net_worth_points", "general_points", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not LevelThresholds.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CommunicationType)
class CommunicationTypeAdmin(ConfigAdmin):
    list_display = ["name", "code", "guidance"]
    search_fields = ["name", "code"]


class PersonalityTraitInline(admin.TabularInline):
    model = PersonalityTrait
    extra = 0
    fields = ["feature", "value", "weight"]


@admin.register(PersonalityType)
class PersonalityTypeAdmin(ConfigAdmin):
    list_display = ["name", "code", "communication_type", "description"]
    inlines = [PersonalityTraitInline]


@admin.register(PersonalityTrait)
class PersonalityTraitAdmin(ConfigAdmin):
    list_display = ["feature", "value", "personality_type", "weight"]
    list_editable = ["weight"]
    list_filter = ["feature", "personality_type"]
    search_fields = ["value"]


@admin.register(GreetingTemplate)
class GreetingTemplateAdmin(ConfigAdmin):
    list_display = ["communication_type", "line_of_business", "category", "language", "short_text", "is_active"]
    list_filter = ["communication_type", "language", "line_of_business", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["text"]
    autocomplete_fields = ["category"]

    @admin.display(description=_("text"))
    def short_text(self, template: GreetingTemplate) -> str:
        return template.text[:60] + ("…" if len(template.text) > 60 else "")


@admin.register(PersonalityAssessment)
class PersonalityAssessmentAdmin(admin.ModelAdmin):
    list_display = ["customer", "personality_type", "confidence", "computed_at"]
    list_filter = ["personality_type"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "personality_type"]
    readonly_fields = ["customer", "personality_type", "confidence", "scores", "reasons", "computed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Portrait)
class PortraitAdmin(admin.ModelAdmin):
    list_display = ["customer", "level", "level_points", "uses_usage_data", "computed_at"]
    list_filter = ["level", "uses_usage_data"]
    search_fields = ["customer__name"]
    list_select_related = ["customer"]
    readonly_fields = [f.name for f in Portrait._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
