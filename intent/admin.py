"""Admin for the intent engine's configuration and results (SPEC X1): level criteria and thresholds,
personality types with their trait database, communication types, greeting templates, assessments."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from base.model_files import ModelFileError
from base.model_gate import Verdict
from base.models import TrainingJob
from base.training_jobs import TrainingUnderWayError, latest_jobs, queue_training
from base.verdict_labels import baseline_label, metric_label, split_label, verdict_summary
from crm import tenancy
from crm.admin_scoping import visible_rows
from crm.models import Organisation
from intent.config import invalidate_config
from intent.feedback import waiting_examples
from intent.model_store import activate_version, engine_status
from intent.models import (
    CommunicationType,
    GreetingTemplate,
    IntentFeedback,
    IntentModelVersion,
    IntentPrediction,
    LevelCriterion,
    LevelThresholds,
    PersonalityAssessment,
    PersonalityTrait,
    PersonalityType,
    Portrait,
)


class ConfigAdmin(admin.ModelAdmin):
    """Configuration tables: a change takes effect at once in this process (others within 30 s).
    ``invalidators`` drop the cached copies built from these tables; other apps' configuration admins reuse
    this class with their own."""

    invalidators: tuple[Callable[[], None], ...] = (invalidate_config,)

    def _invalidate(self) -> None:
        for invalidate in self.invalidators:
            invalidate()

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._invalidate()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._invalidate()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        self._invalidate()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        self._invalidate()


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
    list_display = ["customer", "personality_type", "confidence", "method", "computed_at"]
    list_filter = ["personality_type", "method"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "personality_type"]
    readonly_fields = [f.name for f in PersonalityAssessment._meta.fields]

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


class ActivateVersionAction:
    """The admin action that activates one model version (or rolls back to it); ``activate_function`` checks
    the file and refuses a bad one with a message. Shared by every model kept as files with version rows.

    It also shows each version's held-out figure beside its baselines' (issue 20) and refuses to activate a version
    whose verdict says a baseline does better: a model worse than its baseline never serves."""

    activate_function: Callable = staticmethod(activate_version)

    @admin.action(description=_("Activate the selected version (also used to roll back)"))
    def activate(self, request: HttpRequest, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to activate."), messages.ERROR)
            return
        version = queryset.get()
        verdict = Verdict.from_dict(version.verdict)
        if verdict is not None and not verdict.passed:
            baseline, value = verdict.best_baseline
            self.message_user(
                request,
                _(
                    "Version %(v)s is not activated: its %(metric)s on %(split)s, %(candidate).3f, is worse than "
                    "%(baseline)s (%(value).3f), which serves instead."
                )
                % {
                    "v": version.version,
                    "metric": metric_label(verdict.metric),
                    "split": split_label(verdict.split),
                    "candidate": verdict.candidate,
                    "baseline": baseline_label(baseline),
                    "value": value,
                },
                messages.ERROR,
            )
            return
        try:
            version = self.activate_function(version)
        except ModelFileError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("Version %(v)s is now active.") % {"v": version.version}, messages.SUCCESS)

    @admin.display(description=_("against its baselines"))
    def against_baselines(self, version) -> str:
        verdict = Verdict.from_dict(version.verdict)
        if verdict is None:
            return "—"
        return verdict_summary(verdict)


class RetrainNowMixin:
    """A "Retrain now" button on a model versions list (issue 21 item 3): it queues the app's retraining task in the
    background (``base.training_jobs``) and the list shows the latest jobs with their progress, the version each made
    or the error it failed with. Only staff who may change the versions may start one; each sees only the jobs of
    their own organisation. Subclasses say which kind of job and how to queue it (``queue_retraining``)."""

    training_kind: str
    change_list_template = "admin/retrain_change_list.html"

    def queue_retraining(self, request: HttpRequest) -> TrainingJob:
        raise NotImplementedError

    def retrain_organisations(self, request: HttpRequest) -> list[Organisation]:
        """Organisations to choose from when starting a training (none: the request decides alone)."""
        return []

    def get_urls(self):  # noqa: ANN201
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_retrain"
        return [path("retrain/", self.admin_site.admin_view(self.retrain_view), name=name), *super().get_urls()]

    def retrain_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        back = HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        try:
            job = self.queue_retraining(request)
        except TrainingUnderWayError as under_way:
            self.message_user(
                request,
                _("A training of the %(model)s is %(status)s already; its progress shows below.")
                % {"model": under_way.job.get_kind_display(), "status": under_way.job.get_status_display()},
                messages.WARNING,
            )
            return back
        self.message_user(
            request,
            _("Training of the %(model)s is queued; its progress shows below.") % {"model": job.get_kind_display()},
            messages.SUCCESS,
        )
        return back

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # noqa: ANN201
        opts = self.model._meta
        jobs = latest_jobs(visible_rows(TrainingJob.objects.all(), request), self.training_kind)
        extra_context = {
            **(extra_context or {}),
            "training_jobs": jobs,
            "training_running": any(job.is_under_way for job in jobs),
            "may_retrain": self.has_change_permission(request),
            "retrain_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_retrain"),
            "retrain_organisations": self.retrain_organisations(request),
        }
        return super().changelist_view(request, extra_context)


@admin.register(IntentModelVersion)
class IntentModelVersionAdmin(RetrainNowMixin, ActivateVersionAction, admin.ModelAdmin):
    list_display = ["version", "is_active", "created_at", "hr_at_1", "hr_at_3", "ndcg_at_3", "mrr", "against_baselines"]
    readonly_fields = [f.name for f in IntentModelVersion._meta.fields]
    actions = ["activate"]
    training_kind = TrainingJob.Kind.INTENT

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def queue_retraining(self, request: HttpRequest) -> TrainingJob:
        """A manager retrains their own organisation; a superuser above every organisation picks one."""
        organisation_id = tenancy.organisation_id_of(request.user)
        if tenancy.sees_every_organisation(request.user):
            picked = request.POST.get("organisation", "")
            chosen = Organisation.objects.filter(pk=int(picked)).first() if picked.isdigit() else None
            organisation_id = (chosen or Organisation.default()).pk
        return queue_training(
            TrainingJob.Kind.INTENT,
            "intent.tasks.retrain_intent_task",
            organisation_id,
            organisation_id=organisation_id,
            requested_by=request.user,
        )

    def retrain_organisations(self, request: HttpRequest) -> list[Organisation]:
        if tenancy.sees_every_organisation(request.user):
            return list(Organisation.objects.order_by("name"))
        return []

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # noqa: ANN201
        # Which model ranks each organisation's customers, or that it is still on the cold-start ranking (issue 19).
        organisations = Organisation.objects.order_by("name")
        if not tenancy.sees_every_organisation(request.user):
            organisations = organisations.filter(pk=request.user.organisation_id)
        for organisation in organisations:
            status = engine_status(organisation)
            self.message_user(request, status.describe(), messages.WARNING if status.cold_start else messages.INFO)
        return super().changelist_view(request, extra_context)

    def _metric(self, version: IntentModelVersion, name: str) -> str:
        value = (version.metrics.get("intentnet") or {}).get(name)
        return "—" if value is None else f"{value:.3f}"

    @admin.display(description="HR@1")
    def hr_at_1(self, version: IntentModelVersion) -> str:
        return self._metric(version, "hr@1")

    @admin.display(description="HR@3")
    def hr_at_3(self, version: IntentModelVersion) -> str:
        return self._metric(version, "hr@3")

    @admin.display(description="NDCG@3")
    def ndcg_at_3(self, version: IntentModelVersion) -> str:
        return self._metric(version, "ndcg@3")

    @admin.display(description="MRR")
    def mrr(self, version: IntentModelVersion) -> str:
        return self._metric(version, "mrr")


@admin.register(IntentPrediction)
class IntentPredictionAdmin(admin.ModelAdmin):
    list_display = ["customer", "__str__", "is_fallback", "model_version", "created_at"]
    list_filter = ["is_fallback", "model_version"]
    search_fields = ["customer__name"]
    list_select_related = ["customer", "model_version"]
    readonly_fields = [f.name for f in IntentPrediction._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IntentFeedback)
class IntentFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "customer", "product", "signal", "source", "used_by"]
    list_filter = ["signal", "source", ("used_by", admin.EmptyFieldListFilter)]
    search_fields = ["customer__name", "product__name", "note"]
    list_select_related = ["customer", "product", "used_by"]
    autocomplete_fields = ["customer", "product"]
    readonly_fields = ["used_by", "created_at"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        waiting = waiting_examples()
        self.message_user(
            request, _("%(n)d feedback examples are waiting for the next retraining.") % {"n": waiting}, messages.INFO
        )
        return super().changelist_view(request, extra_context)
