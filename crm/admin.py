"""The managers' admin for every CRM model: list columns, search, filters, inlines and read-only audit
fields, laid out so a sales manager can work in it without training."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.admin_scoping import visible_rows
from crm.consent import current_consents
from crm.models import (
    BehaviorEvent,
    Case,
    ChatGroup,
    ChatGroupMembership,
    ChatMessage,
    CompanyFact,
    Consent,
    Customer,
    CustomerTag,
    Friendship,
    Organisation,
    PrivacyRequest,
    Product,
    ProductCategory,
    Promotion,
    Tag,
    User,
)

RECENT_EVENTS_SHOWN = 20
SHORT_PURPOSE = {
    Consent.Purpose.USAGE_DATA: _("usage data"),
    Consent.Purpose.PROFILE_EXTRACTION: _("profile extraction"),
    Consent.Purpose.CALL_RECORDING: _("call recording"),
    Consent.Purpose.CONTACT: _("contact"),
}


class RecordOnlyMixin:
    """Rows the product writes itself (events, visits, deliveries, probes): shown, never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "title", "phone", "email", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "phone", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["last_name", "first_name", "email", "phone", "title", "im_user_id"]}),
        (
            _("Role and access"),
            {"fields": ["role", "organisation", "is_active", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "role", "last_name", "first_name", "phone", "title", "password1", "password2"],
            },
        )
    ]

    @admin.display(description=pgettext_lazy("person", "name"))
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        # Only a superuser hands out superuser rights.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields


