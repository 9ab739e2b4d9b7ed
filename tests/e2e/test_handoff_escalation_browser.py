"""Issue 17 item 1 as a customer on a phone (Chromium, 390×844) lives it: they ask for a person (转人工) and nobody
accepts. Every later message still gets a reply bubble; after the accept time (10 s here, the shortest a manager may
set) the card says the chat was passed on and names the next colleague by closeness, whose open sales terminal shows
the hand-off (badge, "(1) 待接手" title, an alert marked as passed on to them)."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone

from crm.models import Friendship, User
from dialogue.models import HandOff, ScoringSettings
from salescard.cards import issue_link
from salescard.models import SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sales-Colleague-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}
SHOTS = Path(os.environ.get("CARD_SCREENSHOTS", "/tmp/salescard-card-layout"))
ACCEPT_SECONDS = 10

IN_VIEW = """(selector) => {
  const element = document.querySelector(selector);
  if (!element || element.hidden) return false;
  const box = element.getBoundingClientRect();
  const bar = document.getElementById("composer").getBoundingClientRect();
  return box.height > 0 && box.bottom <= bar.top + 1 && box.right <= innerWidth
    && bar.top >= 0 && bar.bottom <= innerHeight + 1;
}"""
REPLIES = "#messages > li:not(.from-customer)"


@pytest.fixture
def card_link():
    """陈静's card opened by 王芳; her colleague 林涛 is 王芳's IM friend of a year; a manager 张伟; nobody accepts
    a hand-off in time."""
    reseed_migrated_defaults()
    ScoringSettings.objects.update(handoff_accept_seconds=ACCEPT_SECONDS)
    salesperson = UserFactory(role="sales", username="sales_chen", first_name="静", last_name="陈")
    colleague = UserFactory(role="sales", username="sales_lin", first_name="涛", last_name="林")
    colleague.set_password(PASSWORD)
    colleague.save()
    UserFactory(role="manager", username="boss", first_name="伟", last_name="张")
    card = SmartCard.objects.create(
        salesperson=salesperson, display_name="陈静", title="家居顾问", company="好家居生活馆", phone="13802561174"
    )
    sofa_on_sale()
    customer = CustomerFactory(owner=salesperson, name="王芳")
    Friendship.objects.create(staff=colleague, customer=customer, since=timezone.now() - datetime.timedelta(days=365))
    return issue_link(card, customer)


def send_and_wait(page, text: str) -> tuple[str, float]:
    """Send a message; the reply bubble it got and the seconds it took to appear."""
    replies = page.locator(REPLIES).count()
    started = time.monotonic()
    page.fill("#message-input", text)
    page.click("#composer button[type=submit]")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#messages > li:not(.from-customer)').length > n", arg=replies, timeout=5000
    )
    took = time.monotonic() - started
    return page.locator(REPLIES).nth(replies).inner_text(), took


def test_a_hand_off_nobody_accepts_keeps_the_customer_answered_and_moves_to_the_next_colleague(
    browser, card_link, tmp_path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts"), HANDOFF_SWEEP_SECONDS="1") as base_url:
        # 林涛's terminal is open, with nothing waiting.
        desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        terminal = desk.new_page()
        terminal_errors: list[str] = []
        terminal.on("pageerror", lambda error: terminal_errors.append(str(error)))
        terminal.goto(f"{base_url}/sales/")
        terminal.fill("input[name=username]", "sales_lin")
        terminal.fill("input[name=password]", PASSWORD)
        terminal.click("button[type=submit]")
        terminal.wait_for_url(f"{base_url}/sales/")
        terminal.wait_for_selector("body[data-live=true]")
        title = terminal.title()
        assert terminal.locator("#badge").is_hidden()

        phone = browser.new_context(**PHONE)
        card = phone.new_page()
        card_errors: list[str] = []
        card.on("pageerror", lambda error: card_errors.append(str(error)))
        card.goto(f"{base_url}/c/{card_link.token}/")
        card.wait_for_selector("body[data-avatar]")
        card.click("#mute")

        # 转人工: 陈静 is called, and the customer is told so (she is not online: leave a number).
        handed, _ = send_and_wait(card, "转人工")
        assert "陈静" in handed
        asked_at = time.monotonic()
        assert HandOff.objects.get().status == HandOff.Status.PENDING

        # Nobody accepts; every further message still gets a reply bubble. The 2 s the issue asks for is measured at
        # the socket (tests/salescard/test_card_handoff_socket.py); here the browser's rendering on a busy test
        # machine is counted too, so the bound only catches a reply that never comes in time.
        replies = {}
        for text in ("保险怎么理赔？", "沙发多久能送到？", "能便宜点吗？"):
            replies[text], took = send_and_wait(card, text)
            assert replies[text].strip() and took < 5.0, (text, replies[text], took)
            card.wait_for_function(IN_VIEW, arg="#messages > li:last-child", timeout=3000)
        assert "陈静" in replies["保险怎么理赔？"]
        assert "15天" in replies["沙发多久能送到？"]
        card.screenshot(path=str(SHOTS / "card-390-handoff-waiting.png"))

        # After the accept time the card says who it was passed on to …
        passed_on = card.locator(".message.from-bot", has_text="林涛")
        passed_on.wait_for(timeout=(ACCEPT_SECONDS + 10) * 1000)
        waited = time.monotonic() - asked_at
        assert ACCEPT_SECONDS - 1 <= waited <= ACCEPT_SECONDS + 10, waited
        assert "陈静" in passed_on.inner_text() and "{" not in passed_on.inner_text()
        card.wait_for_function(IN_VIEW, arg="#messages > li:last-child", timeout=3000)
        card.screenshot(path=str(SHOTS / "card-390-handoff-passed-on.png"))

        # … and 林涛's terminal shows it: badge, title, an alert saying it was passed on to him.
        alert = terminal.locator("#handoff-alerts .handoff-alert")
        alert.first.wait_for(timeout=5000)
        assert "已转给您" in alert.first.inner_text() and "王芳" in alert.first.inner_text()
        assert terminal.inner_text("#badge") == "1"
        assert terminal.title() == f"(1) 待接手 · {title}"
        terminal.locator("#inbox li.state-waiting", has_text="王芳").wait_for(timeout=5000)  # and in his inbox
        terminal.screenshot(path=str(SHOTS / "terminal-handoff-passed-on.png"))

        # Still nobody: every accept time it moves on — 陈静, 林涛, then the manager 张伟 — never back; with nobody
        # left it stays with the manager (the last step repeats them).
        handoff = HandOff.objects.get()
        offered = list(dict.fromkeys([step["user"] for step in handoff.escalations] + [handoff.assignee_id]))
        order = [User.objects.get(username=name).pk for name in ("sales_chen", "sales_lin", "boss")]
        assert handoff.status == HandOff.Status.PENDING
        assert len(offered) >= 2 and offered == order[: len(offered)], offered

        # A message after the move still gets a reply naming whoever it is offered to now.
        after, _ = send_and_wait(card, "请问还要等多久？")
        assert "林涛" in after or "张伟" in after, after
        card.screenshot(path=str(SHOTS / "card-390-handoff-after.png"))
        assert card_errors == [] and terminal_errors == []
        desk.close()
        phone.close()
