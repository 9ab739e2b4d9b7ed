"""Manager-editable configuration and results of the intent engine (SPEC S2–S7, X1).

Configuration (level criteria and thresholds, personality types and traits, communication types,
greeting templates) arrives with data migrations and is edited in the admin; the engine reads it through
``intent.config``. Results (personality assessments) are stored with the time they were computed.
"""

from __future__ import annotations

import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from base.model_files import ModelVersion
from crm.models import Customer, OrganisationOverride, ProductCategory, TenantOwned


class UserLevel(models.TextChoices):
    """S2: the three customer value groups."""

    HIGH_NET_WORTH = "high_net_worth", _("High net worth")
    GENERAL = "general", _("General value")
    POTENTIAL = "potential", _("Potential value")


class LevelCriterion(models.Model):
    """One scoring rule for the user level: when the input matches, the customer earns ``points``."""

    class Input(models.TextChoices):
        INCOME_BAND = "income_band", _("Monthly income band is one of")
        ONLINE_SPEND = "monthly_online_spend", _("Monthly online spend (¥) at least")
        JOB_TITLE = "job_title", _("Job title contains one of")
        FINANCIAL_ASSETS = "financial_assets", _("Financial assets (¥: deposits, stocks, funds, insurance) at least")
        TOTAL_ASSETS = "total_assets", _("Total assets (¥, all classes) at least")

    name = models.CharField(_("name"), max_length=100)
    input = models.CharField(_("input"), max_length=30, choices=Input.choices)
    min_value = models.DecimalField(
        _("minimum (¥)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("For spend and asset inputs."),
    )
    values = models.JSONField(
        _("values"),
        default=list,
        blank=True,
        help_text=_("For income bands: band codes (e.g. 50k-100k); for job titles: words to look for."),
    )
    points = models.PositiveSmallIntegerField(_("points"), validators=[MaxValueValidator(100)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("user-level criterion")
        verbose_name_plural = _("user-level criteria")
        ordering = ["-points", "name"]

    def __str__(self) -> str:
        return f"{self.name} (+{self.points})"

    def clean(self) -> None:
        numeric = {self.Input.ONLINE_SPEND, self.Input.FINANCIAL_ASSETS, self.Input.TOTAL_ASSETS}
        if self.input in numeric and self.min_value is None:
            raise ValidationError({"min_value": _("Give the minimum amount for this input.")})
        if self.input not in numeric:
            if not isinstance(self.values, list) or not self.values or not all(isinstance(v, str) for v in self.values):
                raise ValidationError({"values": _("Give a non-empty list of words or band codes.")})
            if self.input == self.Input.INCOME_BAND:
                unknown = sorted(set(self.values) - set(Customer.IncomeBand.values) - {""})
                if unknown:
                    raise ValidationError(
                        {"values": _("Unknown income bands: %(bands)s.") % {"bands": ", ".join(unknown)}}
                    )


class LevelThresholds(OrganisationOverride):
    """The points a customer needs for each level; one row, edited in the admin."""

    high_net_worth_points = models.PositiveSmallIntegerField(_("points for high net worth"), default=80)
    general_points = models.PositiveSmallIntegerField(_("points for general value"), default=25)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("user-level thresholds")
        verbose_name_plural = _("user-level thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(high_net_worth_points__gt=models.F("general_points")), name="level_thresholds_ordered"
            )
        ]

    def __str__(self) -> str:
        return str(
            _("High net worth ≥ %(h)d, general ≥ %(g)d") % {"h": self.high_net_worth_points, "g": self.general_points}
        )

    def clean(self) -> None:
        if self.high_net_worth_points <= self.general_points:
            raise ValidationError(_("High net worth needs more points than general value."))


class CommunicationType(models.Model):
    """S6: how to talk to a customer (parameter-focused, emotional resonance, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    guidance = models.TextField(_("guidance for staff"), blank=True)

    class Meta:
        verbose_name = _("communication type")
        verbose_name_plural = _("communication types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PersonalityType(models.Model):
    """S5/S6: a preset personality type (the four social styles) and the communication type that suits it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    communication_type = models.ForeignKey(
        CommunicationType,
        verbose_name=_("communication type"),
        on_delete=models.PROTECT,
        related_name="personality_types",
    )

    class Meta:
        verbose_name = _("personality type")
        verbose_name_plural = _("personality types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PersonalityTrait(models.Model):
    """The preset personality database: a profile feature that points towards a personality type."""

    class Feature(models.TextChoices):
        MBTI_LETTER = "mbti_letter", _("MBTI letter (E, I, S, N, T, F, J, P)")
        MBTI_TYPE = "mbti_type", _("MBTI type (e.g. ENTJ)")
        CONSTELLATION = "constellation", _("Constellation (e.g. aries)")
        HOBBY = "hobby", _("Hobby contains")
        JOB_TITLE = "job_title", _("Job title contains")

    feature = models.CharField(_("feature"), max_length=20, choices=Feature.choices)
    value = models.CharField(_("value"), max_length=50)
    personality_type = models.ForeignKey(
        PersonalityType, verbose_name=_("points to"), on_delete=models.CASCADE, related_name="traits"
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )

    class Meta:
        verbose_name = _("personality trait")
        verbose_name_plural = _("personality traits")
        ordering = ["feature", "value"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "value", "personality_type"], name="trait_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_feature_display()} = {self.value} → {self.personality_type} ×{self.weight}"


class GreetingTemplate(OrganisationOverride):
    """S7: a greeting for a communication type, product category (or line of business) and language."""

    PLACEHOLDERS = ("customer", "product", "category", "design", "colour", "size", "price", "salesperson")

    class Language(models.TextChoices):
        MANDARIN = "zh-hans", _("Mandarin (Simplified Chinese)")
        CANTONESE = "yue", _("Cantonese")
        ENGLISH = "en", _("English")

    communication_type = models.ForeignKey(
        CommunicationType, verbose_name=_("communication type"), on_delete=models.CASCADE, related_name="greetings"
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="greetings",
        help_text=_("Empty: any category of the line of business below."),
    )
    line_of_business = models.CharField(
        _("line of business"),
        max_length=20,
        choices=ProductCategory.LineOfBusiness.choices,
        blank=True,
        help_text=_("Empty with no category: any product."),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    text = models.TextField(
        _("text"),
        help_text=_("Placeholders: {customer} {product} {category} {design} {colour} {size} {price} {salesperson}."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("greeting template")
        verbose_name_plural = _("greeting templates")
        ordering = ["communication_type", "language", "line_of_business", "category"]
        indexes = [models.Index(fields=["communication_type", "language", "is_active"], name="greeting_lookup")]

    def __str__(self) -> str:
        scope = self.category or self.get_line_of_business_display() or _("any product")
        return f"{self.communication_type} · {scope} · {self.language}"

    def clean(self) -> None:
        problem = template_problem(self.text, self.PLACEHOLDERS)
        if problem:
            raise ValidationError({"text": problem})
        if self.category_id and self.line_of_business and self.category.line_of_business != self.line_of_business:
            raise ValidationError({"line_of_business": _("The category belongs to another line of business.")})


def template_problem(text: str, allowed: tuple[str, ...]) -> str | None:
    """Why ``text`` is not a usable template (unknown or complex placeholders, broken braces), or None."""
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return str(_("The braces do not pair up: %(error)s.") % {"error": exc})
    for name in fields:
        if name not in allowed:
            return str(
                _("Unknown placeholder {%(name)s}; use %(allowed)s.")
                % {"name": name, "allowed": " ".join(f"{{{a}}}" for a in allowed)}
            )
    return None


class PersonalityAssessment(models.Model):
    """S5: a customer's personality type as assessed at one time, with how it was decided."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="personality_assessments"
    )
    personality_type = models.ForeignKey(
        PersonalityType, verbose_name=_("personality type"), on_delete=models.PROTECT, related_name="+"
    )

    class Method(models.TextChoices):
        PRESET = "preset", _("Preset personality database")
        COMBINED = "combined", _("Preset database combined with the trained model")

    confidence = models.FloatField(_("confidence"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.PRESET)
    scores = models.JSONField(_("preset scores by type"), default=dict)
    model_probabilities = models.JSONField(_("trained model probabilities"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personality assessment")
        verbose_name_plural = _("personality assessments")
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["customer", "-computed_at"], name="personality_latest")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.personality_type} ({self.confidence:.0%})"


class Portrait(models.Model):
    """S3: a customer's portrait as computed at one time, grouped into the preset categories.

    Each group is a list of ``{"label": …, "value": …, "source": …}`` items that people read in the
    sidebar and on the watch. ``uses_usage_data`` says whether usage data (under consent) went in.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="portraits"
    )
    level = models.CharField(_("user level"), max_length=20, choices=UserLevel.choices)
    level_points = models.PositiveSmallIntegerField(_("level points"))
    level_reasons = models.JSONField(_("level reasons"), default=list)
    attributes = models.JSONField(_("attributes"), default=list)
    preferences = models.JSONField(_("preferences"), default=list)
    consumption_scenes = models.JSONField(_("consumption scenes"), default=list)
    uses_usage_data = models.BooleanField(_("uses usage data"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["customer", "-computed_at"], name="portrait_latest")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_level_display()} · {self.computed_at:%Y-%m-%d %H:%M}"


class IntentModelVersion(TenantOwned, ModelVersion):
    """A trained IntentNet saved under MODEL_DIR, with its metrics: each organisation trains on its own catalogue and
    history, and one version per organisation is active at a time (issue 19)."""

    config = models.JSONField(_("network configuration"), default=dict)

    class Meta(ModelVersion.Meta):
        verbose_name = _("intent model version")
        verbose_name_plural = _("intent model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "is_active"], condition=Q(is_active=True), name="one_active_intent_model"
            )
        ]


class IntentPrediction(models.Model):
    """S4 result for one customer: up to three distinct intended products with probabilities and the
    association that produced each, or a fallback ranking for cold-start customers."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="intent_predictions"
    )
    model_version = models.ForeignKey(
        IntentModelVersion,
        verbose_name=_("model version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predictions",
    )
    intents = models.JSONField(
        _("intended products"),
        default=list,
        help_text=_("Ranked list of {product_id, product, probability, association}."),
    )
    is_fallback = models.BooleanField(_("fallback ranking"), default=False)
    reasons = models.JSONField(_("reasons"), default=list)
    created_at = models.DateTimeField(_("predicted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intent prediction")
        verbose_name_plural = _("intent predictions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="intent_latest")]

    def __str__(self) -> str:
        names = " / ".join(str(i.get("product", "?")) for i in self.intents)
        return f"{self.customer}: {names}"


class IntentFeedback(models.Model):
    """X2: a signal about one product for one customer, from any feedback loop (S12, V9, B8, staff).

    Rejections push the product down for that customer at once; every signal also waits here as a
    training example until a retraining consumes it.
    """

    class Signal(models.TextChoices):
        REJECTED = "rejected", _("Rejected")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        INTERESTED = "interested", _("Interested")
        PURCHASED = "purchased", _("Purchased")

    class Source(models.TextChoices):
        CARD = "card", _("Smart card conversation")
        CALL = "call", _("Call assistant")
        BRANCH = "branch", _("Branch task")
        STAFF = "staff", _("Staff")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="intent_feedback"
    )
    product = models.ForeignKey(
        "crm.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="intent_feedback"
    )
    signal = models.CharField(_("signal"), max_length=20, choices=Signal.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    used_by = models.ForeignKey(
        IntentModelVersion,
        verbose_name=_("used in training of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )

    class Meta:
        verbose_name = _("intent feedback")
        verbose_name_plural = _("intent feedback")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "signal", "-created_at"], name="feedback_by_customer"),
            models.Index(fields=["used_by"], name="feedback_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.product} · {self.get_signal_display()}"
