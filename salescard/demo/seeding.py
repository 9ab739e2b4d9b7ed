"""Write the demo data behind ``manage.py seed_demo`` (SPEC S1, S7, P1–P5, B4, B6, X3; issue 19 item 4).

Two companies, each an organisation: 招财银行 (banking and insurance) and 好家居生活馆 (home furnishing). Every row is
created in its company's organisation, named explicitly: staff, categories, products, cases, tags, group chats and
customers; a customer's consents, tags, friendships, chats and behaviour stay inside it (friends and groups of the
company's own staff, products of the company's own shelf). Which company a demo customer belongs to follows from
their hidden wants: people furnishing a home shop at the retailer, savers, investors and the insured bank at the bank.

Deterministic: every customer is drawn from random streams named by the seed and the customer's index, and all
times are placed relative to an anchor — midnight of the day the first demo customer was stored (today on a first
run) — so nothing depends on the wall clock or on global random state. Idempotent: rows are found by natural keys
(username, category code, SKU, case title, tag name, group and customer IM ids); what exists is left as it is, and
only missing customers are drawn and written, together with everything that belongs to them.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from faker import Faker

from crm.models import (
    BehaviorEvent,
    Case,
    ChatGroup,
    ChatGroupMembership,
    ChatMessage,
    Consent,
    Customer,
    CustomerTag,
    Friendship,
    Organisation,
    Product,
    ProductCategory,
    Tag,
    User,
)
from salescard.demo.behaviour import HISTORY_DAYS, Shelf, Subject, draw_events
from salescard.demo.catalogue import CATEGORIES, CATEGORY_COMPANY, PRODUCT_COMPANY, PRODUCTS
from salescard.demo.companies import BANK, COMPANIES, HOME, ensure_demo_companies
from salescard.demo.consents import draw_consents, granted_periods
from salescard.demo.im import GROUPS, Circle, draw_social
from salescard.demo.people import DemoCustomer, demo_customer_id, draw_customer
from salescard.demo.preferences import HiddenPreferences, choose_company, draw_preferences
from salescard.demo.staff import SALESPEOPLE, StaffMember, demo_team, salespeople_of, team_of
from salescard.demo.stories import CASES
from salescard.demo.styles import draw_observed_style
from salescard.demo.tags import ENTERPRISE_TAGS, PERSONAL_TAGS, draw_customer_tags

MAX_CUSTOMERS = 100_000
CHUNK = 250  # customers drawn and written at a time, to bound memory on large seeds
BATCH = 2000  # rows per INSERT
CUSTOMER_PREFIX = "demo-c-"


@dataclass(frozen=True)
class SeedReport:
    """How many rows of each kind one run created (all zero when everything already existed)."""

    staff: int = 0
    company_facts: int = 0
    categories: int = 0
    products: int = 0
    cases: int = 0
    tags: int = 0
    groups: int = 0
    customers: int = 0
    consents: int = 0
    customer_tags: int = 0
    friendships: int = 0
    memberships: int = 0
    messages: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class _World:
    """What every customer is drawn against: the companies, their teams, shelves, tags and groups, and the anchor."""

    organisations: dict[str, Organisation]  # company key → organisation
    team: dict[str, User]
    circles: dict[str, Circle]  # owner username → the staff a customer of theirs may meet
    shelves: dict[str, Shelf]  # company key → its products on sale
    tags: dict[tuple[str, str, str], Tag]  # (company, owner username or "", name) → tag
    groups: dict[str, ChatGroup]  # external id → group
    anchor: datetime


def seed_demo(seed: int = 42, customers: int = 300) -> SeedReport:
    """Create the two demo companies with their teams and catalogues, and customers 1…``customers`` where missing."""
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"The number of demo customers must be between 1 and {MAX_CUSTOMERS}, not {customers}.")
    created: Counter[str] = Counter()
    with transaction.atomic():
        anchor = _anchor()
        organisations, facts = ensure_demo_companies()
        created["company_facts"] += facts
        team = _ensure_staff(organisations, created)
        shelves = _ensure_catalogue(organisations, created)
        _ensure_cases(organisations, team, created)
        world = _World(
            organisations=organisations,
            team=team,
            circles=_circles(),
            shelves=shelves,
            tags=_ensure_tags(organisations, team, created),
            groups=_ensure_groups(organisations, team, anchor, created),
            anchor=anchor,
        )
        existing = set(
            Customer.objects.filter(external_im_id__startswith=CUSTOMER_PREFIX).values_list("external_im_id", flat=True)
        )
        missing = [index for index in range(1, customers + 1) if demo_customer_id(index) not in existing]
        for start in range(0, len(missing), CHUNK):
            _seed_customers(missing[start : start + CHUNK], seed, world, created)
    return SeedReport(**created)


def _anchor() -> datetime:
    """Midnight (local time) of the day the first demo customer was stored, or of today on a first run."""
    first = Customer.objects.filter(external_im_id__startswith=CUSTOMER_PREFIX).aggregate(first=Min("created_at"))
    moment = first["first"] or timezone.now()
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


def _left_groups(memberships: list, anchor: datetime, rng: random.Random) -> dict:
    """The memberships a customer ended again (about one customer in four leaves a group), with when they left."""
    return {
        m: m.joined_at + (anchor - m.joined_at) * rng.uniform(0.2, 0.9)
        for m in memberships[:1]
        if rng.random() < 0.25 and m.joined_at < anchor
    }


def _im_events(customer: Customer, company: str, social, left: dict, world, rng: random.Random) -> list[BehaviorEvent]:
    """What the customer did on the IM platform (P5): became a friend, joined and left groups, viewed moments."""
    events = [
        BehaviorEvent(
            customer=customer, staff=world.team[f.staff], kind=BehaviorEvent.Kind.FRIEND_ADDED, occurred_at=f.since
        )  # fmt: skip
        for f in social.friends
    ]
    for m in social.memberships:
        name = world.groups[m.group].name
        events.append(BehaviorEvent(customer=customer, kind=BehaviorEvent.Kind.JOINED_GROUP, occurred_at=m.joined_at,
                                    target=name))  # fmt: skip
        if m in left:
            events.append(BehaviorEvent(customer=customer, kind=BehaviorEvent.Kind.LEFT_GROUP, occurred_at=left[m],
                                        target=name))  # fmt: skip
    for f in social.friends:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            moment = f.since + (world.anchor - f.since) * rng.random()
            events.append(BehaviorEvent(customer=customer, staff=world.team[f.staff],
                                        kind=BehaviorEvent.Kind.MOMENTS_VIEW, occurred_at=moment,
                                        target=rng.choice(MOMENTS[company])))  # fmt: skip
    return events


MOMENTS = {
    BANK: ("朋友圈：理财早报", "朋友圈：客户案例分享", "朋友圈：保障知识小课堂", "朋友圈：存款利率速递",
           "朋友圈：周末理财沙龙预告"),
    HOME: ("朋友圈：新品上市", "朋友圈：客户案例分享", "朋友圈：样板间实拍", "朋友圈：周末活动预告",
           "朋友圈：收纳小妙招"),
}  # fmt: skip


def _stream(seed: int, index: int, topic: str) -> random.Random:
    """An independent random stream per customer and topic, so that changing one topic leaves the others alone."""
    return random.Random(f"salescard-demo:{seed}:{index}:{topic}")


# --- Shared rows ------------------------------------------------------------------------------------
def _ensure_staff(organisations: dict[str, Organisation], created: Counter[str]) -> dict[str, User]:
    """Both demo teams by username, each in its company's organisation with its lines of business.

    Existing users keep their password; one the default organisation holds (made before the companies existed) is
    moved into its company, and one without lines of business gets the demo's."""
    team: dict[str, User] = {}
    for member in demo_team():
        organisation = organisations[member.company]
        user = User.objects.filter(username=member.username).select_related("organisation").first()
        if user is None:
            user = User(
                username=member.username,
                role=member.role,
                first_name=member.first_name,
                last_name=member.last_name,
                phone=member.phone,
                title=member.title,
                email=member.email,
                organisation=organisation,
                lines_of_business=list(member.lines),
            )
            user.set_unusable_password()
            user.save()
            created["staff"] += 1
        else:
            changed = []
            if user.organisation_id != organisation.pk and (user.organisation is None or user.organisation.is_default):
                user.organisation = organisation
                changed.append("organisation")
            if member.lines and not user.lines_of_business:
                user.lines_of_business = list(member.lines)
                changed.append("lines_of_business")
            if changed:
                user.save(update_fields=changed)
        team[member.username] = user
    return team


