"""Data of the IM profile (SPEC P1–P6): IM platform integrations and their webhook deliveries, the facts read from
chats and images, the history of profile edits, and the closeness weights.

The tables kept their names when these models moved here from the ``crm`` app (``db_table``), so an existing
database upgrades in place.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import ChatMessage, Customer, OrganisationOverride, TenantOwned, TimeStamped, User


class ImIntegration(TenantOwned, TimeStamped):
    """One IM platform account that posts webhooks (P1, P2, P5): a bearer token (only its hash is kept) names it,
    and an HMAC secret signs every payload."""

    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    signing_secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    chat_link_template = models.CharField(
        _("chat deep-link template"),
        max_length=300,
        blank=True,
        help_text=_(
            "Link that opens a chat with a staff member in the IM client, e.g. "
            "wxwork://message?username={staff_im_id}. Placeholders: {staff_im_id}, {customer_im_id}. "
            "Empty: the IM_CHAT_LINK_TEMPLATE setting."
        ),
    )

    class Meta:
        db_table = "crm_imintegration"  # the table kept its name when the model moved here
        verbose_name = _("IM integration")
        verbose_name_plural = _("IM integrations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="im_integration_name_per_organisation")
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One webhook event an integration sent, kept so that a replayed event id is answered without effect."""

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")

    integration = models.ForeignKey(
        ImIntegration, verbose_name=_("integration"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("event id"), max_length=100)
    event_type = models.CharField(_("event type"), max_length=40)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROCESSED)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        db_table = "crm_webhookdelivery"  # the table kept its name when the model moved here
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.integration} · {self.event_type} · {self.event_id}"


class ProfileFact(models.Model):
    """A fact about a customer found in a chat message or an image (P2). It stays a suggestion until staff confirm
    it (then it updates the profile) or reject it; its source message is kept (X3)."""

    class Field(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        COMPANY = "company", _("company")
        JOB_TITLE = "job_title", _("job title")
        BIRTHDAY = "birthday", _("birthday")
        AGE = "age", _("age")
        CITY = "city", _("city")
        HOMETOWN = "hometown", _("hometown")
        MARRIED = "married", _("married")
        CHILDREN = "children", _("children")
        BUDGET = "budget", _("budget")
        INTEREST = "interest", _("product interest")
        HOBBY = "hobby", _("hobby")
        MBTI = "mbti", _("MBTI")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="facts")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    value = models.CharField(_("value"), max_length=200)
    confidence = models.FloatField(_("confidence"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    source_message = models.ForeignKey(
        ChatMessage, verbose_name=_("source message"), on_delete=models.CASCADE, related_name="facts"
    )
    source_excerpt = models.CharField(_("source excerpt"), max_length=300)
    current_value = models.CharField(
        _("profile value when found"),
        max_length=200,
        blank=True,
        help_text=_("The profile's different value when the fact was found: a conflict staff must settle."),
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        db_table = "crm_profilefact"  # the table kept its name when the model moved here
        verbose_name = _("profile fact")
        verbose_name_plural = _("profile facts")
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["customer", "status", "-found_at"], name="fact_customer_status")]
        constraints = [
            models.UniqueConstraint(fields=["source_message", "field", "value"], name="fact_once_per_message"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_field_display()}: {self.value}"

    @property
    def from_image(self) -> bool:
        return self.source_message.kind == ChatMessage.Kind.IMAGE


class ProfileChange(models.Model):
    """The audit log of a customer's profile (P3): who changed which field or tag, when, from what to what."""

    class Via(models.TextChoices):
        EDIT = "edit", _("Edited by staff")
        FACT = "fact", _("Confirmed fact")
        IM = "im", _("IM platform")
        TAG = "tag", _("Tag")
        ERASURE = "erasure", _("Erasure")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="profile_changes"
    )
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    changed_by = models.ForeignKey(
        User, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        db_table = "crm_profilechange"  # the table kept its name when the model moved here
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-changed_at"], name="profile_change_recent")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.field}: {self.old_value} → {self.new_value}"


class ClosenessWeights(OrganisationOverride):
    """The weights of the closeness score (P4); one row, edited in the admin. See ``crm.im_profile.closeness``."""

    friendship = models.FloatField(_("friendship age"), default=1.0, validators=[MinValueValidator(0)])
    groups = models.FloatField(_("shared groups"), default=1.0, validators=[MinValueValidator(0)])
    messages_in = models.FloatField(_("messages from the customer"), default=1.5, validators=[MinValueValidator(0)])
    messages_out = models.FloatField(_("messages to the customer"), default=1.0, validators=[MinValueValidator(0)])
    recency = models.FloatField(_("recency"), default=1.5, validators=[MinValueValidator(0)])
    reply_latency = models.FloatField(_("reply latency"), default=0.5, validators=[MinValueValidator(0)])
    behaviour = models.FloatField(
        _("behaviour towards the staff member"), default=1.5, validators=[MinValueValidator(0)]
    )
    friendship_full_days = models.PositiveIntegerField(
        _("friendship age that counts in full (days)"), default=365, validators=[MinValueValidator(1)]
    )
    message_scale = models.PositiveIntegerField(
        _("messages at which the message score reaches 63 per cent"), default=20, validators=[MinValueValidator(1)]
    )
    recency_days = models.PositiveIntegerField(
        _("days after which the recency score falls to 37 per cent"), default=30, validators=[MinValueValidator(1)]
    )
    latency_minutes = models.PositiveIntegerField(
        _("reply minutes at which the latency score falls to 37 per cent"),
        default=60,
        validators=[MinValueValidator(1)],
    )
    behaviour_scale = models.PositiveIntegerField(
        _("actions at which the behaviour score reaches 63 per cent"), default=5, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "crm_closenessweights"  # the table kept its name when the model moved here
        verbose_name = _("closeness weights")
        verbose_name_plural = _("closeness weights")

    def __str__(self) -> str:
        return str(_("Closeness weights"))

    def clean(self) -> None:
        weights = (self.friendship, self.groups, self.messages_in, self.messages_out, self.recency,
                   self.reply_latency, self.behaviour)  # fmt: skip
        if not any(weight and weight > 0 for weight in weights):
            raise ValidationError(_("At least one weight must be above 0."))
