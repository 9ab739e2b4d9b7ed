"""Data of the conversation engine (SPEC S11–S16, X1): word lists, scoring settings, the knowledge base
(FAQs and answer templates), emotion-model versions, conversations, their analysed messages and hand-offs.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from base.model_files import ModelVersion
from crm.models import Customer, OrganisationOverride, Product, ProductCategory, TenantOwned

EMOTIONS = ("excited", "joyful", "angry", "calm", "low", "lost")


class Emotion(models.TextChoices):
    """The six emotions of SPEC S11."""

    EXCITED = "excited", _("Excited")
    JOYFUL = "joyful", _("Joyful")
    ANGRY = "angry", _("Angry")
    CALM = "calm", _("Calm")
    LOW = "low", _("Low")
    LOST = "lost", _("Lost")


Language = Customer.Language  # word lists, templates and FAQs are written in the customers' languages


class Reason(models.TextChoices):
    """Why a customer is dissatisfied (S12): the aspect codes of the ``aspect`` word list."""

    PRICE = "price", _("Price")
    QUALITY = "quality", _("Quality")
    SIZE = "size", _("Size")
    DESIGN = "design", _("Design")
    COLOUR = "colour", _("Colour")
    SERVICE = "service", _("Service")
    DELIVERY = "delivery", _("Delivery")
    RETURN = "return", _("Return / interest rate")
    RISK = "risk", _("Risk")
    TERMS = "terms", _("Terms")
    PROCESS = "process", _("Procedure")
    COMFORT = "comfort", _("Comfort")


class Situation(models.TextChoices):
    """What a reply is about, which picks the answer template (S11)."""

    GREETING = "greeting", _("Greeting")
    THANKS = "thanks", _("Thanks")
    PRICE_QUESTION = "price_question", _("Price question")
    PRICE_OBJECTION = "price_objection", _("Price objection")
    SPEC_QUESTION = "spec_question", _("Specification question")
    COMPARISON = "comparison", _("Comparison")
    COMPLAINT = "complaint", _("Complaint")
    PURCHASE = "purchase", _("Ready to buy")
    GENERAL = "general", _("Other question")
    HUMAN = "human", _("Asks for a person")
    HANDOFF = "handoff", _("Hand-off to the salesperson")
    COMPANY = "company", _("Question about the company")
    DISCOUNT = "discount", _("Question about discounts")
    CLARIFY = "clarify", _("Asks what the customer means")
    ACKNOWLEDGE = "acknowledge", _("Tells the customer who is coming")


class WordEntry(OrganisationOverride):
    """One entry of a manager-editable word list (X1). ``label`` and ``weight`` mean what the kind says."""

    class Kind(models.TextChoices):
        POSITIVE = "positive", _("Positive (satisfaction A)")
        NEGATIVE = "negative", _("Negative (satisfaction B)")
        PURCHASE_INTENT = "purchase_intent", _("Purchase intent (deal rate C)")
        EXCITED = "excited", _("Excited (S15 first preset words)")
        DISSATISFIED = "dissatisfied", _("Dissatisfied (S15 second preset words)")
        EMOTION_KEYWORD = "emotion_keyword", _("Keyword → emotion")
        REJECT = "reject", _("Reject keyword")
        INTEREST = "interest", _("Interest keyword")
        ASPECT = "aspect", _("Aspect → reason")
        SITUATION = "situation", _("Cue → situation")
        NEGATOR = "negator", _("Negation word")
        DEGREE = "degree", _("Degree word")
        NEUTRAL = "neutral", _("Neutral (nothing inside it counts)")

    LABELLED_KINDS = {Kind.EMOTION_KEYWORD: Emotion, Kind.ASPECT: Reason, Kind.SITUATION: Situation}

    kind = models.CharField(_("list"), max_length=20, choices=Kind.choices, db_index=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    word = models.CharField(_("word or phrase"), max_length=40)
    label = models.CharField(
        _("label"), max_length=20, blank=True, help_text=_("The emotion, reason or situation the word stands for.")
    )
    weight = models.FloatField(
        _("weight"), default=1.0, help_text=_("For degree words the multiplier (0.1–5); otherwise how much it counts.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("word-list entry")
        verbose_name_plural = _("word lists")
        ordering = ["kind", "language", "word"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "word"], condition=Q(organisation__isnull=True), name="unique_word_per_list"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "language", "word"], name="unique_word_per_organisation_list"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=5), name="word_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.word}"

    def clean(self) -> None:
        self.word = (self.word or "").strip()
        if self.language == Language.ENGLISH:
            self.word = self.word.lower()
        if not self.word:
            raise ValidationError({"word": _("The word must not be empty.")})
        choices = self.LABELLED_KINDS.get(self.kind)
        if choices is not None and self.label not in choices.values:
            raise ValidationError(
                {
                    "label": _("For this list the label must be one of: %(codes)s.")
                    % {"codes": ", ".join(choices.values)}
                }
            )
        if choices is None and self.label:
            raise ValidationError({"label": _("This list takes no label.")})
        if not 0 < self.weight <= 5:
            raise ValidationError({"weight": _("The weight must be greater than 0 and at most 5.")})


class ScoringSettings(OrganisationOverride):
    """The one record of scoring knobs managers edit (X1); every change is audited."""

    alpha = models.FloatField(_("α (weight of positive words)"), default=1.0)
    beta = models.FloatField(_("β (weight of negative words)"), default=-2.0)
    gamma = models.FloatField(_("γ (deal-rate factor)"), default=2.0)
    satisfaction_threshold = models.FloatField(
        _("satisfaction threshold"), default=0.0, help_text=_("K below this → reason, intent update, hand-off.")
    )
    deal_rate_threshold = models.FloatField(
        _("deal-rate threshold"), default=0.3, help_text=_("P above this → offer the purchase link.")
    )
    # Issue 20: 0.1 / 0.9 gave the best six-class macro-F1 on the emotion validation split (bench_emotion_model.py).
    lexicon_weight = models.FloatField(
        _("lexicon emotion weight"),
        default=0.1,
        help_text=_("Counted only where the reply has an emotion word; elsewhere the model decides."),
    )
    model_weight = models.FloatField(_("model emotion weight"), default=0.9)
    call_keyword_weight = models.FloatField(
        _("call: keyword emotion weight"),
        default=0.4,
        help_text=_("V5 in calls: weight of the first emotion (keywords) against how it was said."),
    )
    call_voice_weight = models.FloatField(
        _("call: voice emotion weight"),
        default=0.6,
        help_text=_("V5 in calls: weight of the second emotion (how it was said, from the voice)."),
    )
    feedback_score_threshold = models.PositiveSmallIntegerField(
        _("feedback-score threshold"), default=60, help_text=_("V9: feedback scored above this counts as good (0–100).")
    )
    analysis_interval_seconds = models.PositiveIntegerField(
        _("real-time analysis interval (s)"), default=30, help_text=_("B7: how often a live conversation is analysed.")
    )
    answer_min_confidence = models.FloatField(
        _("minimum answer confidence"),
        default=0.3,
        help_text=_("Below this retrieval confidence the bot does not answer but asks what the customer means."),
    )
    handoff_after_misses = models.PositiveSmallIntegerField(
        _("hand off after this many misses"),
        default=2,
        help_text=_("Questions in a row the bot could not answer before the salesperson is called in."),
    )
    handoff_accept_seconds = models.PositiveIntegerField(
        _("time to accept a hand-off (s)"),
        default=120,
        help_text=_("When nobody accepts a hand-off within this time it goes to the next colleague, then a manager."),
    )
    salesperson_silence_seconds = models.PositiveIntegerField(
        _("salesperson silence before the bot speaks (s)"),
        default=180,
        help_text=_("After a take-over, the bot tells the customer when the person has not replied for this long."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, blank=True
    )

    AUDITED_FIELDS = (
        "alpha",
        "beta",
        "gamma",
        "satisfaction_threshold",
        "deal_rate_threshold",
        "lexicon_weight",
        "model_weight",
        "call_keyword_weight",
        "call_voice_weight",
        "feedback_score_threshold",
        "analysis_interval_seconds",
        "answer_min_confidence",
        "handoff_after_misses",
        "handoff_accept_seconds",
        "salesperson_silence_seconds",
    )

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self) -> str:
        return str(_("Scoring settings"))

    def clean(self) -> None:
        errors = settings_errors(self)
        if errors:
            raise ValidationError(errors)


def settings_errors(values: ScoringSettings) -> dict[str, str]:
    """Why these scoring settings are impossible, by field; empty when they are fine."""
    errors: dict[str, str] = {}
    if values.alpha is None or values.alpha <= 0:
        errors["alpha"] = _("α must be greater than 0: positive words must raise satisfaction.")
    elif values.alpha > 100:
        errors["alpha"] = _("α must be at most 100.")
    if values.beta is None or values.beta >= 0:
        errors["beta"] = _("β must be less than 0: negative words must lower satisfaction.")
    elif values.beta < -100:
        errors["beta"] = _("β must be at least −100.")
    if values.gamma is None or not 0 < values.gamma <= 100:
        errors["gamma"] = _("γ must be greater than 0 and at most 100.")
    if values.satisfaction_threshold is None or not -100 <= values.satisfaction_threshold <= 100:
        errors["satisfaction_threshold"] = _("The satisfaction threshold must lie between −100 and 100.")
    if values.deal_rate_threshold is None or not 0 < values.deal_rate_threshold <= 1:
        errors["deal_rate_threshold"] = _("The deal-rate threshold must be greater than 0 and at most 1.")
    for first, second, message in (
        ("lexicon_weight", "model_weight", _("The lexicon and model emotion weights must add up to 1.")),
        ("call_keyword_weight", "call_voice_weight", _("The keyword and voice emotion weights must add up to 1.")),
    ):
        weights_ok = True
        for name in (first, second):
            value = getattr(values, name)
            if value is None or not 0 <= value <= 1:
                errors[name] = _("An emotion weight must lie between 0 and 1.")
                weights_ok = False
        if weights_ok and abs(getattr(values, first) + getattr(values, second) - 1) > 1e-6:
            errors[second] = message
    if values.feedback_score_threshold is None or not 0 <= values.feedback_score_threshold <= 100:
        errors["feedback_score_threshold"] = _("The feedback-score threshold must lie between 0 and 100.")
    if values.analysis_interval_seconds is None or not 1 <= values.analysis_interval_seconds <= 3600:
        errors["analysis_interval_seconds"] = _("The analysis interval must be between 1 and 3600 seconds.")
    if values.answer_min_confidence is None or not 0 <= values.answer_min_confidence <= 1:
        errors["answer_min_confidence"] = _("The minimum answer confidence must lie between 0 and 1.")
    if values.handoff_after_misses is None or not 1 <= values.handoff_after_misses <= 10:
        errors["handoff_after_misses"] = _("The number of misses before a hand-off must be between 1 and 10.")
    if values.handoff_accept_seconds is None or not 10 <= values.handoff_accept_seconds <= 86400:
        errors["handoff_accept_seconds"] = _("The time to accept a hand-off must be between 10 seconds and one day.")
    if values.salesperson_silence_seconds is None or not 10 <= values.salesperson_silence_seconds <= 86400:
        errors["salesperson_silence_seconds"] = _("The silence before the bot speaks must be between 10 s and one day.")
    return errors


class ScoringSettingsChange(models.Model):
    """Audit trail of the scoring settings: who changed which value, when, from what to what."""

    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    field = models.CharField(_("setting"), max_length=40)
    old_value = models.CharField(_("old value"), max_length=40)
    new_value = models.CharField(_("new value"), max_length=40)

    class Meta:
        verbose_name = _("scoring-settings change")
        verbose_name_plural = _("scoring-settings changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class FAQ(TenantOwned):
    """A manager-editable question and answer about a product or a category (S11 knowledge base, S9)."""

    tenant_parent = "product,category"

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, null=True, blank=True, related_name="faqs"
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faqs",
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), max_length=2000)
    popularity = models.PositiveIntegerField(
        _("popularity"), default=0, help_text=_("How often it is asked; answered questions add to it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["-popularity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(category__isnull=False), name="faq_has_product_or_category"
            )
        ]

    def __str__(self) -> str:
        return self.question

    def clean(self) -> None:
        if self.product_id is None and self.category_id is None:
            raise ValidationError(_("Choose the product or the category the question is about."))
        if self.product_id and self.category_id and self.product.category_id != self.category_id:
            raise ValidationError({"category": _("The product belongs to another category.")})


class AnswerTemplate(OrganisationOverride):
    """An answer pattern per situation, emotion and language, with slots filled from product specs (S11)."""

    SLOTS = ("product", "price", "price_label", "category", "design", "colour", "size", "spec", "answer", "salesperson")

    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    emotion = models.CharField(
        _("emotion"), max_length=10, choices=Emotion.choices, blank=True, help_text=_("Empty: any emotion.")
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    text = models.CharField(_("text"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["language", "situation", "emotion", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        problem = template_slot_errors(self.text, self.situation)
        if problem:
            raise ValidationError({"text": problem})


def template_slot_errors(text: str, situation: str) -> str | None:
    """Why a template cannot be used (unknown slot, broken braces), or None."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        return f"The template's braces are broken: {error}."
    unknown = sorted({name for name in fields if name not in AnswerTemplate.SLOTS})
    if unknown:
        return f"Unknown slot {', '.join('{' + n + '}' for n in unknown)}; use {', '.join(AnswerTemplate.SLOTS)}."
    if situation == Situation.GENERAL and "answer" not in fields:
        return "A template for other questions must contain {answer}, where the found answer goes."
    return None