def _circles() -> dict[str, Circle]:
    """Per salesperson: the colleagues of the same company a customer of theirs may also meet (not the manager)."""
    circles: dict[str, Circle] = {}
    for owner in SALESPEOPLE:
        company_team = [m for m in team_of(owner.company) if m.role != User.Role.MANAGER]
        by_username = {member.username: member for member in team_of(owner.company)}
        colleagues = tuple(m for m in company_team if m.username != owner.username)
        circles[owner.username] = Circle(owner, colleagues, by_username)
    return circles


def _ensure_catalogue(organisations: dict[str, Organisation], created: Counter[str]) -> dict[str, Shelf]:
    """Each company's categories and products, in its organisation; returns each company's shelf."""
    categories: dict[str, ProductCategory] = {}
    for spec in CATEGORIES:
        category, new = ProductCategory.objects.get_or_create(
            organisation=organisations[CATEGORY_COMPANY[spec.code]],
            code=spec.code,
            defaults={"name": spec.name, "line_of_business": spec.line, "description": spec.description},
        )
        categories[spec.code] = category
        created["categories"] += new
    for spec in PRODUCTS:
        _, new = Product.objects.get_or_create(
            organisation=organisations[PRODUCT_COMPANY[spec.sku]],
            sku=spec.sku,
            defaults={
                "category": categories[spec.category],
                "name": spec.name,
                "design": spec.design,
                "colour": spec.colour,
                "size": spec.size,
                "price": spec.price,
                "specs": spec.specs,
                "description": spec.description,
                "purchase_url": spec.purchase_url,
                "is_active": spec.is_active,
            },
        )
        created["products"] += new
    codes = {category.pk: code for code, category in categories.items()}
    demo_products = Product.objects.filter(category__in=categories.values(), sku__in=[spec.sku for spec in PRODUCTS])
    on_sale: dict[str, list[Product]] = {spec.code: [] for spec in CATEGORIES}
    every: dict[str, list[Product]] = {spec.code: [] for spec in CATEGORIES}
    for product in demo_products.order_by("sku"):
        code = codes[product.category_id]
        every[code].append(product)
        if product.is_active:
            on_sale[code].append(product)
    # A category whose demo products were all taken off sale still gets browsed, so the data stays complete.
    return {
        key: Shelf({code: on_sale[code] or every[code] for code in on_sale if CATEGORY_COMPANY[code] == key})
        for key in COMPANIES
    }


