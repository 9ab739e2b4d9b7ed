"""Models of the project package: the smart card (SmartCard, CardLink, CardEvent; SPEC S1, S8–S10, X3) and the
operations record of pipeline probes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Customer, TenantOwned, phone_validator
from salescard.avatar_models import validate_avatar_model


class PipelineProbe(models.Model):
    """One round trip through a Celery queue: requested here, completed by whichever worker took it.

    Operators use probes to prove a deployment end to end (broker → worker → database → channel layer
    → socket); see ``manage.py check_pipeline`` and the ``/ws/ops/`` socket.
    """

    class Queue(models.TextChoices):
        DEFAULT = "default", _("default")
        INFERENCE = "inference", _("inference")
        SPEECH = "speech", _("speech")
        TRAINING = "training", _("training")

    queue = models.CharField(_("queue"), max_length=20, choices=Queue.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True, help_text=_("Host name and process id."))
    database_vendor = models.CharField(_("database seen by the worker"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("pipeline probe")
        verbose_name_plural = _("pipeline probes")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["queue", "-requested_at"], name="probe_queue_recent")]

    def __str__(self) -> str:
        return f"{self.queue} · {self.requested_at:%Y-%m-%d %H:%M:%S}"

    @property
    def latency_ms(self) -> float | None:
        if not self.completed_at:
            return None
        return (self.completed_at - self.requested_at).total_seconds() * 1000


class SmartCard(TenantOwned):
    """A salesperson's business card (S8 region 2) with the 3D face shown in region 1."""

    class Theme(models.TextChoices):
        CLASSIC = "classic", _("Classic blue")
        WARM = "warm", _("Warm")
        DARK = "dark", _("Dark")

    salesperson = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), on_delete=models.CASCADE, related_name="card"
    )
    display_name = models.CharField(_("name on the card"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    im_id = models.CharField(_("IM id"), max_length=100, blank=True)
    bio = models.TextField(_("introduction"), max_length=1000, blank=True)
    site_url = models.URLField(_("official site"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="cards/photos/", blank=True)
    avatar_model = models.FileField(
        _("3D model (glTF/GLB)"),
        upload_to="cards/models/",
        blank=True,
        help_text=_("A .glb or .gltf file of at most 10 MB; empty: the default head."),
    )
    theme = models.CharField(_("theme"), max_length=10, choices=Theme.choices, default=Theme.CLASSIC)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    tenant_parent = "salesperson"

    class Meta:
        verbose_name = _("smart card")
        verbose_name_plural = _("smart cards")

    def save(self, *args, **kwargs) -> None:
        # A card speaks for its salesperson's company, always.
        if self.salesperson_id is not None and self.salesperson.organisation_id is not None:
            self.organisation_id = self.salesperson.organisation_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.display_name} · {self.company}" if self.company else self.display_name

    def clean(self) -> None:

        if self.avatar_model and not getattr(self.avatar_model, "_committed", True):
            validate_avatar_model(self.avatar_model)


class CardLink(models.Model):
    """A share link of a card: one per customer (personal), or generic for unknown visitors (S1, X3)."""

    card = models.ForeignKey(SmartCard, verbose_name=_("card"), on_delete=models.CASCADE, related_name="links")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="card_links",
        help_text=_("Empty: a generic link; a visitor becomes a lead after agreeing to the consent notice."),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("card link")
        verbose_name_plural = _("card links")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "customer"],
                condition=Q(revoked_at__isnull=True, customer__isnull=False),
                name="one_live_link_per_customer_and_card",
            )
        ]

    def __str__(self) -> str:
        return f"{self.card} → {self.customer or _('any visitor')}"

    def is_live(self, now=None) -> bool:  # noqa: ANN001 - a datetime
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class CardEvent(models.Model):
    """What happened on a card (S9): stored here and mirrored as the customer's behaviour event (P5)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        TAB_VIEWED = "tab_viewed", _("Tab viewed")
        SHARED = "shared", _("Shared")
        CONTACT_SAVED = "contact_saved", _("Contact saved")
        PURCHASE_CLICKED = "purchase_clicked", _("Purchase link clicked")

    link = models.ForeignKey(CardLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="events")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True, help_text=_("The tab, or the product."))
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["link", "-occurred_at"], name="card_event_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"


class CardVisit(models.Model):
    """One opening of a card (S8, S10): the greeting the avatar asked and the intent it was chosen from."""

    link = models.ForeignKey(CardLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="visits")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="card_visits"
    )
    conversation = models.ForeignKey(
        "dialogue.Conversation",
        verbose_name=_("conversation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="card_visits",
    )
    greeting = models.TextField(_("greeting"))
    language = models.CharField(_("language"), max_length=10, choices=Customer.Language.choices)
    product = models.ForeignKey(
        "crm.Product", verbose_name=_("greeted product"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    intents = models.JSONField(_("intent snapshot"), default=list, help_text=_("The ranking the greeting came from."))
    intent_is_fallback = models.BooleanField(_("fallback ranking"), default=False)
    intent_was_inferred = models.BooleanField(
        _("inferred on opening"), default=False, help_text=_("No fresh stored prediction; one was made inline.")
    )
    usage_consent = models.BooleanField(_("usage data consented"), default=False)
    personality = models.CharField(_("personality"), max_length=20, blank=True)
    communication_type = models.CharField(_("communication type"), max_length=50, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("card visit")
        verbose_name_plural = _("card visits")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["link", "-opened_at"], name="card_visit_recent")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.opened_at:%Y-%m-%d %H:%M}"


class CardDevice(models.Model):
    """A browser bound to a personal card link (X3): only a bound device sees the customer's chat, name and intent.

    The first opening of a personal link binds that browser; another browser binds after the customer proves they
    are the customer with a code sent to the phone on record. The browser keeps a random device id in a signed,
    HttpOnly cookie; only its SHA-256 is stored here.
    """

    class How(models.TextChoices):
        FIRST_OPEN = "first_open", _("First opening")
        LEAD = "lead", _("Agreed to the notice")
        SMS_CODE = "sms_code", _("Code sent to the phone")

    link = models.ForeignKey(CardLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="devices")
    device_hash = models.CharField(_("device (SHA-256)"), max_length=64, editable=False)
    how = models.CharField(_("bound by"), max_length=20, choices=How.choices)
    bound_at = models.DateTimeField(_("bound at"), default=timezone.now)

    class Meta:
        verbose_name = _("bound device")
        verbose_name_plural = _("bound devices")
        ordering = ["-bound_at"]
        constraints = [models.UniqueConstraint(fields=["link", "device_hash"], name="one_binding_per_link_and_device")]

    def __str__(self) -> str:
        return f"{self.link} · {self.get_how_display()} · {self.bound_at:%Y-%m-%d %H:%M}"


class CardCode(models.Model):
    """A one-time code sent to the customer's phone so that another device may bind to their personal link.

    Only the code's SHA-256 (keyed by the link) is stored; a code expires, allows a bounded number of tries and
    serves once.
    """

    link = models.ForeignKey(CardLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="codes")
    device_hash = models.CharField(_("device (SHA-256)"), max_length=64, editable=False)
    code_hash = models.CharField(_("code (SHA-256)"), max_length=64, editable=False)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["link", "-sent_at"], name="card_code_recent")]

    def __str__(self) -> str:
        return f"{self.link} · {self.sent_at:%Y-%m-%d %H:%M}"