class CustomerTagInline(admin.TabularInline):
    model = CustomerTag
    extra = 0
    autocomplete_fields = ["tag"]
    readonly_fields = ["added_by", "added_at"]
    fields = ["tag", "source", "added_by", "added_at"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    fields = ["purpose", "granted", "source", "decided_at", "recorded_by", "note"]
    readonly_fields = ["recorded_by"]
    ordering = ["-decided_at"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The consent log is append-only: a new decision is a new row.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FriendshipInline(admin.TabularInline):
    model = Friendship
    extra = 0
    autocomplete_fields = ["staff"]
    fields = ["staff", "remark", "since"]


class CompanyFactInline(admin.TabularInline):
    model = CompanyFact
    extra = 0
    fields = ["topic", "language", "text", "human_only"]


@admin.register(CompanyFact)
class CompanyFactAdmin(admin.ModelAdmin):
    """Every company fact the card's bot answers from, across organisations (also edited inline on each)."""

    list_display = ["organisation", "topic", "language", "text", "human_only", "updated_at"]
    list_filter = ["organisation", "topic", "language", "human_only"]
    list_select_related = ["organisation"]
    search_fields = ["text", "organisation__name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """The company behind cards and staff, with what the card's bot answers about it (issue 17 item 3)."""

    list_display = ["name", "phone", "site_url", "staff_count"]
    search_fields = ["name"]
    inlines = [CompanyFactInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(staff_total=Count("staff"))

    @admin.display(description=_("staff"), ordering="staff_total")
    def staff_count(self, organisation: Organisation) -> int:
        return organisation.staff_total


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "name", "gender", "age", "residence", "language", "income_band", "owner", "phone", "consent_summary",
        "updated_at",
    ]  # fmt: skip
    list_filter = ["gender", "language", "dialect", "income_band", "married", "mbti", "source", "owner"]
    search_fields = ["name", "phone", "email", "company", "external_im_id", "residence"]
    list_select_related = ["owner"]
    list_per_page = 50
    date_hierarchy = "created_at"
    autocomplete_fields = ["owner"]
    readonly_fields = ["age", "created_at", "updated_at", "recent_events"]
    inlines = [CustomerTagInline, ConsentInline, FriendshipInline]
    fieldsets = [
        (
            _("Basic information"),
            {
                "fields": [
                    "name",
                    "gender",
                    "birthday",
                    "birth_month_day",
                    "birth_year",
                    "age",
                    "hometown",
                    "residence",
                    "married",
                    "children",
                    "avatar_url",
                ],
            },
        ),
        (_("Contact"), {"fields": ["phone", "email", "external_im_id", "language", "dialect"]}),
        (
            _("Work and wealth"),
            {
                "fields": ["company", "job_title", "income_band", "monthly_online_spend", "budget", "assets"],
            },
        ),
        (_("Personality and preferences"), {"fields": ["mbti", "observed_social_style", "hobbies", "preferences"]}),
        (_("Ownership"), {"fields": ["owner", "source", "created_at", "updated_at"]}),
        (_("Recent behaviour"), {"fields": ["recent_events"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).prefetch_related("consents")

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CustomerTag) and not instance.added_by_id:
                instance.added_by = request.user
            if isinstance(instance, Consent) and not instance.recorded_by_id:
                instance.recorded_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    @admin.display(description=_("age"))
    def age(self, customer: Customer) -> int | None:
        return customer.age

    @admin.display(description=_("consent"))
    def consent_summary(self, customer: Customer) -> str:
        granted = [str(SHORT_PURPOSE[purpose]) for purpose, ok in current_consents(customer).items() if ok]
        return " · ".join(granted) or "—"

    @admin.display(description=_("latest events"))
    def recent_events(self, customer: Customer) -> str:
        events = customer.events.select_related("product", "staff")[:RECENT_EVENTS_SHOWN]
        if not events:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((f"{e.occurred_at:%Y-%m-%d %H:%M}", e.get_kind_display(), describe_event(e)) for e in events),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)


def describe_event(event: BehaviorEvent) -> str:
    """A one-line human description of an event's details."""
    parts = [
        event.product.name if event.product else "",
        event.app_name and f"{event.app_name} ({event.app_category}) {event.minutes or 0} min",
        event.query and f"“{event.query}”",
        event.target,
        event.seconds is not None and f"{event.seconds} s",
        event.amount is not None and f"¥{event.amount}",
        event.staff and f"→ {event.staff}",
    ]
    return " · ".join(str(p) for p in parts if p)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["customer", "purpose", "granted", "source", "decided_at", "recorded_by"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["customer__name", "customer__phone"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["recorded_by"]
    list_select_related = ["customer", "recorded_by"]
    date_hierarchy = "decided_at"

    def save_model(self, request: HttpRequest, obj: Consent, form, change: bool) -> None:
        if not obj.recorded_by_id:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "line_of_business", "product_count", "updated_at"]
    list_filter = ["line_of_business"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductCategory]:
        return super().get_queryset(request).annotate(n_products=Count("products"))

    @admin.display(description=_("products"), ordering="n_products")
    def product_count(self, category: ProductCategory) -> int:
        return category.n_products


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "design", "colour", "size", "price", "is_active", "updated_at"]
    list_filter = ["is_active", "category__line_of_business", "category"]
    list_editable = ["is_active"]
    search_fields = ["name", "sku", "design", "colour"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at", "link"]
    fieldsets = [
        (None, {"fields": ["name", "sku", "category", "is_active"]}),
        (_("Specs"), {"fields": ["design", "colour", "size", "price", "specs", "description"]}),
        (_("Selling"), {"fields": ["purchase_url", "link", "image"]}),
        (_("Audit"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("open purchase page"))
    def link(self, product: Product) -> str:
        if not product.purchase_url:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', product.purchase_url, product.purchase_url
        )


class PromotionCategoryFilter(admin.SimpleListFilter):
    """A promotion's category: its own, or its product's."""

    title = _("category")
    parameter_name = "for_category"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        categories = visible_rows(ProductCategory.objects.all(), request)  # the manager's organisation's only
        return [(str(pk), name) for pk, name in categories.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Promotion]) -> QuerySet[Promotion]:
        if not self.value():
            return queryset
        return queryset.filter(Q(category_id=self.value()) | Q(product__category_id=self.value()))


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    """Managers edit the promotions the card's bot names when asked about discounts."""

    list_display = ["title", "product", "category", "language", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active", PromotionCategoryFilter, "language"]
    list_editable = ["is_active"]
    search_fields = ["title", "product__name", "category__name"]
    list_select_related = ["product", "category"]
    autocomplete_fields = ["product", "category"]
    date_hierarchy = "starts_on"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "language", "is_active"]}),
        (_("For"), {"fields": ["product", "category"]}),
        (_("When"), {"fields": ["starts_on", "ends_on"]}),
        (_("Audit"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "category", "is_published", "author", "created_at"]
    list_filter = ["is_published", "category"]
    search_fields = ["title", "summary", "body"]
    autocomplete_fields = ["product", "category", "author"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        if not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "colour_swatch", "customer_count"]
    list_filter = [("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).select_related("owner").annotate(n_customers=Count("customer_links"))

    @admin.display(description=_("kind"))
    def kind(self, tag: Tag) -> str:
        return str(_("Enterprise") if tag.is_enterprise else _("Personal"))

    @admin.display(description=_("colour"))
    def colour_swatch(self, tag: Tag) -> str:
        return format_html('<span style="display:inline-block;width:1em;height:1em;background:{}"></span>', tag.colour)

    @admin.display(description=_("customers"), ordering="n_customers")
    def customer_count(self, tag: Tag) -> int:
        return tag.n_customers


@admin.register(CustomerTag)
class CustomerTagAdmin(admin.ModelAdmin):
    list_display = ["customer", "tag", "source", "added_by", "added_at"]
    list_filter = ["source", "tag"]
    search_fields = ["customer__name", "tag__name"]
    autocomplete_fields = ["customer", "tag"]
    readonly_fields = ["added_by", "added_at"]
    list_select_related = ["customer", "tag", "added_by"]

    def save_model(self, request: HttpRequest, obj: CustomerTag, form, change: bool) -> None:
        if not obj.added_by_id:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Friendship)
class FriendshipAdmin(admin.ModelAdmin):
    list_display = ["staff", "customer", "remark", "since"]
    list_filter = ["staff"]
    search_fields = ["customer__name", "remark", "staff__username", "staff__first_name"]
    autocomplete_fields = ["staff", "customer"]
    list_select_related = ["staff", "customer"]
    date_hierarchy = "since"


class MembershipInline(admin.TabularInline):
    model = ChatGroupMembership
    extra = 0
    autocomplete_fields = ["staff", "customer"]
    fields = ["staff", "customer", "joined_at"]


@admin.register(ChatGroup)
class ChatGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "member_count", "created_at"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChatGroup]:
        return super().get_queryset(request).annotate(n_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, group: ChatGroup) -> int:
        return group.n_members


@admin.register(ChatGroupMembership)
class ChatGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["group", "staff", "customer", "joined_at"]
    list_filter = ["group"]
    search_fields = ["group__name", "customer__name", "staff__username"]
    autocomplete_fields = ["group", "staff", "customer"]
    list_select_related = ["group", "staff", "customer"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "customer", "direction", "staff", "group", "kind", "short_text"]
    list_filter = ["direction", "kind", "staff"]
    search_fields = ["text", "customer__name"]
    autocomplete_fields = ["customer", "staff", "group"]
    list_select_related = ["customer", "staff", "group"]
    date_hierarchy = "sent_at"

    @admin.display(description=_("text"))
    def short_text(self, message: ChatMessage) -> str:
        return message.text[:40] + ("…" if len(message.text) > 40 else "")


@admin.register(BehaviorEvent)
class BehaviorEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "kind", "details", "staff"]
    list_filter = ["kind", "staff", "app_category"]
    search_fields = ["customer__name", "query", "target", "app_name", "product__name"]
    autocomplete_fields = ["customer", "staff", "product", "category"]
    list_select_related = ["customer", "staff", "product"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # the table grows to millions of rows; skip the extra COUNT(*)

    @admin.display(description=_("details"))
    def details(self, event: BehaviorEvent) -> str:
        return describe_event(event)


# --- IM integration and the profile sidebar (P1–P6, X3) ---------------------------------------------------------------


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(RecordOnlyMixin, admin.ModelAdmin):
    list_display = ["performed_at", "action", "customer_ref", "customer", "performed_by"]
    list_filter = ["action"]
    list_select_related = ["customer", "performed_by"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