def _ensure_cases(organisations: dict[str, Organisation], team: dict[str, User], created: Counter[str]) -> None:
    """Each company's success stories, in its organisation, about its own products."""
    for spec in CASES:
        organisation = organisations[PRODUCT_COMPANY[spec.sku]]
        product = Product.objects.get(organisation=organisation, sku=spec.sku)
        _, new = Case.objects.get_or_create(
            organisation=organisation,
            title=spec.title,
            defaults={
                "summary": spec.summary,
                "body": spec.body,
                "product": product,
                "category_id": product.category_id,
                "author": team[spec.author],
            },
        )
        created["cases"] += new


def _ensure_tags(
    organisations: dict[str, Organisation], team: dict[str, User], created: Counter[str]
) -> dict[tuple[str, str, str], Tag]:
    tags: dict[tuple[str, str, str], Tag] = {}
    for spec in (*ENTERPRISE_TAGS, *PERSONAL_TAGS):
        owner = team[spec.owner] if spec.owner else None
        tag, new = Tag.objects.get_or_create(
            organisation=organisations[spec.company], name=spec.name, owner=owner, defaults={"colour": spec.colour}
        )
        tags[(spec.company, spec.owner, spec.name)] = tag
        created["tags"] += new
    return tags


def _ensure_groups(
    organisations: dict[str, Organisation], team: dict[str, User], anchor: datetime, created: Counter[str]
) -> dict[str, ChatGroup]:
    groups: dict[str, ChatGroup] = {}
    managers = {m.company: team[m.username] for m in demo_team() if m.role == User.Role.MANAGER}
    for number, spec in enumerate(GROUPS):
        group, new = ChatGroup.objects.get_or_create(
            organisation=organisations[spec.company], external_id=spec.external_id, defaults={"name": spec.name}
        )
        groups[spec.external_id] = group
        if new:
            created["groups"] += 1
            staff = [team[username] for username in spec.staff] + (
                [managers[spec.company]] if spec.with_manager else []
            )
            opened = anchor - timedelta(days=420 - 30 * number)
            ChatGroupMembership.objects.bulk_create(
                ChatGroupMembership(group=group, staff=user, joined_at=opened) for user in staff
            )
            created["memberships"] += len(staff)
    return groups


def _owner(company: str, draft: DemoCustomer, preferences: HiddenPreferences) -> StaffMember:
    """The salesperson who looks after a customer: at the bank, 黄敏 (insurance) mostly takes customers who want
    insurance more than banking, 陈静 (banking and insurance) the rest; at the retailer both showroom salespeople."""
    sellers = salespeople_of(company)
    if company == BANK:
        insurance = [m for m in sellers if m.lines == ("insurance",)]
        wants_insurance = preferences.line_weight("insurance") > preferences.line_weight("banking")
        if insurance and wants_insurance and draft.owner_slot != 0:
            return insurance[0]
        return next(m for m in sellers if m not in insurance)
    return sellers[1] if draft.owner_slot == 1 and len(sellers) > 1 else sellers[0]


