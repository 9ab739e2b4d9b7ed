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


def test_a_wealth_ticket_at_the_bank_branch_shows_three_bank_products_on_the_watch(browser, demo_links, tmp_path):
    """A 理财 ticket at 招财银行's branch: the watch's top 3 are bank products, none of the furniture retailer's."""
    from salescard.demo.branch import ensure_demo_branch
    from tests.e2e.test_watch_browser import post_ticket

    demo = ensure_demo_branch()
    bank, furniture = names_of(BANK), names_of(HOME)
    customer = demo.customer
    body = {"branch": demo.branch.code, "number": "A088", "business": "理财"}
    body.update({"phone": customer.phone} if customer is not None else {"id_number": "440305199001011234"})
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(viewport={"width": 400, "height": 400}, locale="zh-CN")
        watch = context.new_page()
        watch.goto(f"{base_url}/watch/#token={demo.device_token}")
        watch.wait_for_selector("#branches:not([hidden])")
        watch.click(f"#branch-list button:has-text('{demo.branch.name}')")
        watch.wait_for_selector("#tasks:not([hidden])")
        answer = post_ticket(base_url, demo.kiosk_token, body)
        watch.wait_for_selector("#task-list button")
        watch.click("#task-list button")
        watch.wait_for_function("document.querySelectorAll('#top3 li').length >= 3", timeout=20_000)
        shown = [watch.inner_text(f"#top3 li >> nth={i}") for i in range(3)]
        context.close()
    assert answer["created"] is True
    for line in shown:
        assert any(name in line for name in bank), f"not a bank product on the watch: {line}"
        assert not any(name in line for name in furniture), f"a furniture product on the bank's watch: {line}"
