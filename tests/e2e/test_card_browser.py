"""The smart card and the sales terminal in a real browser (Chromium with software WebGL): the greeting spoken
and shown, the 3D face drawn, questions answered, the purchase view, a hand-off answered live from the terminal
in a second browser context, the vCard, a reload that keeps the history, and the photo without WebGL."""

from __future__ import annotations

import io

import pytest
import vobject
from PIL import Image, ImageStat

from crm.models import User
from salescard.cards import issue_link
from salescard.models import CardEvent, SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sales-Terminal-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture
def card_link():
    reseed_migrated_defaults()
    salesperson = UserFactory(role="sales", username="sales_chen", first_name="静", last_name="陈")
    salesperson.set_password(PASSWORD)
    salesperson.save()
    card = SmartCard.objects.create(
        salesperson=salesperson,
        display_name="陈静",
        title="家居顾问",
        company="好家居生活馆",
        phone="13802561174",
        email="chenjing@example.cn",
        site_url="https://home.example.cn/",
    )
    sofa_on_sale()
    customer = CustomerFactory(owner=salesperson, name="王芳")
    return issue_link(card, customer)


def canvas_is_drawn(png: bytes) -> bool:
    """A blank or single-colour canvas has (almost) no spread of pixel values."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    return len(colours) > 50 and max(ImageStat.Stat(image).stddev) > 10


def send(page, text: str) -> None:
    page.fill("#message-input", text)
    page.click("#composer button[type=submit]")


def test_card_talks_answers_sells_and_hands_off_to_the_terminal(webgl_browser, card_link, tmp_path) -> None:
    token = card_link.token
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        phone = webgl_browser.new_context(**PHONE)
        card = phone.new_page()
        speech = []
        card.on("request", lambda request: speech.append(request.url) if "/speech/" in request.url else None)
        card.goto(f"{base_url}/c/{token}/")

        # S10: the greeting is shown as a subtitle and spoken; the 3D face is drawn.
        card.wait_for_selector("#subtitle:has-text('王女士')", state="attached")
        card.wait_for_selector("body[data-avatar=webgl]", timeout=20_000)
        card.wait_for_timeout(800)
        assert any("/speech/" in url for url in speech)
        face = card.locator("#avatar canvas").screenshot()
        (SCREENSHOTS / "card-face.png").parent.mkdir(exist_ok=True)
        (SCREENSHOTS / "card-face.png").write_bytes(face)
        assert canvas_is_drawn(face)

        # S11: a product question is answered, spoken, and new questions are suggested.
        send(card, "沙发可以拆洗吗？")
        card.wait_for_selector(".message.from-bot:has-text('拉链')")
        card.wait_for_selector("#suggestions button")
        # Customer text is shown as text, never run.
        send(card, "<script>window.pwned = 1</script>沙发多久能送到？")
        card.wait_for_selector(".message.from-customer:has-text('<script>')")
        assert card.evaluate("window.pwned") is None

        # S14: a buying message opens the purchase view with link and QR code.
        send(card, "我要买，怎么下单？现在就付款购买")
        card.wait_for_selector("#purchase:not([hidden])")
        assert card.get_attribute("#purchase-link", "href") == "https://shop.example.cn/p/cloud"
        assert "qr.svg?product=" in card.get_attribute("#purchase-qr", "src")

        # S13: the salesperson's terminal is open in another browser; a complaint reaches it live.
        desk = webgl_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        terminal = desk.new_page()
        terminal.goto(f"{base_url}/sales/")
        terminal.fill("input[name=username]", "sales_chen")
        terminal.fill("input[name=password]", PASSWORD)
        terminal.click("button[type=submit]")
        terminal.wait_for_url(f"{base_url}/sales/")
        terminal.wait_for_selector("body[data-live=true]")

        send(card, "太贵了，质量也很差，我非常不满意！")
        card.wait_for_selector("#chat-status:not([hidden])")
        # An upset customer is not sold to: the purchase view goes away.
        card.wait_for_selector("#purchase", state="hidden")
        row = terminal.locator("#inbox li.state-waiting", has_text="王芳")
        row.wait_for()
        assert terminal.locator("#badge").is_visible()
        row.locator("a").click()
        terminal.wait_for_selector(".message.from-customer .analysis:has-text('K ')")
        # Issue 21: one click explains the scores with the signals that made them.
        complaint = terminal.locator(".message.from-customer", has_text="质量也很差").last
        complaint.locator("button.why").click()
        explanation = complaint.locator("ul.explanation")
        explanation.wait_for()
        assert "满意度 K = α·A + β·B" in explanation.inner_text() and "负面词" in explanation.inner_text()
        terminal.screenshot(path=str(SCREENSHOTS / "terminal-explanation.png"), full_page=True)
        terminal.fill("#reply-text", "王女士您好，我是陈静，马上为您申请优惠。")
        terminal.click("#reply")
        card.wait_for_selector(".message.from-salesperson:has-text('马上为您申请优惠')")
        card.wait_for_selector("#chat-status:has-text('陈静')", state="attached")

        # The vCard downloads and parses.
        with card.expect_download() as download:
            card.click("#save-contact")
        contact = vobject.readOne(open(download.value.path(), encoding="utf-8").read())
        assert contact.fn.value == "陈静" and contact.tel.value == "13802561174"

        # A reload keeps the whole chat.
        before = card.locator(".message").count()
        card.reload()
        card.wait_for_selector(".message.from-salesperson:has-text('马上为您申请优惠')")
        assert card.locator(".message").count() == before
        card.screenshot(path=str(SCREENSHOTS / "card-after-handoff.png"), full_page=True)
        terminal.screenshot(path=str(SCREENSHOTS / "terminal-conversation.png"))
        desk.close()
        phone.close()

    assert User.objects.get(username="sales_chen").is_active


def test_without_webgl_the_card_shows_the_photo_and_still_chats(webgl_browser, card_link, tmp_path) -> None:
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = webgl_browser.new_context(**PHONE)
        context.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
        card = context.new_page()
        card.goto(f"{base_url}/c/{card_link.token}/")
        card.wait_for_selector("body[data-avatar=photo]")
        assert card.locator("#avatar-photo").is_visible()
        # Muted: no voice, the text stays as a subtitle.
        card.click("#mute")
        assert card.get_attribute("#mute", "aria-pressed") == "true"
        send(card, "沙发有几年质保？")
        card.wait_for_selector(".message.from-bot:has-text('质保5年')")
        assert "质保5年" in card.inner_text("#subtitle")
        # S9: opening the products narrates the intended one; the official site is introduced first.
        # Each tab view is posted as a card event; wait for the answer so the row is stored before the page closes.
        with card.expect_response(lambda response: response.url.endswith("/events")):
            card.click("[data-tab=products]")
        assert card.locator(".product.intended[open]").count() == 1
        card.wait_for_selector("#subtitle:has-text('云朵布艺沙发')", state="attached")
        with card.expect_response(lambda response: response.url.endswith("/events")):
            card.click("[data-tab=site]")
        card.wait_for_selector("#subtitle:has-text('好家居生活馆')", state="attached")
        context.close()
    tabs = set(CardEvent.objects.filter(kind=CardEvent.Kind.TAB_VIEWED).values_list("detail", flat=True))
    assert {"products", "site"} <= tabs