# --- Customers --------------------------------------------------------------------------------------
def _seed_customers(indices: list[int], seed: int, world: _World, created: Counter[str]) -> None:
    faker = Faker("zh_CN")
    drafts: list[DemoCustomer] = []
    wants: list[HiddenPreferences] = []
    companies: list[str] = []
    for index in indices:
        faker.seed_instance(f"salescard-demo:{seed}:{index}:faker")
        draft = draw_customer(index, _stream(seed, index, "profile"), faker, world.anchor.date())
        draft.fields["observed_social_style"] = draw_observed_style(draft, _stream(seed, index, "style"))
        every = draw_preferences(draft, _stream(seed, index, "preferences"))
        company = choose_company(every, _stream(seed, index, "company"))
        if company == HOME and draft.fields["source"] == Customer.Source.BRANCH:
            draft.fields["source"] = Customer.Source.MANUAL  # met in the showroom, not at a bank branch
        drafts.append(draft)
        wants.append(every.narrowed(company))
        companies.append(company)
    owners = [
        world.team[_owner(company, draft, preferences).username]
        for draft, preferences, company in zip(drafts, wants, companies, strict=True)
    ]
    Customer.objects.bulk_create(
        [
            draft.build(owner, world.organisations[company])
            for draft, owner, company in zip(drafts, owners, companies, strict=True)
        ]
    )
    created["customers"] += len(drafts)
    saved = {
        c.external_im_id: c
        for c in Customer.objects.filter(
            external_im_id__in=[draft.external_im_id for draft in drafts],
            organisation__in=world.organisations.values(),
        )
    }

    rows: dict[type, list] = {model: [] for model in (Consent, CustomerTag, Friendship, ChatGroupMembership,
                                                      ChatMessage, BehaviorEvent)}  # fmt: skip
    for draft, owner, preferences, company in zip(drafts, owners, wants, companies, strict=True):
        customer = saved[draft.external_im_id]
        index = draft.index
        circle = world.circles[owner.username]

        decisions = draw_consents(_stream(seed, index, "consents"), world.anchor, HISTORY_DAYS)
        rows[Consent] += [
            decision.build(customer=customer, recorded_by=None if decision.source == Consent.Source.CARD else owner)
            for decision in decisions
        ]
        usage_periods = granted_periods(decisions, Consent.Purpose.USAGE_DATA, world.anchor)
        subject = Subject(customer, draft, preferences, usage_periods, owner, COMPANIES[company].site_url)
        shelf = world.shelves[company]
        events = draw_events(subject, shelf, _stream(seed, index, "events"), world.anchor)
        rows[BehaviorEvent] += events

        bought = any(
            event.kind == BehaviorEvent.Kind.TRANSACTION and (company == HOME or event.product.sku.startswith("IN-"))
            for event in events
        )
        tag_choices = draw_customer_tags(draft, company, owner.username, bought, _stream(seed, index, "tags"))
        rows[CustomerTag] += [
            CustomerTag(
                customer=customer,
                tag=world.tags[(spec.company, spec.owner, spec.name)],
                source=source,
                added_by=owner if source == CustomerTag.Source.MANUAL else None,
            )
            for spec, source in tag_choices
        ]

        social = draw_social(draft, preferences, circle, shelf.products, _stream(seed, index, "im"), world.anchor)
        rows[Friendship] += [
            Friendship(staff=world.team[f.staff], customer=customer, remark=f.remark, since=f.since)
            for f in social.friends
        ]
        left = _left_groups(social.memberships, world.anchor, _stream(seed, index, "im-left"))
        rows[ChatGroupMembership] += [
            ChatGroupMembership(group=world.groups[m.group], customer=customer, joined_at=m.joined_at)
            for m in social.memberships
            if m not in left
        ]
        rows[BehaviorEvent] += _im_events(customer, company, social, left, world, _stream(seed, index, "im-events"))
        rows[ChatMessage] += [
            ChatMessage(
                customer=customer,
                staff=world.team[m.staff],
                group=world.groups[m.group] if m.group else None,
                direction=ChatMessage.Direction.INBOUND if m.inbound else ChatMessage.Direction.OUTBOUND,
                kind=ChatMessage.Kind.TEXT,
                text=m.text,
                sent_at=m.sent_at,
                external_id=f"demo-m-{index:04d}-{number:03d}",
            )
            for number, m in enumerate(social.messages, start=1)
        ]

    for model, key in (
        (Consent, "consents"),
        (CustomerTag, "customer_tags"),
        (Friendship, "friendships"),
        (ChatGroupMembership, "memberships"),
        (ChatMessage, "messages"),
        (BehaviorEvent, "events"),
    ):
        model.objects.bulk_create(rows[model], batch_size=BATCH)
        created[key] += len(rows[model])
