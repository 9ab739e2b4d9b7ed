"""The two demo companies in a real browser (issue 19 item 4): 招财银行's card greets its customer with a bank
product, 好家居生活馆's with furniture — never the other company's catalogue."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command

from crm.models import Product
from salescard.demo.cards import ensure_demo_cards
from salescard.demo.companies import BANK, COMPANIES, HOME
from tests.conftest import reseed_migrated_defaults
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture
def demo_links():
    reseed_migrated_defaults()
    with redirect_stdout(io.StringIO()):
        call_command("seed_demo", customers=30, seed=42, verbosity=0)
        call_command("seed_faqs", verbosity=0)
    links = {link.company: link for link in ensure_demo_cards().companies}
    return {key: links[company.name] for key, company in COMPANIES.items()}


def names_of(key: str) -> set[str]:
    return set(Product.objects.filter(organisation__name=COMPANIES[key].name).values_list("name", flat=True))


def greeting(browser, base_url: str, token: str) -> str:
    """The card's first words to the customer, as shown in the subtitle (the photo instead of the 3D face)."""
    context = browser.new_context(**PHONE)
    context.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
    card = context.new_page()
    card.goto(f"{base_url}/c/{token}/")
    card.wait_for_function("document.querySelector('#subtitle')?.textContent.trim().length > 0", timeout=20_000)
    card.wait_for_timeout(500)
    text = card.inner_text("#subtitle") or card.text_content("#subtitle")
    context.close()
    return text


@pytest.mark.parametrize(("company", "other"), [(BANK, HOME), (HOME, BANK)])
def test_each_demo_card_greets_with_its_own_company_s_product(browser, demo_links, tmp_path, company, other) -> None:
    link = demo_links[company].customer_link
    assert link is not None and link.customer.organisation_id == link.card.organisation_id
    own, foreign = names_of(company), names_of(other)
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        text = greeting(browser, base_url, link.token)
    assert any(name in text for name in own), f"{COMPANIES[company].name} card greeted without its product: {text}"
    assert not any(name in text for name in foreign), f"{COMPANIES[company].name} card named a foreign product: {text}"
