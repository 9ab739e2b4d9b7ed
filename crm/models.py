"""CRM data: staff users with roles, customers and their consent, products, cases, tags, IM relations,
chat messages and behaviour events (SPEC S1, S8, P1–P6, B6, X3).

Every table carries the indexes its obvious queries need: a salesperson's customers by recency, a
customer's events and messages newest first, consent by purpose.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9\- ]{5,19}$", _("Enter a phone number of 6 to 20 digits, optionally starting with +.")
)


def token_hash(token: str) -> str:
    """Bearer tokens (watches, kiosks, IM integrations) are 32 random bytes, so an unsalted SHA-256 is enough to keep
    them out of the database."""
    return hashlib.sha256(token.encode()).hexdigest()


class TimeStamped(models.Model):
    """Audit fields shown read-only in the admin."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# --- Staff ------------------------------------------------------------------------------------------
class Organisation(TimeStamped):
    """The company behind staff and cards, with the knowledge the card answers from (issue 17 item 3).

    Company facts (address, opening hours, payment, instalments, delivery, returns, after-sales …) are rows of
    ``CompanyFact`` per topic and language, so managers edit them in the admin and the bot answers in the
    customer's language.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    phone = models.CharField(_("service phone"), max_length=32, blank=True, validators=[phone_validator])
    site_url = models.URLField(_("official site"), blank=True)
    is_default = models.BooleanField(
        _("default organisation"),
        default=False,
        help_text=_("Rows created without an organisation (a single-company deployment) belong to this one."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> Organisation:
        """The default organisation, created on first use: every deployment has one (issue 19)."""
        found = cls.objects.filter(is_default=True).first()
        if found is None:
            found, _created = cls.objects.get_or_create(name=DEFAULT_ORGANISATION_NAME, defaults={"is_default": True})
            if not found.is_default:
                cls.objects.filter(pk=found.pk).update(is_default=True)
                found.is_default = True
        return found


DEFAULT_ORGANISATION_NAME = "默认组织"


def validate_lines(value: object) -> None:
    """Lines of business are a list of ``ProductCategory.LineOfBusiness`` codes; empty means every line."""
    codes = set(ProductCategory.LineOfBusiness.values)
    if not isinstance(value, list) or any(not isinstance(code, str) or code not in codes for code in value):
        raise ValidationError(
            _("Lines of business must be a list of: %(codes)s.") % {"codes": ", ".join(sorted(codes))}
        )


class TenantQuerySet(models.QuerySet):
    """Rows of one organisation: ``Model.objects.of(organisation)``; ``bulk_create`` fills the organisation as
    ``save`` does."""

    def of(self, organisation: Organisation | int | None) -> TenantQuerySet:
        return self.filter(organisation=organisation)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        default: list[int] = []  # looked up once, only when a row has nowhere to inherit from
        for obj in objs:
            if obj.organisation_id is None:
                obj.organisation_id = obj.inherited_organisation_id(default)
        return super().bulk_create(objs, *args, **kwargs)


class TenantOwned(models.Model):
    """A row that belongs to one organisation, the tenant boundary (issue 19).

    A row saved without one takes the organisation of ``tenant_parent`` (the field it hangs from: a customer's
    owner, a product's category, a card's salesperson …) and otherwise the default organisation, so a
    single-company deployment never has to name one (``bulk_create`` does the same).
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    tenant_parent: str = ""

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.organisation_id is None:
            self.organisation_id = self.inherited_organisation_id()
        super().save(*args, **kwargs)

    def inherited_organisation_id(self, default: list[int] | None = None) -> int:
        for name in self.tenant_parent.split(",") if self.tenant_parent else ():
            parent = getattr(self, name.strip(), None)
            organisation_id = getattr(parent, "organisation_id", None)
            if organisation_id is not None:
                return organisation_id
        if default is None:
            return Organisation.default().pk
        if not default:
            default.append(Organisation.default().pk)
        return default[0]


