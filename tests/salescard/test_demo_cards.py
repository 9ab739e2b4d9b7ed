"""The demo's smart cards and the URLs `make run` prints; the Server-Timing header."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from crm.models import User
from salescard.demo.companies import COMPANIES, demo_organisation
from salescard.demo.staff import SALESPEOPLE
from salescard.models import CardLink, SmartCard
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_salespeople_get_cards_once_and_both_companies_urls_are_printed(capsys):
    organisations = {key: demo_organisation(key) for key in COMPANIES}
    users = {
        member.username: UserFactory(
            username=member.username, role=User.Role.SALES, organisation=organisations[member.company]
        )
        for member in SALESPEOPLE
    }
    bank_customer = CustomerFactory(owner=users["sales_chen"], language="zh-hans")
    home_customer = CustomerFactory(owner=users["sales_liu"], language="zh-hans")

    call_command("ensure_demo_cards", base_url="http://127.0.0.1:9000")
    call_command("ensure_demo_cards", base_url="http://127.0.0.1:9000")

    assert SmartCard.objects.count() == len(SALESPEOPLE)
    for card in SmartCard.objects.select_related("salesperson"):
        assert card.organisation_id == card.salesperson.organisation_id
    assert SmartCard.objects.get(salesperson__username="sales_liu").company == "好家居生活馆"
    printed = capsys.readouterr().out
    for customer in (bank_customer, home_customer):
        link = CardLink.objects.get(customer=customer)
        assert link.card.organisation_id == customer.organisation_id
        assert f"http://127.0.0.1:9000/c/{link.token}/" in printed
    assert "招财银行" in printed and "好家居生活馆" in printed
    visitor_links = CardLink.objects.filter(customer__isnull=True)
    assert visitor_links.count() == 2  # one per company, reused on the second run
    for link in visitor_links:
        assert f"http://127.0.0.1:9000/c/{link.token}/" in printed
    assert "http://127.0.0.1:9000/sales/" in printed


def test_every_response_says_how_long_django_took(client):
    timing = client.get("/healthz")["Server-Timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0
