"""Fixtures of the card tests: a salesperson's card, a customer's personal link and a generic link."""

from __future__ import annotations

import pytest

from salescard.cards import issue_link
from salescard.models import SmartCard


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
def visitor_link(card, sofa):
    return issue_link(card)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path) -> None:
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    settings.MEDIA_ROOT = tmp_path / "media"
