"""Data of the call assistant (SPEC V1–V9): recorded calls and their segments, the reply-script library with its
training samples and target-model versions, and the suggestions made during calls.

The tables kept their names when these models moved here from the ``dialogue`` app (``db_table``), so an existing
database upgrades in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from base.model_files import ModelVersion
from crm.models import Customer, OrganisationOverride, ProductCategory
from dialogue.models import Emotion, Language, Situation

# --- Reply scripts and their target model (SPEC V6–V9) -------------------------------------------------------------
SCENE_CHOICES = [
    ("opening", _("Opening")),
    ("pre_sale", _("Pre-sale")),
    ("objection", _("Objection")),
    ("after_sale", _("After-sale")),
    ("closing", _("Closing")),
    ("general", _("General")),
]


class Call(models.Model):
    """A recorded sales call (V1): the recording, its transcription's progress and outcome."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRANSCRIBING = "transcribing", _("Transcribing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded recording")
        LIVE = "live", _("Live capture")
        BRANCH = "branch", _("Branch conversation")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="calls")
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.UPLOAD)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    recording = models.FileField(_("recording"), upload_to="calls/%Y/%m/")
    audio_format = models.CharField(_("format"), max_length=10, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    progress = models.FloatField(_("progress"), default=0.0, help_text=_("Share of the audio transcribed, 0 to 1."))
    error = models.CharField(_("error"), max_length=300, blank=True)
    rtf = models.FloatField(_("real-time factor"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, blank=True, choices=[("deal", _("Deal")), ("no_deal", _("No deal"))],
        help_text=_("V9: a deal turns the replies used in the call into training samples."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    transcribed_at = models.DateTimeField(_("transcribed at"), null=True, blank=True)

    class Meta:
        db_table = "dialogue_call"  # the table kept its name when the model moved here
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="call_customer_recent")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.created_at:%Y-%m-%d %H:%M}"


class Speaker(models.TextChoices):
    """Who said a segment (``dialogue.speech.speakers``): suggestions follow only the customer's sentences."""

    SALESPERSON = "salesperson", _("Salesperson")
    CUSTOMER = "customer", _("Customer")
    UNKNOWN = "", _("Not separated")


class CallSegment(models.Model):
    """One pause-bounded stretch of a call's speech (V2) with its sound information and first emotion (V3)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField(_("index"))
    start = models.FloatField(_("start (s)"))
    end = models.FloatField(_("end (s)"))
    text = models.TextField(_("text"))
    emotion = models.CharField(
        _("emotion"), max_length=10, choices=Emotion.choices, help_text=_("First and second fused.")
    )
    emotion_scores = models.JSONField(_("emotion scores"), default=dict)
    first_emotion = models.CharField(_("first emotion"), max_length=10, choices=Emotion.choices)
    second_scores = models.JSONField(_("second emotion scores"), default=dict, blank=True)
    keywords = models.JSONField(_("emotion keywords"), default=list)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices, default=Situation.GENERAL)
    scene = models.CharField(_("scene"), max_length=12, default="general")
    relation = models.CharField(_("relation to the previous segment"), max_length=10, default="statement")
    sound = models.JSONField(_("sound information"), default=dict)
    speaker = models.CharField(
        _("speaker"), max_length=12, choices=Speaker.choices, default=Speaker.UNKNOWN, blank=True
    )

    class Meta:
        db_table = "dialogue_callsegment"  # the table kept its name when the model moved here
        verbose_name = _("call segment")
        verbose_name_plural = _("call segments")
        ordering = ["call", "index"]
        constraints = [models.UniqueConstraint(fields=["call", "index"], name="call_segment_once")]

    def __str__(self) -> str:
        return f"{self.call} · {self.start:.1f}s {self.text[:30]}"


class ReplyScript(OrganisationOverride):
    """A reply the salesperson can say (V6): written and edited by managers in the admin. Its kind says what the
    reply does (``dialogue.calls.reply_kinds``), which decides when it fits: an apology with a remedy after a
    complaint, the next step after interest, a brief callback offer when the customer is busy."""

    class Kind(models.TextChoices):
        APOLOGY_REMEDY = "apology_remedy", _("Apology and a remedy")
        REMEDY = "remedy", _("After-sale remedy")
        NEXT_STEP = "next_step", _("Next step (visit, appointment, quote)")
        CALLBACK_OFFER = "callback_offer", _("Brief callback offer")
        OBJECTION_PRICE = "objection_price", _("Price objection")
        OBJECTION_OTHER = "objection_other", _("Other objection or hesitation")
        ANSWER_INFO = "answer_info", _("Answer or information")
        NEEDS_DISCOVERY = "needs_discovery", _("Ask about needs")
        CLOSING = "closing", _("Closing the sale")
        GOODBYE = "goodbye", _("Goodbye")
        DO_NOT_DISTURB = "do_not_disturb", _("Apologise and stop calling")
        OPENING = "opening", _("Opening")
        REASSURE = "reassure", _("Reassurance")
        RAPPORT = "rapport", _("Small talk back")
        EMPATHY = "empathy", _("Empathy")
        CLARIFY = "clarify", _("Say it again, more simply")
        ESCALATE = "escalate", _("Bring in a manager")
        NONE = "", _("Not set")

    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NONE, blank=True)
    text = models.TextField(_("text"), max_length=400)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    scene = models.CharField(_("scene"), max_length=12, choices=SCENE_CHOICES, default="general")
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty: for every product."),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "dialogue_replyscript"  # the table kept its name when the model moved here
        verbose_name = _("reply script")
        verbose_name_plural = _("reply scripts")
        ordering = ["language", "scene", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(organisation__isnull=True), name="reply_script_key"),
            models.UniqueConstraint(fields=["organisation", "key"], name="reply_script_key_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:40]}"


class ReplySample(models.Model):
    """One training sample of the target model (V6, V9): what the customer said, how, in which scene → the script
    that was used. Seed samples ship with the project; feedback above the threshold adds more."""

    class Source(models.TextChoices):
        SEED = "seed", _("Shipped history")
        FEEDBACK = "feedback", _("Salesperson's feedback")
        OUTCOME = "outcome", _("Call outcome")

    script = models.ForeignKey(ReplyScript, verbose_name=_("script"), on_delete=models.CASCADE, related_name="samples")
    text = models.TextField(_("customer's words"))
    context = models.JSONField(_("previous sentences"), default=list, blank=True)
    emotion = models.CharField(_("emotion"), max_length=10, choices=Emotion.choices, default=Emotion.CALM)
    scene = models.CharField(_("scene"), max_length=12, choices=SCENE_CHOICES, default="general")
    category = models.CharField(_("product category code"), max_length=50, blank=True)
    sound = models.JSONField(_("sound information"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SEED)
    score = models.PositiveSmallIntegerField(_("feedback score"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        db_table = "dialogue_replysample"  # the table kept its name when the model moved here
        verbose_name = _("reply training sample")
        verbose_name_plural = _("reply training samples")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.text[:30]} → {self.script.key}"


class ReplyModelVersion(ModelVersion):
    """A trained target model (V6) saved under MODEL_DIR; one version is active at a time."""

    samples = models.PositiveIntegerField(_("training samples"), default=0)

    class Meta(ModelVersion.Meta):
        db_table = "dialogue_replymodelversion"  # the table kept its name when the model moved here
        verbose_name = _("reply model version")
        verbose_name_plural = _("reply model versions")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_reply_model")
        ]


class ReplySuggestion(models.Model):
    """A script suggested after a segment of a call (V7), and what the salesperson made of it (V8, V9)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="suggestions")
    segment = models.ForeignKey(
        CallSegment, verbose_name=_("after segment"), on_delete=models.CASCADE, related_name="suggestions"
    )
    script = models.ForeignKey(ReplyScript, verbose_name=_("script"), on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to the customer at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (0–100)"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    sample = models.OneToOneField(
        ReplySample, verbose_name=_("training sample"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        db_table = "dialogue_replysuggestion"  # the table kept its name when the model moved here
        verbose_name = _("reply suggestion")
        verbose_name_plural = _("reply suggestions")
        ordering = ["segment__index", "rank"]
        constraints = [models.UniqueConstraint(fields=["segment", "rank"], name="one_suggestion_per_rank")]

    def __str__(self) -> str:
        return f"{self.segment} #{self.rank} {self.script.key}"