class OrganisationOverride(models.Model):
    """Configuration with a product-wide default (no organisation) that an organisation may override (issue 19)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_set",
        help_text=_("Empty: the product-wide default, used by every organisation that has no row of its own."),
    )

    class Meta:
        abstract = True


class CompanyFact(TimeStamped):
    """One thing a customer may ask about the company, in one language (issue 17 item 3)."""

    class Topic(models.TextChoices):
        ABOUT = "about", _("About the company")
        ADDRESS = "address", _("Address")
        HOURS = "hours", _("Opening hours")
        PHONE = "phone", _("Phone")
        PAYMENT = "payment", _("Payment options")
        INSTALMENTS = "instalments", _("Instalments")
        DELIVERY = "delivery", _("Delivery")
        RETURNS = "returns", _("Returns")
        AFTER_SALES = "after_sales", _("After-sales service")
        SITE = "site", _("Official site")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="facts"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", _("Mandarin")), ("yue", _("Cantonese")), ("en", _("English"))],
    )
    text = models.TextField(_("answer"), max_length=1000, help_text=_("A whole sentence, as the bot will say it."))
    human_only = models.BooleanField(
        _("a person answers"),
        default=False,
        help_text=_("Questions on this topic always go to the salesperson (e.g. contract terms)."),
    )

    class Meta:
        verbose_name = _("company fact")
        verbose_name_plural = _("company facts")
        ordering = ["organisation", "topic", "language"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "topic", "language"], name="company_fact_unique_topic")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_topic_display()} ({self.language})"


class User(AbstractUser):
    """A member of staff. The role decides what the API, the admin and the sockets allow."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Sales manager")
        SALES = "sales", _("Salesperson")
        BRANCH_STAFF = "branch_staff", _("Branch staff")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    title = models.CharField(_("job title"), max_length=100, blank=True)
    im_user_id = models.CharField(
        _("IM account id"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("The staff member's id on the IM platform; webhooks name staff by it."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The company this person works for: they see and sell only its customers and products."),
    )
    lines_of_business = models.JSONField(
        _("lines of business"),
        default=list,
        blank=True,
        validators=[validate_lines],
        help_text=_('What this person sells, e.g. ["banking", "insurance"]. Empty: every line of the company.'),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "im_user_id"],
                condition=Q(im_user_id__isnull=False),
                name="staff_im_id_per_organisation",
            )
        ]

    def save(self, *args, **kwargs) -> None:
        # Managers work in the admin; the role, not a separate flag, grants that.
        if self.role == self.Role.MANAGER:
            self.is_staff = True
        # Staff always belong to a company; only a superuser may stand above them all.
        if self.organisation_id is None and not self.is_superuser:
            self.organisation_id = Organisation.default().pk
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        # Chinese names read family name first, with no space (陈静); Western names "first last".
        if any("\u4e00" <= ch <= "\u9fff" for ch in self.last_name + self.first_name):
            return f"{self.last_name}{self.first_name}".strip()
        return super().get_full_name()

    @property
    def is_manager(self) -> bool:
        return self.is_active and (self.role == self.Role.MANAGER or self.is_superuser)

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username


