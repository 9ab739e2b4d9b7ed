"""The card on a phone (issue 17 item 6), in Chromium at 390×844 and at 360 and 430 px: the newest message and the
purchase panel always fully above the sticky input bar, the subtitle of a long greeting shown to its end, an
over-long paste that says how much was kept, and the company's facts under the salesperson's details."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crm.models import CompanyFact, Organisation
from intent.models import GreetingTemplate
from salescard.cards import issue_link
from salescard.models import CardVisit, SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CARD_SCREENSHOTS", "/tmp/salescard-card-layout"))
ADDRESS = "深圳市南山区科技园科苑路 15 号好家居生活馆旗舰店一楼至三楼，地铁 1 号线高新园站 A 出口步行约 8 分钟。"
HOURS = "展厅每天 10:00–21:30 营业，节假日照常开门。"
LONG_GREETING = (
    "王女士您好，我是好家居生活馆的陈静，很高兴在这里认识您。看到您最近在关注布艺沙发，我想先和您说说我们这款云朵布艺沙发："
    "它的坐垫用的是高回弹海绵加羽绒包，坐下去软而不塌；布料是科技布，防泼水、耐抓挠，家里有小朋友或者宠物也不用担心；"
    "套子可以整个拆下来清洗，深圳市内三天就能送到，还提供免费上门安装和五年质保。"
    "如果您愿意，告诉我您客厅的大小和喜欢的颜色，我帮您挑最合适的尺寸和配色，您看怎么样？"
)

# The newest element is wholly on screen, below the sticky tabs and above the sticky input bar.
IN_VIEW = """(selector) => {
  const element = document.querySelector(selector);
  if (!element || element.hidden) return false;
  const box = element.getBoundingClientRect();
  const bar = document.getElementById("composer").getBoundingClientRect();
  const tabs = document.querySelector(".tabs").getBoundingClientRect();
  return box.height > 0 && box.top >= Math.max(0, tabs.bottom) - 1 && box.bottom <= bar.top + 1
    && box.bottom <= window.innerHeight;
}"""


SUBTITLE_AT_END = """() => {
  const subtitle = document.getElementById("subtitle");
  return subtitle.scrollTop >= subtitle.scrollHeight - subtitle.clientHeight - 1;
}"""


def phone(width: int) -> dict:
    return {"viewport": {"width": width, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}


@pytest.fixture
def card_link():
    reseed_migrated_defaults()
    home = Organisation.objects.create(name="好家居生活馆", phone="400-820-6688")
    for topic, text in (
        (CompanyFact.Topic.ADDRESS, ADDRESS),
        (CompanyFact.Topic.HOURS, HOURS),
        (CompanyFact.Topic.PHONE, "门店电话 400-820-6688（每天 9:00–22:00），也可以在这里留言，顾问会回复您。"),
    ):
        CompanyFact.objects.create(organisation=home, topic=topic, language="zh-hans", text=text)
    salesperson = UserFactory(role="sales", username="sales_chen", first_name="静", last_name="陈", organisation=home)
    card = SmartCard.objects.create(
        salesperson=salesperson,
        display_name="陈静",
        title="家居顾问",
        company="好家居生活馆",
        phone="13802561174",
        site_url="https://home.example.cn/",
    )
    sofa_on_sale(organisation=home)  # the card's company sells it
    return issue_link(card, CustomerFactory(owner=salesperson, name="王芳"))


def send_and_wait(page, text: str) -> None:
    """Send a message and wait for the answer to it (a bubble that is not the customer's)."""
    answers = page.locator("#messages > li:not(.from-customer)").count()
    page.fill("#message-input", text)
    page.click("#composer button[type=submit]")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#messages > li:not(.from-customer)').length > n", arg=answers
    )


