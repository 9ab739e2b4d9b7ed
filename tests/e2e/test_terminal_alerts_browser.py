"""The sales terminal's feedback for a hand-off (issue 17 item 6), for a manager in Chromium: a chime (counted on
``window.salescardChimes``), the inbox badge, "(n) 待接手" in the page title and the one-line summary until seen; the
sound can be muted and stays muted; a ping every 30 s on ``/ws/sales/``, unknown frames ignored.

Hand-off frames are injected into the page's real socket (Playwright's WebSocket routing), so the page's side is tested
whoever the server sends them to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sales-Manager-2026"
SHOTS = Path(os.environ.get("CARD_SCREENSHOTS", "/tmp/salescard-card-layout"))


def handoff(handoff_id: int, summary: str, *, escalated: bool = False) -> str:
    push = {
        "title": "王芳需要您：价格不满",
        "summary": summary,
        "text": "王芳需要您",
        "conversation_id": 4242,
        "escalated": escalated,
    }
    return json.dumps({"type": "handoff", "handoff_id": handoff_id, "push": push})


def test_a_hand_off_chimes_badges_and_titles_the_managers_terminal_until_seen(webgl_browser) -> None:
    manager = UserFactory(role="manager", username="manager", first_name="经理", last_name="张")
    manager.set_password(PASSWORD)
    manager.save()
    with daphne_server() as base_url:
        context = webgl_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base_url}/sales/")
        page.fill("input[name=username]", "manager")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/sales/")

        sockets, sent = [], []

        def route(ws) -> None:  # noqa: ANN001 - Playwright's WebSocketRoute
            server = ws.connect_to_server()
            ws.on_message(lambda message: (sent.append(message), server.send(message)))
            sockets.append(ws)

        page.clock.install()
        page.route_web_socket("**/ws/sales/", route)
        page.reload()
        page.wait_for_selector("body[data-live=true]")
        title = page.title()
        assert page.evaluate("window.salescardChimes") == 0

        # A hand-off: chime, badge 1, "(1) 待接手 · …", and its summary in the strip, linked to the conversation.
        sockets[-1].send(handoff(7, "王芳 — 价格不满 · 云朵布艺沙发 · “太贵了”"))
        page.wait_for_function("window.salescardChimes === 1")
        assert page.inner_text("#badge") == "1"
        assert page.title() == f"(1) 待接手 · {title}"
        alert = page.locator("#handoff-alerts .handoff-alert")
        assert "王芳 — 价格不满" in alert.inner_text() and "新的待接手" in alert.inner_text()
        assert alert.locator("a").get_attribute("href").endswith("/sales/conversations/4242/")

        # Another, escalated, with no summary: the title stands in; unknown frames and pongs are ignored.
        sockets[-1].send(json.dumps({"type": "pong"}))
        sockets[-1].send(json.dumps({"type": "something.new", "x": 1}))
        second = json.loads(handoff(8, ""))
        second["push"].pop("summary")
        second["push"]["escalated"] = True
        sockets[-1].send(json.dumps(second))
        page.wait_for_function("window.salescardChimes === 2")
        assert page.inner_text("#badge") == "2" and page.title().startswith("(2) 待接手 · ")
        assert "王芳需要您：价格不满" in page.inner_text("#handoff-alerts")
        assert "已转给您" in page.inner_text("#handoff-alerts")
        page.screenshot(path=str(SHOTS / "terminal-manager-handoffs.png"))

        # Dismissing one counts it off.
        page.locator("#handoff-alerts .handoff-alert button").first.click()
        assert page.title().startswith("(1) 待接手 · ")
        assert page.inner_text("#badge") == "1"

        # Muted: no chime, but the badge and title still count; the choice survives a reload.
        page.click("#chime-toggle")
        assert page.get_attribute("#chime-toggle", "aria-pressed") == "false"
        assert page.inner_text("#chime-toggle") == "提示音：关"
        sockets[-1].send(handoff(9, "李雷 — 要求人工"))
        page.wait_for_function("document.title.startsWith('(2) ')")
        assert page.evaluate("window.salescardChimes") == 2

        # Pings: one on opening, then one every 30 s.
        pings = sum(1 for message in sent if json.loads(message) == {"action": "ping"})
        page.clock.run_for(61_000)
        page.wait_for_function("() => true")  # let the routed messages reach the test
        assert sum(1 for message in sent if json.loads(message) == {"action": "ping"}) >= pings + 2

        page.reload()
        page.wait_for_selector("body[data-live=true]")
        assert page.get_attribute("#chime-toggle", "aria-pressed") == "false"
        assert page.title().startswith("(2) 待接手 · ")  # unseen hand-offs outlive the page

        # Using the inbox (the list of hand-offs) sees them: the badge and the title clear.
        page.click("h1")
        assert page.title() == title and page.locator("#badge").is_hidden()
        assert errors == []
        context.close()