# --- Customers --------------------------------------------------------------------------------------
class Customer(TenantOwned, TimeStamped):
    """A customer or lead with the S1 information and the B6 sub-pages (info, assets, preferences)."""

    tenant_parent = "owner"  # a customer known to two companies is two customers, each with its own consent

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Unknown")

    class Language(models.TextChoices):
        MANDARIN = "zh-hans", _("Mandarin (Simplified Chinese)")
        CANTONESE = "yue", _("Cantonese")
        ENGLISH = "en", _("English")

    class Dialect(models.TextChoices):
        NONE = "", _("None")
        CANTONESE = "cantonese", _("Cantonese")
        HOKKIEN = "hokkien", _("Hokkien (Minnan)")
        SHANGHAINESE = "shanghainese", _("Shanghainese")
        SICHUANESE = "sichuanese", _("Sichuanese")
        HAKKA = "hakka", _("Hakka")

    class IncomeBand(models.TextChoices):
        """Monthly income in CNY."""

        UNKNOWN = "", _("Unknown")
        BELOW_5K = "lt5k", _("below ¥5,000")
        FROM_5K = "5k-10k", _("¥5,000–10,000")
        FROM_10K = "10k-20k", _("¥10,000–20,000")
        FROM_20K = "20k-50k", _("¥20,000–50,000")
        FROM_50K = "50k-100k", _("¥50,000–100,000")
        ABOVE_100K = "gt100k", _("above ¥100,000")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by staff")
        IM = "im", _("IM friend")
        CARD = "card", _("Smart card visitor")
        BRANCH = "branch", _("Branch walk-in")
        IMPORT = "import", _("Import")

    class SocialStyle(models.TextChoices):
        """The four social styles (Merrill & Reid) a salesperson can observe in a customer."""

        UNKNOWN = "", _("Not observed")
        ANALYTICAL = "analytical", _("Analytical")
        DRIVER = "driver", _("Driver")
        AMIABLE = "amiable", _("Amiable")
        EXPRESSIVE = "expressive", _("Expressive")

    MBTI_TYPES = [a + b + c + d for a in "EI" for b in "SN" for c in "TF" for d in "JP"]
    ASSET_CLASSES = ("deposits", "stocks", "funds", "insurance", "vehicles", "property")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    hometown = models.CharField(_("hometown"), max_length=100, blank=True)
    residence = models.CharField(_("residence"), max_length=200, blank=True)
    hobbies = models.JSONField(_("hobbies"), default=list, blank=True, help_text=_("A list of hobbies."))
    mbti = models.CharField(_("MBTI"), max_length=4, blank=True, choices=[(t, t) for t in MBTI_TYPES])
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.MANDARIN)
    dialect = models.CharField(_("dialect"), max_length=20, choices=Dialect.choices, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    income_band = models.CharField(
        _("monthly income"), max_length=10, choices=IncomeBand.choices, blank=True, default=""
    )
    monthly_online_spend = models.DecimalField(
        _("monthly online spend (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    married = models.BooleanField(_("married"), null=True, blank=True)
    children = models.PositiveSmallIntegerField(_("children"), null=True, blank=True)
    birth_month_day = models.CharField(
        _("birthday without year"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", _("Use MM-DD, e.g. 05-12."))],
        help_text=_("MM-DD, when the customer told the day but not the year."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, help_text=_("Known from a stated age when the birthday is not.")
    )
    budget = models.DecimalField(
        _("budget (¥)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    avatar_url = models.URLField(_("avatar URL"), max_length=500, blank=True)
    assets = models.JSONField(
        _("assets by class (¥)"),
        default=dict,
        blank=True,
        help_text=_("Amounts in CNY by class: deposits, stocks, funds, insurance, vehicles, property."),
    )
    preferences = models.JSONField(
        _("preferences"),
        default=dict,
        blank=True,
        help_text=_('Preference lists by topic, e.g. {"colours": ["灰色"], "styles": ["北欧"]}.'),
    )
    observed_social_style = models.CharField(
        _("social style observed by staff"),
        max_length=20,
        choices=SocialStyle.choices,
        blank=True,
        default="",
        help_text=_("What the salesperson saw in conversations; the personality model learns from it."),
    )
    external_im_id = models.CharField(_("IM id"), max_length=100, null=True, blank=True)
    owner = models.ForeignKey(
        User,
        verbose_name=_("owning salesperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="customer_owner_recent"),
            models.Index(fields=["-updated_at", "-id"], name="customer_recent"),
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["organisation", "-updated_at"], name="customer_organisation_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_im_id"],
                condition=Q(external_im_id__isnull=False),
                name="customer_im_id_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(monthly_online_spend__isnull=True) | Q(monthly_online_spend__gte=0),
                name="customer_online_spend_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.birthday and self.birthday > timezone.localdate():
            errors["birthday"] = _("The birthday cannot be in the future.")
        if not isinstance(self.hobbies, list) or not all(isinstance(h, str) for h in self.hobbies):
            errors["hobbies"] = _("Hobbies must be a list of words.")
        asset_error = validate_assets(self.assets)
        if asset_error:
            errors["assets"] = asset_error
        if not isinstance(self.preferences, dict):
            errors["preferences"] = _("Preferences must be an object of topic → list of values.")
        if errors:
            raise ValidationError(errors)

    @property
    def age(self) -> int | None:
        if not self.birthday:
            return timezone.localdate().year - self.birth_year if self.birth_year else None
        today = timezone.localdate()
        return today.year - self.birthday.year - ((today.month, today.day) < (self.birthday.month, self.birthday.day))

    def has_consent(self, purpose: str) -> bool:
        """Whether the latest decision for ``purpose`` is a grant (no decision means no consent)."""
        latest = self.consents.filter(purpose=purpose).order_by("-decided_at", "-pk").first()
        return bool(latest and latest.granted)


def validate_assets(assets: object) -> str | None:
    """Return why ``assets`` is not a mapping of known asset class → non-negative amount, or None."""
    if not isinstance(assets, dict):
        return str(_("Assets must be an object of asset class → amount in CNY."))
    unknown = sorted(set(assets) - set(Customer.ASSET_CLASSES))
    if unknown:
        return str(_("Unknown asset classes: %(classes)s.") % {"classes": ", ".join(unknown)})
    for key, value in assets.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return str(_("The amount for %(cls)s must be a number of at least 0.") % {"cls": key})
    return None


class Consent(models.Model):
    """One consent decision (X3). The rows form an append-only log; the latest per purpose counts."""

    class Purpose(models.TextChoices):
        USAGE_DATA = "usage_data", _("Use of usage data (apps, browsing, reading)")
        PROFILE_EXTRACTION = "profile_extraction", _("Profile extraction from chats")
        CALL_RECORDING = "call_recording", _("Call recording")
        CONTACT = "contact", _("Contact for marketing")

    class Source(models.TextChoices):
        CARD = "card", _("Smart card notice")
        IM = "im", _("IM conversation")
        BRANCH = "branch", _("Branch counter")
        PHONE = "phone", _("Phone call")
        MANUAL = "manual", _("Entered by staff")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"), help_text=_("Unticked means the consent was withdrawn or refused."))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["customer", "purpose", "-decided_at"], name="consent_latest")]

    def __str__(self) -> str:
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.customer} · {self.get_purpose_display()} · {state}"


# --- Products and cases -----------------------------------------------------------------------------
class ProductCategory(TenantOwned, TimeStamped):
    """The "product type" of S7 (sofa, term life insurance, time deposit, …) within a line of business."""

    class LineOfBusiness(models.TextChoices):
        HOME = "home", _("Home furnishing")
        INSURANCE = "insurance", _("Insurance")
        BANKING = "banking", _("Bank wealth, deposits and loans")

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    line_of_business = models.CharField(_("line of business"), max_length=20, choices=LineOfBusiness.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["line_of_business", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="category_code_per_organisation")]

    def __str__(self) -> str:
        return self.name


class Product(TenantOwned, TimeStamped):
    """A product with the specs a greeting names (design, colour, size, price) and its purchase link."""

    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    design = models.CharField(_("design"), max_length=200, blank=True)
    colour = models.CharField(_("colour"), max_length=100, blank=True)
    size = models.CharField(_("size / term"), max_length=100, blank=True)
    price = models.DecimalField(
        _("price (¥)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    specs = models.JSONField(_("other specs"), default=dict, blank=True, help_text=_("Further attributes by name."))
    description = models.TextField(_("description"), blank=True)
    purchase_url = models.URLField(_("purchase URL"), max_length=500, blank=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category", "name"]
        indexes = [
            models.Index(fields=["category", "is_active"], name="product_category_active"),
            models.Index(fields=["organisation", "is_active"], name="product_organisation_active"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.UniqueConstraint(fields=["organisation", "sku"], name="product_sku_per_organisation"),
        ]

    tenant_parent = "category"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A product always belongs to its category's company.
        if self.category_id is not None:
            self.organisation_id = self.category.organisation_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not isinstance(self.specs, dict):
            raise ValidationError({"specs": _("Specs must be an object of attribute → value.")})


class Promotion(TimeStamped):
    """A promotion on a product or a whole category; the bot answers discount questions from these (issue 17)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, null=True, blank=True, related_name="promotions"
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="promotions",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", _("Mandarin")), ("yue", _("Cantonese")), ("en", _("English"))],
    )
    title = models.CharField(
        _("promotion"), max_length=200, help_text=_("As the bot says it, e.g. 年底下单立减 500 元.")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(category__isnull=False), name="promotion_has_product_or_category"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.product_id is None and self.category_id is None:
            raise ValidationError(_("Choose the product or the category the promotion is for."))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The promotion cannot end before it starts.")})


class Case(TenantOwned, TimeStamped):
    """A customer success story shown on the card's Cases tab."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("story"))
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    image = models.ImageField(_("image"), upload_to="cases/", blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]

    tenant_parent = "product,category,author"

    def __str__(self) -> str:
        return self.title


# --- Tags -------------------------------------------------------------------------------------------
class Tag(TenantOwned, TimeStamped):
    """An enterprise tag (managed in the admin, owner empty) or a staff member's personal tag."""

    tenant_parent = "owner"

    name = models.CharField(_("name"), max_length=50)
    owner = models.ForeignKey(
        User,
        verbose_name=_("personal tag of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_tags",
        help_text=_("Empty for an enterprise tag every colleague sees."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1677ff",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1677ff."))],
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], condition=Q(owner__isnull=True), name="tag_enterprise_unique"
            ),
            models.UniqueConstraint(fields=["owner", "name"], name="tag_personal_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.owner_id is None


class CustomerTag(models.Model):
    """A tag on a customer, put there by hand or by automatic analysis."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        AUTO = "auto", _("Automatic")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tag_links"
    )
    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="customer_links")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    added_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [models.UniqueConstraint(fields=["customer", "tag"], name="customer_tag_unique")]
        indexes = [models.Index(fields=["tag", "customer"], name="customer_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.tag}"


# --- IM relations and chats -------------------------------------------------------------------------
class Friendship(models.Model):
    """A staff member and a customer are friends on the IM platform (P1, P4)."""

    staff = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="friendships"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="friendships"
    )
    remark = models.CharField(_("remark"), max_length=100, blank=True, help_text=_("The name staff gave the contact."))
    since = models.DateTimeField(_("friends since"), default=timezone.now)

    class Meta:
        verbose_name = _("IM friendship")
        verbose_name_plural = _("IM friendships")
        ordering = ["-since"]
        constraints = [models.UniqueConstraint(fields=["staff", "customer"], name="friendship_unique")]
        indexes = [models.Index(fields=["customer", "staff"], name="friendship_by_customer")]

    def __str__(self) -> str:
        return f"{self.staff} ↔ {self.customer}"


class ChatGroup(TenantOwned, TimeStamped):
    """An IM group chat with staff and customers as members."""

    name = models.CharField(_("name"), max_length=100)
    external_id = models.CharField(_("IM group id"), max_length=100, null=True, blank=True)

    class Meta:
        verbose_name = _("group chat")
        verbose_name_plural = _("group chats")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=Q(external_id__isnull=False),
                name="chat_group_im_id_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChatGroupMembership(models.Model):
    """One member of a group chat: exactly one of staff or customer."""

    group = models.ForeignKey(ChatGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey(
        User,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.CheckConstraint(
                condition=(Q(staff__isnull=False) & Q(customer__isnull=True))
                | (Q(staff__isnull=True) & Q(customer__isnull=False)),
                name="membership_staff_xor_customer",
            ),
            models.UniqueConstraint(fields=["group", "staff"], name="membership_staff_unique"),
            models.UniqueConstraint(fields=["group", "customer"], name="membership_customer_unique"),
        ]
        indexes = [models.Index(fields=["customer", "group"], name="membership_by_customer")]

    def __str__(self) -> str:
        return f"{self.group} · {self.staff or self.customer}"

    def clean(self) -> None:
        if bool(self.staff_id) == bool(self.customer_id):
            raise ValidationError(_("A group member is either a staff member or a customer, not both or neither."))


class ChatMessage(models.Model):
    """One IM message between a customer and staff, one-to-one or in a group (P2)."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the customer")
        OUTBOUND = "out", _("From staff")

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        IMAGE = "image", _("Image")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        help_text=_("The customer who wrote or was addressed; empty for a staff post to a whole group."),
    )
    staff = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    group = models.ForeignKey(
        ChatGroup, verbose_name=_("group"), on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(_("text"), blank=True)
    image = models.ImageField(_("image"), upload_to="chat/%Y/%m/", blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    external_id = models.CharField(_("IM message id"), max_length=100, null=True, blank=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["customer", "-sent_at"], name="message_customer_recent"),
            models.Index(fields=["staff", "-sent_at"], name="message_staff_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind="image") | ~Q(text=""), name="message_text_not_empty"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(group__isnull=False), name="message_customer_or_group"
            ),
            # An IM message id is unique within one company's customer or group, not across companies (issue 19).
            models.UniqueConstraint(
                fields=["customer", "external_id"],
                condition=Q(customer__isnull=False, external_id__isnull=False),
                name="message_im_id_per_customer",
            ),
            models.UniqueConstraint(
                fields=["group", "external_id"],
                condition=Q(customer__isnull=True, external_id__isnull=False),
                name="message_im_id_per_group",
            ),
        ]

    def __str__(self) -> str:
        who = self.customer or self.group
        return f"{who} · {self.get_direction_display()} · {self.text[:30] or self.get_kind_display()}"


# --- Behaviour --------------------------------------------------------------------------------------
class BehaviorEvent(models.Model):
    """Something a customer did (S1 usage, P5 operations towards staff, B4 transactions)."""

    class Kind(models.TextChoices):
        CARD_OPEN = "card_open", _("Opened the card")
        TAB_VIEW = "tab_view", _("Viewed a card tab")
        ARTICLE_READ = "article_read", _("Read an article")
        PRODUCT_CLICK = "product_click", _("Clicked a product")
        LINK_CLICK = "link_click", _("Clicked a link")
        SHARE = "share", _("Shared")
        APP_USAGE = "app_usage", _("App usage")
        BROWSE = "browse", _("Browsed")
        SEARCH = "search", _("Searched")
        TRANSACTION = "transaction", _("Transaction")
        MOMENTS_VIEW = "moments_view", _("Viewed moments")
        FRIEND_ADDED = "friend_added", _("Became an IM friend")
        JOINED_GROUP = "joined_group", _("Joined a group chat")
        LEFT_GROUP = "left_group", _("Left a group chat")

    # Kinds that count as usage data: used only under the customer's usage-data consent (X3).
    USAGE_KINDS = frozenset({Kind.APP_USAGE, Kind.BROWSE, Kind.ARTICLE_READ, Kind.SEARCH})

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="events")
    staff = models.ForeignKey(
        User,
        verbose_name=_("towards staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    seconds = models.PositiveIntegerField(_("seconds"), null=True, blank=True, help_text=_("Reading or browsing time."))
    app_name = models.CharField(_("app"), max_length=100, blank=True)
    app_category = models.CharField(_("app category"), max_length=50, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True, help_text=_("Daily minutes in the app."))
    query = models.CharField(_("search query"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount (¥)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    target = models.CharField(
        _("target"), max_length=300, blank=True, help_text=_("Tab name, article title or URL the event concerns.")
    )
    external_id = models.CharField(
        _("source event id"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Id given by the system that reported the event; makes imports and webhooks idempotent."),
    )

    class Meta:
        verbose_name = _("behaviour event")
        verbose_name_plural = _("behaviour events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="event_customer_recent"),
            models.Index(fields=["customer", "kind", "-occurred_at"], name="event_customer_kind"),
            models.Index(fields=["staff", "-occurred_at"], name="event_staff_recent"),
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="event_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        required = {
            self.Kind.APP_USAGE: ("app_name", "minutes"),
            self.Kind.ARTICLE_READ: ("seconds",),
            self.Kind.BROWSE: ("seconds",),
            self.Kind.SEARCH: ("query",),
            self.Kind.TRANSACTION: ("product", "amount"),
            self.Kind.PRODUCT_CLICK: ("product",),
            self.Kind.TAB_VIEW: ("target",),
        }.get(self.kind, ())
        for field in required:
            if getattr(self, field) in (None, ""):
                errors[field] = _("Required for a “%(kind)s” event.") % {"kind": self.get_kind_display()}
        if self.occurred_at and self.occurred_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["occurred_at"] = _("An event cannot lie in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_usage_data(self) -> bool:
        return self.kind in self.USAGE_KINDS


# --- IM integration and the profile sidebar (P1–P6) -------------------------------------------------------------------
class PrivacyRequest(models.Model):
    """The log of data exports and erasures (X3). Kept after an erasure, naming the customer by id only."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erasure")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.SET_NULL, null=True, related_name="privacy_requests"
    )
    customer_ref = models.PositiveIntegerField(_("customer id"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    performed_by = models.ForeignKey(
        User, verbose_name=_("performed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · #{self.customer_ref} · {self.performed_at:%Y-%m-%d %H:%M}"
