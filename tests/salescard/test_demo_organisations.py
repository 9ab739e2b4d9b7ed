"""The two demo companies are coherent (issue 19 item 4): every demo row is in the organisation its company implies
— no bank product at the furniture retailer, every card's customers in its organisation, every case, FAQ and
promotion about a product of its own organisation — and each company's customers want what it sells."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from branch.models import Branch, Wearable
from crm.im_profile.models import ImIntegration
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
    Product,
    ProductCategory,
    Promotion,
    Tag,
    User,
)
from dialogue.models import FAQ
from salescard.demo.companies import BANK, COMPANIES, HOME
from salescard.demo.staff import HOME_MANAGER_USERNAME
from salescard.models import CardLink, SmartCard

pytestmark = pytest.mark.django_db

Line = ProductCategory.LineOfBusiness
RELATED = (
    (Friendship, "staff__organisation"),
    (CustomerTag, "tag__organisation"),
    (ChatMessage, "staff__organisation"),
    (ChatMessage, "group__organisation"),
    (ChatGroupMembership, "group__organisation"),
    (Consent, "recorded_by__organisation"),
)
LINES = {BANK: {Line.BANKING, Line.INSURANCE}, HOME: {Line.HOME}}


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.DEMO_MANAGER_PASSWORD = "Demo-Both-2026"
    call_command("seed_demo", customers=60, verbosity=0)
    for command in ("seed_faqs", "ensure_demo_manager", "ensure_demo_cards", "ensure_demo_branch", "ensure_demo_im"):
        call_command(command, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {key: Organisation.objects.get(name=company.name) for key, company in COMPANIES.items()}


def company_of(organisation_id: int, orgs: dict[str, Organisation]) -> str:
    return next(key for key, org in orgs.items() if org.pk == organisation_id)


def test_two_companies_and_the_bank_is_the_default_organisation(demo):
    assert set(Organisation.objects.values_list("name", flat=True)) == {"招财银行", "好家居生活馆"}
    assert demo[BANK].is_default
    for org in demo.values():
        assert CompanyFact.objects.filter(organisation=org, language="zh-hans").count() >= 10
        assert CompanyFact.objects.filter(organisation=org, language="en").count() >= 10


def test_catalogue_cases_faqs_and_promotions_stay_in_their_company(demo):
    for category in ProductCategory.objects.all():
        assert category.line_of_business in LINES[company_of(category.organisation_id, demo)], category.code
    for product in Product.objects.select_related("category"):
        assert product.organisation_id == product.category.organisation_id
    assert not Product.objects.filter(organisation=demo[HOME], category__line_of_business__in=LINES[BANK]).exists()
    assert not Product.objects.filter(organisation=demo[BANK], category__line_of_business=Line.HOME).exists()
    for case in Case.objects.select_related("product", "category", "author"):
        assert case.organisation_id == case.product.organisation_id == case.category.organisation_id
        assert case.author.organisation_id == case.organisation_id
    assert {company_of(c.organisation_id, demo) for c in Case.objects.all()} == {BANK, HOME}
    faqs = list(FAQ.objects.select_related("product", "category"))
    assert faqs
    for faq in faqs:
        about = faq.product or faq.category
        assert faq.organisation_id == about.organisation_id
    promotions = list(Promotion.objects.select_related("product", "category"))
    assert {company_of((p.product or p.category).organisation_id, demo) for p in promotions} == {BANK, HOME}


def test_staff_cards_branches_and_im_belong_to_their_company(demo):
    expected = {
        "manager": BANK, "sales_chen": BANK, "sales_huang": BANK, "branch_zhao": BANK, "branch_sun": BANK,
        HOME_MANAGER_USERNAME: HOME, "sales_liu": HOME, "sales_he": HOME,
    }  # fmt: skip
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == set(expected)
    for username, key in expected.items():
        assert users[username].organisation_id == demo[key].pk, username
        assert set(users[username].lines_of_business) <= LINES[key]
    assert users["sales_chen"].lines_of_business == [Line.BANKING, Line.INSURANCE]
    assert users["sales_huang"].lines_of_business == [Line.INSURANCE]
    assert users[HOME_MANAGER_USERNAME].is_manager and users[HOME_MANAGER_USERNAME].check_password("Demo-Both-2026")
    for card in SmartCard.objects.select_related("salesperson"):
        assert card.organisation_id == card.salesperson.organisation_id
    assert Counter(company_of(c.organisation_id, demo) for c in SmartCard.objects.all()) == {BANK: 2, HOME: 2}
    for link in CardLink.objects.filter(customer__isnull=False).select_related("card", "customer"):
        assert link.customer.organisation_id == link.card.organisation_id
    branch = Branch.objects.get()
    assert branch.organisation_id == demo[BANK].pk and set(branch.lines_of_business) == LINES[BANK]
    assert {w.organisation_id for w in Wearable.objects.all()} == {demo[BANK].pk}
    assert all(w.staff.organisation_id == demo[BANK].pk for w in Wearable.objects.select_related("staff"))
    assert ImIntegration.objects.get().organisation_id == demo[BANK].pk


def test_customers_and_everything_about_them_stay_in_their_company(demo):
    customers = {c.pk: c for c in Customer.objects.select_related("owner")}
    assert {company_of(c.organisation_id, demo) for c in customers.values()} == {BANK, HOME}
    for customer in customers.values():
        assert customer.owner.organisation_id == customer.organisation_id
    org_of = {pk: c.organisation_id for pk, c in customers.items()}
    for product_org, customer_id in BehaviorEvent.objects.filter(product__isnull=False).values_list(
        "product__organisation", "customer"
    ):
        assert product_org == org_of[customer_id]
    for category_org, customer_id in BehaviorEvent.objects.filter(category__isnull=False).values_list(
        "category__organisation", "customer"
    ):
        assert category_org == org_of[customer_id]
    for staff_org, customer_id in BehaviorEvent.objects.filter(staff__isnull=False).values_list(
        "staff__organisation", "customer"
    ):
        assert staff_org == org_of[customer_id]
    for model, path in RELATED:
        rows = model.objects.filter(customer__isnull=False, **{f"{path}__isnull": False}).values_list(path, "customer")
        assert rows.exists(), (model, path)
        assert all(org == org_of[customer] for org, customer in rows), (model, path)
    for group in ChatGroup.objects.all():
        staff_orgs = set(group.memberships.filter(staff__isnull=False).values_list("staff__organisation", flat=True))
        assert staff_orgs == {group.organisation_id}
    for tag in Tag.objects.filter(owner__isnull=False).select_related("owner"):
        assert tag.organisation_id == tag.owner.organisation_id


def test_each_company_has_customers_who_want_what_it_sells(demo):
    bought = Counter()
    for org_id, line in BehaviorEvent.objects.filter(kind=BehaviorEvent.Kind.TRANSACTION).values_list(
        "customer__organisation", "product__category__line_of_business"
    ):
        bought[(company_of(org_id, demo), line)] += 1
    assert bought[(HOME, Line.HOME)] > 0 and bought[(BANK, Line.BANKING)] > 0 and bought[(BANK, Line.INSURANCE)] > 0
    home = Customer.objects.filter(organisation=demo[HOME])
    bank = Customer.objects.filter(organisation=demo[BANK])
    assert not home.filter(source=Customer.Source.BRANCH).exists()  # met in the showroom, not at a bank branch
    assert 0.2 < home.count() / Customer.objects.count() < 0.6
    assert set(home.values_list("owner__username", flat=True)) == {"sales_liu", "sales_he"}
    assert set(bank.values_list("owner__username", flat=True)) == {"sales_chen", "sales_huang"}
