"""Branch clienteling (SPEC B1–B8): branches, the staff's wearables and their bindings, queue tickets, the tasks
a ticket becomes, what the watch acknowledged, the conversation's transcript, demand updates and feedback."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Customer, Product, TenantOwned, token_hash, validate_lines  # noqa: F401 - branch.tokens hashes device tokens with it


class Branch(TenantOwned):
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("branch manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_branches",
        help_text=_("Receives tasks that nobody acknowledges in time."),
    )
    kiosk_token_hash = models.CharField(_("kiosk token (hash)"), max_length=64, blank=True, editable=False)
    kiosk_token_issued_at = models.DateTimeField(_("kiosk token issued at"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("open"), default=True)
    lines_of_business = models.JSONField(
        _("lines of business"),
        default=list,
        blank=True,
        validators=[validate_lines],
        help_text=_('What the branch serves, e.g. ["banking", "insurance"]. Empty: every line of the company.'),
    )

    tenant_parent = "manager"

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="branch_code_per_organisation")]

    def __str__(self) -> str:
        return self.name


class Wearable(TenantOwned):
    """A staff smartwatch. Its token is shown once when issued; only the hash is kept."""

    device_id = models.CharField(_("device id"), max_length=64, unique=True)
    token_hash = models.CharField(_("token (hash)"), max_length=64, unique=True, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wearables",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("bound branch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wearables",
    )
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # Device tokens expire DEVICE_TOKEN_DAYS after this; a new token (admin action) starts the count again.
    token_issued_at = models.DateTimeField(_("token issued at"), default=timezone.now, editable=False)

    tenant_parent = "branch,staff"

    class Meta:
        verbose_name = _("wearable")
        verbose_name_plural = _("wearables")
        ordering = ["device_id"]

    def __str__(self) -> str:
        return self.device_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def token_expired(self) -> bool:
        return self.token_issued_at < timezone.now() - timedelta(days=settings.DEVICE_TOKEN_DAYS)


class WearableBinding(models.Model):
    """Which branch a watch served, and when (B2)."""

    wearable = models.ForeignKey(
        Wearable, verbose_name=_("wearable"), on_delete=models.CASCADE, related_name="bindings"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="bindings")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.SET_NULL, null=True, blank=True
    )
    bound_at = models.DateTimeField(_("bound at"), default=timezone.now)
    unbound_at = models.DateTimeField(_("unbound at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wearable binding")
        verbose_name_plural = _("wearable bindings")
        ordering = ["-bound_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wearable"], condition=Q(unbound_at__isnull=True), name="one_current_binding_per_wearable"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wearable} → {self.branch}"


class QueueTicket(models.Model):
    """A customer took a number at the branch's kiosk (B3); unique per branch, number and day."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="tickets")
    number = models.CharField(_("ticket number"), max_length=20)
    day = models.DateField(_("day"))
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="queue_tickets"
    )
    id_number_hash = models.CharField(_("ID number (hash)"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    business = models.CharField(_("intended business"), max_length=100, blank=True)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-taken_at"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "number", "day"], name="one_ticket_per_number_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.number} · {self.day}"


class Task(models.Model):
    """A target customer to serve (B3–B8): the demand analysis, who took it, and where it stands."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VIEWED = "viewed", _("Viewed")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        EXPIRED = "expired", _("Expired")

    OPEN = (Status.PENDING, Status.VIEWED, Status.STARTED)

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tasks")
    ticket = models.OneToOneField(
        QueueTicket, verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True, blank=True, related_name="task"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    wearable = models.ForeignKey(
        Wearable,
        verbose_name=_("taken by watch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branch_tasks",
    )
    business = models.CharField(_("booked business"), max_length=100, blank=True)
    reminders = models.JSONField(
        _("reminder kinds"), default=list, help_text=_("vibrate, voice, ring, text — how the watch announces it.")
    )
    recommendations = models.JSONField(
        _("top recommendations"), default=list, help_text=_("[{product_id, product, probability, reason}]")
    )
    demand = models.JSONField(_("demand information"), default=dict, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    reminded = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("branch task")
        verbose_name_plural = _("branch tasks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["branch", "status", "-created_at"], name="task_branch_open")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_status_display()}"


class TaskDelivery(models.Model):
    """A task shown on one watch, and when that watch acknowledged it (B1: nothing is lost while offline)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deliveries")
    wearable = models.ForeignKey(
        Wearable, verbose_name=_("wearable"), on_delete=models.CASCADE, related_name="deliveries"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task delivery")
        verbose_name_plural = _("task deliveries")
        constraints = [models.UniqueConstraint(fields=["task", "wearable"], name="one_delivery_per_task_and_watch")]

    def __str__(self) -> str:
        return f"{self.task} → {self.wearable}"


class TranscriptSegment(models.Model):
    """A pause-bounded piece of the conversation during a started task (B7)."""

    class Source(models.TextChoices):
        TEXT = "text", _("Typed or dictated text")
        SPEECH = "speech", _("Speech recognition")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="segments")
    text = models.TextField(_("text"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.TEXT)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("transcript segment")
        verbose_name_plural = _("transcript segments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class DemandUpdate(models.Model):
    """The top recommendations changed during the conversation (B7): what, and why."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="demand_updates")
    recommendations = models.JSONField(_("top recommendations"), default=list)
    adjustments = models.JSONField(_("keyword adjustments"), default=list)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("demand update")
        verbose_name_plural = _("demand updates")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.created_at:%H:%M:%S}"


class TaskFeedback(models.Model):
    """How the task ended (B8) and how well the analysis matched."""

    class Tier(models.TextChoices):
        VERY_ACCURATE = "very_accurate", _("Very accurate (bought product in the top 3)")
        ACCURATE = "accurate", _("Accurate (bought product in the list)")
        INACCURATE = "inaccurate", _("Inaccurate (bought product absent)")
        NO_PURCHASE = "no_purchase", _("Nothing bought")

    task = models.OneToOneField(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="feedback")
    success = models.BooleanField(_("success"))
    purchased_product = models.ForeignKey(
        Product, verbose_name=_("product bought"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actual_preferences = models.JSONField(_("actual preferences"), default=list, blank=True)
    tier = models.CharField(_("match tier"), max_length=20, choices=Tier.choices)
    preference_overlap = models.FloatField(_("preference overlap"), null=True, blank=True)
    match_score = models.FloatField(_("match score"))
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task feedback")
        verbose_name_plural = _("task feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_tier_display()}"
