"""``manage.py seed_demo``: the demo team, catalogue and customers — deterministic, idempotent, consent-aware and
with purchase intent that can be learnt from behaviour (salescard/demo/, salescard/management/commands/seed_demo.py)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count

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
    Product,
    ProductCategory,
    Tag,
    User,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = (User, ProductCategory, Product, Case, Tag, Customer, Consent, CustomerTag, Friendship, ChatGroup,
          ChatGroupMembership, ChatMessage, BehaviorEvent)  # fmt: skip
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
CANTONESE_REGION = ("广东", "香港", "澳门")


def seed(**options: int) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def customer_snapshot() -> dict[str, tuple]:
    """Per demo customer: profile values, number of events by kind and the chat texts."""
    events = defaultdict(Counter)
    for external_id, kind in BehaviorEvent.objects.values_list("customer__external_im_id", "kind"):
        events[external_id][kind] += 1
    texts = defaultdict(list)
    for external_id, text in ChatMessage.objects.order_by("external_id").values_list(
        "customer__external_im_id", "text"
    ):
        texts[external_id].append(text)
    return {
        c.external_im_id: (c.name, c.phone, c.birthday, c.residence, c.assets, c.owner.username,
                           dict(events[c.external_im_id]), texts[c.external_im_id])
        for c in Customer.objects.select_related("owner")
    }  # fmt: skip


# --- Staff and catalogue ----------------------------------------------------------------------------
def test_creates_two_companies_with_managers_salespeople_and_branch_staff() -> None:
    seed(customers=5)

    roles = Counter(User.objects.values_list("organisation__name", "role"))
    assert roles == {
        ("招财银行", User.Role.MANAGER): 1,
        ("招财银行", User.Role.SALES): 2,
        ("招财银行", User.Role.BRANCH_STAFF): 2,
        ("好家居生活馆", User.Role.MANAGER): 1,
        ("好家居生活馆", User.Role.SALES): 2,
    }
    manager = User.objects.get(username=settings.DEMO_MANAGER_USERNAME)
    assert manager.role == User.Role.MANAGER and manager.is_staff and manager.organisation.name == "招财银行"
    for salesperson in User.objects.filter(role=User.Role.SALES):
        assert salesperson.last_name and salesperson.first_name and MAINLAND_MOBILE.match(salesperson.phone)
        assert salesperson.title in ("高级理财经理", "保险理财顾问", "家居顾问", "软装设计顾问")
        assert salesperson.lines_of_business
        assert not salesperson.has_usable_password()


def test_existing_staff_keep_their_password() -> None:
    UserFactory(username=settings.DEMO_MANAGER_USERNAME, role=User.Role.MANAGER, password="demo-login-secret")

    seed(customers=5)

    manager = User.objects.get(username=settings.DEMO_MANAGER_USERNAME)
    assert manager.check_password("demo-login-secret")
    assert manager.organisation.name == "招财银行"  # moved out of the default organisation it was made in
    assert User.objects.count() == 8


def test_catalogue_covers_three_lines_with_specs_and_purchase_links() -> None:
    seed(customers=5)

    products = list(Product.objects.select_related("category"))
    assert len(products) >= 36
    by_line = Counter(p.category.line_of_business for p in products)
    assert set(by_line) == set(ProductCategory.LineOfBusiness.values)
    assert min(by_line.values()) >= 10
    assert ProductCategory.objects.count() >= 12
    lines = set(ProductCategory.objects.values_list("organisation__name", "line_of_business"))
    assert lines == {("好家居生活馆", "home"), ("招财银行", "banking"), ("招财银行", "insurance")}
    for product in products:
        assert product.purchase_url == f"https://shop.salescard.example/p/{product.sku}"
        assert product.specs and "price_label" in product.specs
        assert product.name and product.size
    sofa = Product.objects.get(sku="HF-SOFA-01", organisation__name="好家居生活馆")
    assert (sofa.design, sofa.colour, sofa.size) == ("北欧简约", "浅灰", "三人位 2.1米")
    assert {p.specs.get("risk_level") for p in products} >= {"R1", "R2", "R3", "R4", "R5"}
    assert 1 <= sum(not p.is_active for p in products) <= 3
    assert Case.objects.filter(product__isnull=False, category__isnull=False).count() >= 8


def test_enterprise_and_personal_tags_are_applied_by_hand_and_automatically() -> None:
    seed(customers=40)

    bank = Tag.objects.filter(owner__isnull=True, organisation__name="招财银行")
    home = Tag.objects.filter(owner__isnull=True, organisation__name="好家居生活馆")
    assert bank.filter(name__in=["高净值", "潜在客户", "粤语客户", "已购保险"]).count() == 4
    assert home.filter(name__in=["潜在客户", "粤语客户", "新婚家庭", "装修中"]).count() == 4
    assert Tag.objects.filter(owner__role=User.Role.SALES).values("owner").distinct().count() == 4
    sources = Counter(CustomerTag.objects.values_list("source", flat=True))
    assert sources[CustomerTag.Source.AUTO] > 0 and sources[CustomerTag.Source.MANUAL] > 0
    personal = CustomerTag.objects.filter(tag__owner__isnull=False).select_related("tag", "customer")
    assert all(link.tag.owner_id == link.customer.owner_id for link in personal)
    assert all(link.tag.organisation_id == link.customer.organisation_id for link in CustomerTag.objects.all())


# --- Customers --------------------------------------------------------------------------------------
def test_customers_have_plausible_valid_profiles() -> None:
    seed(customers=120)

    customers = list(Customer.objects.all())
    assert len(customers) == 120
    for customer in customers:
        customer.full_clean()
        assert 22 <= customer.age <= 70
        assert MAINLAND_MOBILE.match(customer.phone)
        assert set(customer.assets) == set(Customer.ASSET_CLASSES)
        assert customer.owner.role == User.Role.SALES
        assert customer.external_im_id.startswith("demo-c-")
    assert len({c.name for c in customers}) > 100
    assert {c.gender for c in customers} >= {Customer.Gender.FEMALE, Customer.Gender.MALE}
    assert len({c.mbti for c in customers if c.mbti}) >= 10
    assert any(c.mbti == "" for c in customers)
    assert {c.married for c in customers} >= {True, False}
    cantonese = [c for c in customers if c.language == Customer.Language.CANTONESE]
    assert cantonese and all(c.dialect == Customer.Dialect.CANTONESE for c in cantonese)
    assert sum(c.residence.startswith(CANTONESE_REGION) for c in cantonese) >= 0.8 * len(cantonese)
    assert any(c.dialect == Customer.Dialect.HOKKIEN for c in customers)
    assert any(c.language == Customer.Language.ENGLISH for c in customers)


def test_consent_states_are_mixed_and_withdrawals_follow_grants() -> None:
    seed(customers=120)

    states = Counter()
    for customer in Customer.objects.prefetch_related("consents"):
        usage = sorted(
            (c for c in customer.consents.all() if c.purpose == Consent.Purpose.USAGE_DATA), key=lambda c: c.decided_at
        )
        states[tuple(c.granted for c in usage)] += 1
    assert states[(True,)] > 60
    assert states[()] > 0  # never decided
    assert states[(True, False)] > 0  # granted, then withdrawn
    assert set(states) <= {(), (True,), (False,), (True, False)}
    purposes = set(Consent.objects.values_list("purpose", flat=True))
    assert purposes == set(Consent.Purpose.values)


# --- Determinism and idempotency --------------------------------------------------------------------
def test_same_seed_gives_the_same_data(monkeypatch) -> None:
    # Both runs must fall on the same demo day: a run across local midnight moves every birthday by one day.
    from salescard.demo import seeding

    anchor = seeding._anchor()
    monkeypatch.setattr(seeding, "_anchor", lambda: anchor)
    seed(customers=40)
    first = customer_snapshot()
    Customer.objects.all().delete()

    seed(customers=40)

    assert customer_snapshot() == first


def test_another_seed_gives_other_customers() -> None:
    seed(customers=40, seed=42)
    first = customer_snapshot()
    Customer.objects.all().delete()

    seed(customers=40, seed=7)

    second = customer_snapshot()
    assert set(second) == set(first)
    assert sum(first[key][:2] == second[key][:2] for key in first) == 0


def test_second_run_changes_nothing() -> None:
    seed(customers=40)
    counts = row_counts()
    sample = Customer.objects.get(external_im_id="demo-c-0007")
    sample_values = {f.attname: getattr(sample, f.attname) for f in Customer._meta.concrete_fields}

    output = seed(customers=40)

    assert row_counts() == counts
    again = Customer.objects.get(external_im_id="demo-c-0007")
    assert {f.attname: getattr(again, f.attname) for f in Customer._meta.concrete_fields} == sample_values
    assert "nothing created" in output


def test_more_customers_adds_only_the_missing_ones() -> None:
    seed(customers=20)
    before = customer_snapshot()
    updated = dict(Customer.objects.values_list("external_im_id", "updated_at"))

    seed(customers=30)

    after = customer_snapshot()
    assert len(after) == 30
    assert {key: after[key] for key in before} == before
    assert dict(Customer.objects.filter(external_im_id__in=updated).values_list("external_im_id", "updated_at")) == (
        updated
    )
    Customer.objects.all().delete()
    seed(customers=30)
    assert customer_snapshot() == after  # growing in two steps gives what one step gives


# --- Behaviour --------------------------------------------------------------------------------------
def test_usage_events_exist_only_while_usage_consent_is_granted() -> None:
    seed(customers=120)

    decisions = defaultdict(list)
    for customer_id, granted, decided_at in Consent.objects.filter(purpose=Consent.Purpose.USAGE_DATA).values_list(
        "customer_id", "granted", "decided_at"
    ):
        decisions[customer_id].append((decided_at, granted))
    usage = BehaviorEvent.objects.filter(kind__in=BehaviorEvent.USAGE_KINDS).values_list("customer_id", "occurred_at")
    assert usage.exists()
    for customer_id, occurred_at in usage:
        earlier = sorted(d for d in decisions[customer_id] if d[0] <= occurred_at)
        assert earlier and earlier[-1][1], f"usage event of customer {customer_id} at {occurred_at} without consent"

    never = Customer.objects.exclude(consents__purpose=Consent.Purpose.USAGE_DATA, consents__granted=True)
    assert never.exists()
    assert not BehaviorEvent.objects.filter(customer__in=never, kind__in=BehaviorEvent.USAGE_KINDS).exists()
    refusals = Consent.objects.filter(purpose=Consent.Purpose.USAGE_DATA, granted=False)
    assert any(len(decisions[r.customer_id]) == 2 for r in refusals)  # some withdrew an earlier grant
    for refusal in refusals:
        later = BehaviorEvent.objects.filter(
            customer=refusal.customer_id, kind__in=BehaviorEvent.USAGE_KINDS, occurred_at__gte=refusal.decided_at
        )
        assert not later.exists()
    # Card events and transactions need no usage consent.
    assert BehaviorEvent.objects.filter(customer__in=never, kind=BehaviorEvent.Kind.CARD_OPEN).exists()


def test_every_event_has_the_fields_its_kind_requires() -> None:
    seed(customers=40)

    events = list(BehaviorEvent.objects.select_related("product"))
    assert {e.kind for e in events} == set(BehaviorEvent.Kind.values)
    for event in events:
        event.clean()
    assert 50 <= len(events) / 40 <= 110
    browse = [e for e in events if e.kind == BehaviorEvent.Kind.BROWSE]
    assert all(e.product_id and e.category_id == e.product.category_id for e in browse)
    tabs = {e.target for e in events if e.kind == BehaviorEvent.Kind.TAB_VIEW}
    assert tabs <= {"Products", "Cases", "Chat", "Official site"}
    for event in events:
        if event.product_id:
            assert event.product.organisation_id == event.customer.organisation_id
    apps = {e.app_name for e in events if e.kind == BehaviorEvent.Kind.APP_USAGE}
    assert {"微信", "抖音"} <= apps and apps & {"好好住", "平安好医生", "招商银行", "同花顺"}
    assert all(e.staff_id for e in events if e.kind == BehaviorEvent.Kind.CARD_OPEN)


def test_purchases_follow_the_longest_browsed_category() -> None:
    """Intent is learnable: the category bought most is, far more often than chance, the one browsed longest."""
    seed(customers=150)

    bought, browsed = defaultdict(Counter), defaultdict(Counter)
    for customer_id, kind, category_id, seconds in BehaviorEvent.objects.filter(
        kind__in=[BehaviorEvent.Kind.TRANSACTION, BehaviorEvent.Kind.BROWSE]
    ).values_list("customer_id", "kind", "category_id", "seconds"):
        if kind == BehaviorEvent.Kind.TRANSACTION:
            bought[customer_id][category_id] += 1
        else:
            browsed[customer_id][category_id] += seconds
    both = [c for c in bought if browsed[c]]
    assert len(both) >= 40
    hits = sum(bought[c].most_common(1)[0][0] == browsed[c].most_common(1)[0][0] for c in both)
    chance = 1 / ProductCategory.objects.filter(organisation__name="招财银行").count()  # the larger shelf
    assert hits / len(both) > 4 * chance


# --- IM ---------------------------------------------------------------------------------------------
def test_customers_are_friends_with_their_owner_and_chat_in_both_directions() -> None:
    seed(customers=40)

    for customer in Customer.objects.all():
        assert Friendship.objects.filter(customer=customer, staff=customer.owner).exists()
        assert (
            not Friendship.objects.filter(customer=customer)
            .exclude(staff__organisation=customer.organisation_id)
            .exists()
        )
    assert Friendship.objects.count() > 40  # some customers also know a colleague
    assert 8 <= ChatGroup.objects.count() <= 12
    assert ChatGroupMembership.objects.filter(staff__isnull=False).exists()
    assert ChatGroupMembership.objects.filter(customer__isnull=False).exists()
    messages = ChatMessage.objects.all()
    assert set(messages.values_list("direction", flat=True)) == {"in", "out"}
    assert not messages.filter(external_id__isnull=True).exists()
    assert messages.filter(group__isnull=False).exists()
    texts = list(messages.filter(direction="in").values_list("text", flat=True))
    assert any("新号码" in t or "新号码系" in t or "new one is" in t for t in texts)
    assert messages.filter(text__contains="https://shop.salescard.example/p/").exists()
    assert messages.values("customer").annotate(n=Count("id")).filter(n__gte=2).count() == 40


# --- Command edges ----------------------------------------------------------------------------------
def test_command_prints_what_it_created() -> None:
    output = seed(customers=10, seed=3)

    assert "customers 10" in output and "events" in output


def test_zero_customers_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(CommandError, match="between 1 and 100000"):
        seed(customers=0)

    assert sum(row_counts().values()) == 0


def test_too_many_customers_is_refused() -> None:
    with pytest.raises(CommandError, match="between 1 and 100000, not 100001"):
        seed(customers=100_001)

    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_customers_alone() -> None:
    from io import StringIO

    from crm.models import Customer
    from tests.factories import CustomerFactory

    CustomerFactory(name="已有客户")
    out = StringIO()
    call_command("seed_demo", "--if-empty", customers=5, stdout=out)
    assert Customer.objects.count() == 1
    assert "not seeded" in out.getvalue()