class EmotionModelVersion(ModelVersion):
    """A trained text emotion model saved under MODEL_DIR (S16); one version is active at a time."""

    class Meta(ModelVersion.Meta):
        verbose_name = _("emotion model version")
        verbose_name_plural = _("emotion model versions")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_emotion_model")
        ]


class Conversation(models.Model):
    """A chat between a customer and the bot or the salesperson (S11–S14), with its hand-off state (S13)."""

    class State(models.TextChoices):
        BOT = "bot", _("Bot answers")
        WAITING = "waiting", _("Waiting for the salesperson")
        SALESPERSON = "salesperson", _("Salesperson answers")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        CARD = "card", _("Smart card")
        TERMINAL = "terminal", _("Sales terminal")
        CALL = "call", _("Call")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="conversations"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("intended product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.CARD)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.BOT, db_index=True)
    greeting = models.TextField(_("greeting"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.started_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """One message of a conversation; a customer's message carries its analysis (S11–S16)."""

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        BOT = "bot", _("Bot")
        SALESPERSON = "salesperson", _("Salesperson")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(_("sender"), max_length=12, choices=Sender.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    emotion = models.CharField(_("emotion"), max_length=10, choices=Emotion.choices, blank=True)
    emotion_scores = models.JSONField(_("emotion scores"), default=dict, blank=True)
    polarity = models.FloatField(_("polarity (probability positive)"), null=True, blank=True)
    satisfaction = models.FloatField(_("satisfaction K"), null=True, blank=True)
    deal_rate = models.FloatField(_("deal rate P"), null=True, blank=True)
    reasons = models.JSONField(_("dissatisfaction reasons"), default=list, blank=True)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices, blank=True)
    answer_confidence = models.FloatField(_("answer confidence"), null=True, blank=True)
    faq = models.ForeignKey(
        FAQ, verbose_name=_("answered by FAQ"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actions = models.JSONField(_("actions"), default=list, blank=True)
    analysis = models.JSONField(_("analysis details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["conversation", "pk"]
        indexes = [models.Index(fields=["conversation", "sender"])]

    def __str__(self) -> str:
        return f"{self.get_sender_display()}: {self.text[:40]}"


class HandOff(models.Model):
    """S13: the chat passed to the salesperson, with the push message and where it was delivered."""

    class Reason(models.TextChoices):
        LOW_SATISFACTION = "low_satisfaction", _("Satisfaction below the threshold")
        NO_ANSWER = "no_answer", _("No answer could be found")
        REQUESTED = "requested", _("The customer asked for a person")
        REPEATED_MISSES = "repeated_misses", _("Several questions in a row without an answer")
        HUMAN_TOPIC = "human_topic", _("A topic a person answers")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the salesperson")
        ACCEPTED = "accepted", _("Taken by the salesperson")
        RELEASED = "released", _("Given back to the bot")
        CLOSED = "closed", _("Closed")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="handoffs"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    push_message = models.JSONField(_("push message"), default=dict)
    deliveries = models.JSONField(_("deliveries"), default=dict, blank=True, help_text=_("Channel → result."))
    created_at = models.DateTimeField(_("handed off at"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    accepted_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who the hand-off is offered to now; it moves on when nobody accepts in time."),
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    escalations = models.JSONField(
        _("escalations"), default=list, blank=True, help_text=_("Who it was offered to before, and when.")
    )

    class Meta:
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.conversation} · {self.get_reason_display()}"


# --- Calls (SPEC V1–V9) ----------------------------------------------------------------------------------------------
class TerminalPresence(models.Model):
    """An open sales-terminal socket: its user is online (issue 17: notify by e-mail/SMS only when offline)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="+"
    )
    channel_name = models.CharField(_("socket"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("terminal presence")
        verbose_name_plural = _("terminal presences")

    def __str__(self) -> str:
        return f"{self.user} · {self.seen_at:%H:%M:%S}"
