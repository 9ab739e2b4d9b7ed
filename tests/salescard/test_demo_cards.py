"""The demo's smart cards and the URLs `make run` prints; the Server-Timing header."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from crm.models import User
from salescard.demo.staff import SALESPEOPLE
from salescard.models import CardLink, SmartCard
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_salespeople_get_cards_once_and_the_urls_are_printed(capsys):
    users = [UserFactory(username=member.username, role=User.Role.SALES) for member in SALESPEOPLE]
    customer = CustomerFactory(owner=users[0], language="zh-hans")

    call_command("ensure_demo_cards", base_url="http://127.0.0.1:9000")
    call_command("ensure_demo_cards", base_url="http://127.0.0.1:9000")

    assert SmartCard.objects.count() == len(SALESPEOPLE)
    link = CardLink.objects.get(customer=customer)
    printed = capsys.readouterr().out
    assert f"http://127.0.0.1:9000/c/{link.token}/" in printed
    assert CardLink.objects.filter(customer__isnull=True).count() == 1  # the visitor link is reused
    assert "http://127.0.0.1:9000/sales/" in printed


def test_every_response_says_how_long_django_took(client):
    timing = client.get("/healthz")["Server-Timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0