def test_the_newest_message_and_the_purchase_panel_stay_above_the_input_bar(browser, card_link, tmp_path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(**phone(390))
        card = context.new_page()
        card.goto(f"{base_url}/c/{card_link.token}/")
        card.wait_for_selector("body[data-avatar]")
        card.click("#mute")

        for number, question in enumerate(
            ["沙发可以拆洗吗？", "沙发多久能送到？", "沙发有几年质保？", "有什么颜色可以选？", "你们门店在哪里？"]
        ):
            send_and_wait(card, question)
            card.wait_for_function(IN_VIEW, arg="#messages > li:last-child", timeout=3000)
            card.screenshot(path=str(SHOTS / f"card-390-message-{number}.png"))

        send_and_wait(card, "我要买，怎么下单？现在就付款购买")
        card.wait_for_selector("#purchase:not([hidden])")
        card.wait_for_function(IN_VIEW, arg="#purchase", timeout=3000)
        card.screenshot(path=str(SHOTS / "card-390-purchase.png"))
        context.close()


@pytest.mark.parametrize("width", [360, 430])
def test_the_chat_stays_readable_at_the_narrowest_and_widest_phones(browser, card_link, tmp_path, width) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(**phone(width))
        card = context.new_page()
        card.goto(f"{base_url}/c/{card_link.token}/")
        card.wait_for_selector("body[data-avatar]")
        card.click("#mute")
        card.screenshot(path=str(SHOTS / f"card-{width}-top.png"), full_page=True)
        # The company's facts wrap: none is wider than its box.
        assert card.evaluate(
            "() => [...document.querySelectorAll('#company-facts dd')].every((dd) => dd.scrollWidth <= dd.clientWidth)"
        )
        for question in ["沙发可以拆洗吗？", "沙发多久能送到？", "我要买，怎么下单？现在就付款购买"]:
            send_and_wait(card, question)
            card.wait_for_function(IN_VIEW, arg="#messages > li:last-child", timeout=3000)
        card.wait_for_function(IN_VIEW, arg="#purchase", timeout=3000)
        card.screenshot(path=str(SHOTS / f"card-{width}-purchase.png"))
        context.close()


def test_a_long_greeting_is_shown_to_its_end_and_a_long_paste_says_what_was_kept(browser, card_link, tmp_path) -> None:
    GreetingTemplate.objects.update(text=LONG_GREETING)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(**phone(390))
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        card = context.new_page()
        card.goto(f"{base_url}/c/{card_link.token}/")
        card.wait_for_selector("body[data-avatar]")
        card.click("#mute")
        greeting = CardVisit.objects.get().greeting
        assert greeting == LONG_GREETING

        # The whole text is there; three lines show at a time, and it moves on by itself (reading time when muted).
        assert card.text_content("#subtitle") == greeting
        assert card.evaluate(
            "() => { const s = document.getElementById('subtitle'); return s.scrollHeight > s.clientHeight; }"
        )
        card.wait_for_selector("#subtitle-more", state="visible")
        card.wait_for_function("() => document.getElementById('subtitle').scrollTop > 0", timeout=10_000)
        card.screenshot(path=str(SHOTS / "card-390-subtitle-moving.png"))
        # Paging by hand reaches the last line.
        for _ in range(12):
            if card.evaluate(SUBTITLE_AT_END):
                break
            card.click("#subtitle-more")
        assert card.evaluate(SUBTITLE_AT_END)
        last = card.evaluate(
            """() => { const s = document.getElementById('subtitle'); const range = document.createRange();
              range.setStart(s.firstChild, s.textContent.length - 1); range.setEnd(s.firstChild, s.textContent.length);
              const r = range.getBoundingClientRect(), box = s.getBoundingClientRect();
              return r.bottom <= box.bottom + 1 && r.top >= box.top - 1; }"""
        )
        assert last, "the last character of the greeting is inside the subtitle's box"
        card.screenshot(path=str(SHOTS / "card-390-subtitle-end.png"))

        # A 5,000-character paste keeps 2,000 and says so, on the input bar.
        text = "我想了解一下这款沙发" * 500
        card.evaluate("(text) => navigator.clipboard.writeText(text)", text)
        card.focus("#message-input")
        card.keyboard.press("Control+V")
        card.wait_for_selector("#composer-note:not([hidden])")
        assert card.text_content("#composer-note") == "只保留了前 2000 字（共 5000 字）。"
        assert card.evaluate("() => document.getElementById('message-input').value.length") == 2000
        # The note is part of the bar itself, on screen above the input.
        note, field = card.locator("#composer-note").bounding_box(), card.locator("#message-input").bounding_box()
        assert 0 <= note["y"] and note["y"] + note["height"] <= field["y"] and field["y"] + field["height"] <= 844
        card.screenshot(path=str(SHOTS / "card-390-paste.png"))
        context.close()


def test_the_company_facts_show_on_the_card_and_on_the_public_card(browser, card_link, tmp_path) -> None:
    from salescard.card_access import public_link

    public = public_link(card_link.card).token
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(**phone(360))
        card = context.new_page()
        card.goto(f"{base_url}/c/{card_link.token}/")
        facts = card.locator("#company-facts")
        facts.wait_for()
        assert ADDRESS in facts.inner_text() and HOURS in facts.inner_text()
        assert "营业时间" in facts.inner_text() and "客服电话" in facts.inner_text()
        assert card.get_attribute("#company-facts a.dial", "href") == "tel:400-820-6688"
        facts.screenshot(path=str(SHOTS / "card-360-facts.png"))

        visitor = context.browser.new_context(**phone(360)).new_page()
        visitor.goto(f"{base_url}/c/{public}/")
        assert ADDRESS in visitor.locator("#company-facts").inner_text()
        visitor.screenshot(path=str(SHOTS / "card-360-public.png"), full_page=True)
        visitor.context.close()
        context.close()
