"""A card shows and sells only its own company's catalogue (issue 19): the products tab and the Cases tab hold the
card's organisation's products and cases in the salesperson's lines of business, the Cases narration starts with a
relevant case, product endpoints answer 404 for another company's product, and a card's lead is its company's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.models import Case, Customer, Organisation, Product, ProductCategory
from intent.models import IntentPrediction
from salescard.cards import create_lead, issue_link
from salescard.models import CardEvent, SmartCard
from salescard.services import assemble_card
from tests.factories import CustomerFactory, UserFactory
from tests.salescard.conftest import bound_browser

pytestmark = pytest.mark.django_db


def make_product(organisation, code, line, name):
    category = ProductCategory.objects.filter(organisation=organisation, code=code).first()
    if category is None:
        category = ProductCategory.objects.create(
            organisation=organisation, code=code, name=code, line_of_business=line
        )
    return Product.objects.create(
        category=category,
        sku=f"{code}-{Product.objects.count()}",
        name=name,
        price=Decimal("1000"),
        purchase_url="https://shop.example.cn/p/1",
    )


@pytest.fixture
def home():
    return Organisation.objects.create(name="好家居")


@pytest.fixture
def bank():
    return Organisation.objects.create(name="招财银行")


@pytest.fixture
def catalogues(home, bank):
    sofa = make_product(home, "sofa", "home", "奶油风模块沙发")
    fund = make_product(bank, "fund", "banking", "安盈纯债债券基金")
    cover = make_product(bank, "accident", "insurance", "户外运动意外险")
    Case.objects.create(title="沙发案例", summary="一家人的沙发", body="…", product=sofa)
    Case.objects.create(title="基金案例", summary="稳健理财", body="…", product=fund)
    Case.objects.create(title="意外险案例", summary="滑雪受伤获赔", body="…", product=cover)
    return sofa, fund, cover


@pytest.fixture
def bank_card(bank):
    banker = UserFactory(username="chenjing", organisation=bank, lines_of_business=["insurance"])
    return SmartCard.objects.create(salesperson=banker, display_name="陈静", company="招财银行")


@pytest.fixture
def bank_link(bank_card, bank):
    customer = CustomerFactory(owner=bank_card.salesperson, organisation=bank)
    return issue_link(bank_card, customer)


def test_the_bank_cards_tabs_hold_only_its_products_and_cases_in_the_salespersons_lines(
    catalogues, bank_card, bank_link
):
    sofa, fund, cover = catalogues
    IntentPrediction.objects.create(
        customer=bank_link.customer,
        intents=[{"product_id": pk, "probability": 0.3} for pk in (sofa.pk, fund.pk, cover.pk)],
    )
    assembled = assemble_card(bank_link)
    assert [entry.product for entry in assembled.products] == [cover]
    assert [case.title for case in assembled.cases] == ["意外险案例"]
    assert assembled.conversation.product == cover


def test_the_cases_narration_starts_with_a_case_of_the_intended_line(catalogues, bank, bank_link):
    sofa, fund, cover = catalogues
    bank_link.card.salesperson.lines_of_business = []  # sells every line of the bank
    bank_link.card.salesperson.save()
    IntentPrediction.objects.create(customer=bank_link.customer, intents=[{"product_id": cover.pk, "probability": 0.5}])
    assembled = assemble_card(bank_link)
    assert [case.title for case in assembled.cases] == ["意外险案例", "基金案例"]
    assert {entry.product for entry in assembled.products} == {fund, cover}
    html = bound_browser(bank_link).get(reverse("card", args=[bank_link.token])).content.decode()
    assert "意外险案例" in html and "沙发案例" not in html and "奶油风模块沙发" not in html


def test_product_endpoints_answer_404_for_another_companys_product(catalogues, bank_link):
    sofa, fund, cover = catalogues
    browser = bound_browser(bank_link)
    event = reverse("card-event", args=[bank_link.token])
    for product in (sofa, fund):  # another company's; another line than the salesperson's
        clicked = browser.post(
            event, {"kind": "purchase_clicked", "product_id": product.pk}, content_type="application/json"
        )
        assert clicked.status_code == 404
        assert browser.get(reverse("card-qr", args=[bank_link.token]) + f"?product={product.pk}").status_code == 404
    assert not CardEvent.objects.exists()
    unknown = browser.post(event, {"kind": "purchase_clicked", "product_id": 999999}, content_type="application/json")
    assert unknown.status_code == 404
    ok = browser.post(event, {"kind": "purchase_clicked", "product_id": cover.pk}, content_type="application/json")
    assert ok.status_code == 201
    assert browser.get(reverse("card-qr", args=[bank_link.token]) + f"?product={cover.pk}").status_code == 200


def test_a_cards_lead_is_a_customer_of_the_cards_organisation(bank_card, bank):
    visitor = issue_link(bank_card)
    personal = create_lead(visitor, name="李雷", phone="13800138000")
    assert Customer.objects.get(pk=personal.customer_id).organisation == bank
