"""A forwarded card leaks nothing, in a real browser (SPEC X3, S9): Share, Copy link, the share QR code and the
vCard carry the card's public link; the copied link opens as a new visitor in a second browser; the personal link
opened in that second browser shows no chat and no name until the code sent to the customer's phone is entered."""

from __future__ import annotations

import json
import re

import pytest

from salescard.card_access import public_link
from salescard.cards import issue_link
from salescard.models import CardDevice, SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}
CUSTOMER = "王芳"
# Chromium on Linux has no Web Share API: this stands in for the phone's share sheet and records what it was given.
# It marks the page too: waiting for a script condition would need 'unsafe-eval', which the page's CSP refuses.
SHARE_SHEET = (
    "window.__shared = [];"
    "navigator.share = async (data) => { window.__shared.push(data); document.body.dataset.shared = '1'; };"
)


@pytest.fixture
def personal_link():
    reseed_migrated_defaults()
    salesperson = UserFactory(role="sales", username="sales_chen", first_name="静", last_name="陈")
    card = SmartCard.objects.create(
        salesperson=salesperson, display_name="陈静", title="家居顾问", company="好家居生活馆", phone="13802561174"
    )
    sofa_on_sale()
    customer = CustomerFactory(owner=salesperson, name=CUSTOMER, phone="13912345678")
    return issue_link(card, customer)


def test_a_forwarded_card_gives_its_receiver_nothing_of_the_customer(browser, personal_link, tmp_path) -> None:
    token = personal_link.token
    outbox = tmp_path / "sms.jsonl"
    with daphne_server(SMS_BACKEND="dialogue.sms.FileSmsBackend", SMS_OUTBOX_FILE=str(outbox)) as base_url:
        public_url = f"{base_url}/c/{public_link(personal_link.card).token}/"
        phone = browser.new_context(**PHONE, accept_downloads=True)
        phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        card = phone.new_page()
        card.goto(f"{base_url}/c/{token}/")
        card.wait_for_selector("#messages li")
        assert CardDevice.objects.filter(link=personal_link).count() == 1

        # The share panel (no Web Share API): its QR code and Copy link.
        card.click("#share")
        card.wait_for_selector("#share-panel:not([hidden])")
        qr = card.get_attribute("#share-panel img", "src")
        assert token not in qr and public_link(personal_link.card).token in qr
        card.click("#copy-link")
        copied = card.evaluate("navigator.clipboard.readText()")
        assert copied == public_url
        SCREENSHOTS.mkdir(exist_ok=True)
        card.screenshot(path=str(SCREENSHOTS / "card-share-panel.png"), full_page=True)

        # The vCard.
        with card.expect_download() as download:
            card.click("#save-contact")
        vcard = download.value.path().read_text(encoding="utf-8")
        assert token not in vcard and public_url in vcard

        # The Web Share API, where the phone has one.
        card.add_init_script(SHARE_SHEET)
        card.reload()
        card.wait_for_selector("#messages li")
        card.click("#share")
        card.wait_for_selector("body[data-shared]", state="attached")
        shared = card.evaluate("window.__shared[0]")
        assert shared["url"] == public_url and token not in json.dumps(shared)

        # Whoever receives the copied link is a new visitor: the consent notice first.
        friend = browser.new_context(**PHONE)
        other = friend.new_page()
        other.goto(copied)
        other.wait_for_selector("form input[name=name]")
        assert CUSTOMER not in other.content()

        # The personal link forwarded to that browser: no chat, no name, until the customer's code is entered.
        other.goto(f"{base_url}/c/{token}/")
        other.wait_for_selector("#verify")
        html = other.content()
        assert CUSTOMER not in html and 'id="messages"' not in html and "5678" in html
        other.screenshot(path=str(SCREENSHOTS / "card-locked.png"), full_page=True)
        other.click("#send-code")
        other.wait_for_selector("#code")
        sms = json.loads(outbox.read_text(encoding="utf-8").splitlines()[-1])
        assert sms["phone"] == "13912345678"
        code = re.search(r"(?<!\d)\d{6}(?!\d)", sms["text"]).group(0)
        other.fill("#code", "000000" if code != "000000" else "111111")
        other.click(".code-form button[type=submit]")
        other.wait_for_selector("#verify-error")
        other.screenshot(path=str(SCREENSHOTS / "card-code.png"), full_page=True)
        assert "还可尝试" in other.inner_text("#verify-error")
        other.fill("#code", code)
        other.click(".code-form button[type=submit]")
        other.wait_for_selector("#messages li")
        assert CardDevice.objects.filter(link=personal_link, how=CardDevice.How.SMS_CODE).count() == 1
        other.screenshot(path=str(SCREENSHOTS / "card-verified.png"), full_page=True)
        friend.close()
        phone.close()


def test_the_salesperson_reissues_a_forwarded_link_and_closes_a_chat_for_good(browser, personal_link) -> None:
    from django.contrib.auth import get_user_model

    salesperson = get_user_model().objects.get(username="sales_chen")
    salesperson.set_password("Sales-Terminal-2026")
    salesperson.save()
    old_token = personal_link.token
    with daphne_server() as base_url:
        phone = browser.new_context(**PHONE)
        card = phone.new_page()
        card.goto(f"{base_url}/c/{old_token}/")
        card.wait_for_selector("#messages li")

        desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        terminal = desk.new_page()
        terminal.goto(f"{base_url}/sales/share/")
        terminal.fill("input[name=username]", "sales_chen")
        terminal.fill("input[name=password]", "Sales-Terminal-2026")
        terminal.click("button[type=submit]")
        terminal.wait_for_url(f"{base_url}/sales/share/")
        terminal.locator("ul.customers li", has_text=CUSTOMER).locator("button").click()
        terminal.wait_for_selector("#shared")
        assert old_token in terminal.input_value("#share-url")
        terminal.click("#reissue")
        terminal.wait_for_selector("#reissued")
        new_url = terminal.input_value("#share-url")
        assert old_token not in new_url
        terminal.screenshot(path=str(SCREENSHOTS / "terminal-reissued.png"), full_page=True)

        card.reload()  # the forwarded (old) link stops at once
        assert card.locator("h1").inner_text() == "名片链接已失效"
        card.goto(new_url)  # the customer's phone opens the new link first: it is theirs
        card.wait_for_selector("#messages li")

        # Closed is closed: the terminal shows it and offers no reply; the customer's next message is a new chat.
        conversation = personal_link.customer.conversations.order_by("-pk").first()
        terminal.goto(f"{base_url}/sales/conversations/{conversation.pk}/")
        terminal.wait_for_selector("body[data-live=true]")
        terminal.click("#close")
        terminal.wait_for_selector("#closed-note", state="visible")
        assert not terminal.is_visible("#reply-form") and not terminal.is_visible("#accept")
        terminal.screenshot(path=str(SCREENSHOTS / "terminal-closed.png"), full_page=True)
        card.wait_for_selector("#chat-status:not([hidden])")
        card.fill("#message-input", "沙发有几年质保？")
        card.click("#composer button[type=submit]")
        card.wait_for_selector("#messages li.from-customer")
        fresh = personal_link.customer.conversations.order_by("-pk").first()
        assert fresh.pk != conversation.pk
        terminal.goto(f"{base_url}/sales/conversations/{fresh.pk}/")
        terminal.wait_for_selector("#previous")
        desk.close()
        phone.close()
