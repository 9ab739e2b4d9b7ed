"""Fixtures of the card tests: a salesperson's card, a customer's personal link and a generic link."""

from __future__ import annotations

import pytest
from django.test import Client

from salescard.card_access import DEVICE_COOKIE, bind, new_device_id, signed_device
from salescard.cards import issue_link
from salescard.models import CardDevice, SmartCard
from tests.dashboard_world import world  # noqa: F401 (the dashboard tests' hand-counted world)


@pytest.fixture
def card(salesperson):
    salesperson.first_name, salesperson.last_name = "静", "陈"
    salesperson.save()
    return SmartCard.objects.create(
        salesperson=salesperson,
        display_name="陈静",
        company="家居生活馆",
        title="高级顾问",
        phone="13802561174",
        email="chenjing@example.cn",
        bio="十年家居顾问。",
        site_url="https://home.example.cn/",
    )


@pytest.fixture
def link(card, customer, sofa):
    return issue_link(card, customer)


@pytest.fixture
def customer_client(link):
    """The customer's own browser: bound to their personal link, as after its first opening."""
    return bound_browser(link)


def bound_browser(link, **kwargs) -> Client:
    device = new_device_id()
    bind(link, device, CardDevice.How.FIRST_OPEN)
    browser = Client(**kwargs)
    browser.cookies[DEVICE_COOKIE] = signed_device(device)
    return browser


@pytest.fixture
def visitor_link(card, sofa):
    return issue_link(card)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path) -> None:
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    settings.MEDIA_ROOT = tmp_path / "media"
