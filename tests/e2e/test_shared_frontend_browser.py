"""The front-end every page shares (issue 18, static/salescard/common.js) in Chromium: the live socket reconnects after
the server closes it and resumes where the page left off (the card asks for the messages after the last one it
showed, and gets those it missed; the terminal follows its conversation again), one backoff policy (exponential with
jitter, capped; "too many" waits longer; a stop code stops), and a failed request shows its message on the page.

The sockets are routed through Playwright (``route_web_socket``), so the test can drop frames and close the page's
side with any code while the real server answers everything else."""

from __future__ import annotations

import json
import time

import pytest

from dialogue.analysis import analyze_reply, start_conversation
from salescard.cards import issue_link
from salescard.models import SmartCard
from tests.conftest import reseed_migrated_defaults
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shared-Frontend-2026"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "has_touch": True, "is_mobile": True}
OFFLINE = "无法连接服务器，请检查网络后重试。"
FAILED = "出了点问题，请稍后再试。"


@pytest.fixture
def shop():
    reseed_migrated_defaults()
    sofa = sofa_on_sale()
    salesperson = UserFactory(role="sales", username="sales_shared", first_name="静", last_name="陈")
    salesperson.set_password(PASSWORD)
    salesperson.save()
    card = SmartCard.objects.create(salesperson=salesperson, display_name="陈静", title="家居顾问", company="好家居")
    customer = CustomerFactory(owner=salesperson, name="王芳", phone="13912345678")
    conversation = start_conversation(customer, salesperson=salesperson, product=sofa, greeting="您好！")
    analyze_reply(conversation, "沙发有几年质保？")
    return {"link": issue_link(card, customer), "conversation": conversation}


class Sockets:
    """Every connection the page opens on a routed path: what the page sent on each, and a switch per connection
    that stops passing the server's frames on to the page (recorded in ``dropped`` instead)."""

    def __init__(self, page, pattern: str) -> None:  # noqa: ANN001 - Playwright's Page
        self.page = page
        self.routes: list = []
        self.sent: list[list[dict]] = []
        self.dropping: list[bool] = []
        self.dropped: list[dict] = []
        page.route_web_socket(pattern, self._route)

    def _route(self, ws) -> None:  # noqa: ANN001 - Playwright's WebSocketRoute
        index = len(self.routes)
        server = ws.connect_to_server()
        self.routes.append(ws)
        self.sent.append([])
        self.dropping.append(False)
        ws.on_message(lambda message: (self.sent[index].append(json.loads(message)), server.send(message)))
        server.on_message(lambda message: self._from_server(index, ws, message))

    def _from_server(self, index: int, ws, message) -> None:  # noqa: ANN001
        if self.dropping[index]:
            self.dropped.append(json.loads(message))
        else:
            ws.send(message)

    def wait(self, condition, what: str, timeout: float = 15.0) -> None:  # noqa: ANN001 - a callable
        """Let Playwright deliver events until ``condition()`` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            self.page.wait_for_timeout(50)


def ask(page, text: str) -> None:  # noqa: ANN001
    page.fill("#message-input", text)
    page.click("#composer button[type=submit]")


def message_ids(page) -> list[int]:  # noqa: ANN001
    return [int(i) for i in page.eval_on_selector_all("#messages > li", "items => items.map((li) => li.dataset.id)")]


def test_the_card_socket_reconnects_and_gets_the_messages_it_missed(browser, shop) -> None:
    with daphne_server() as base_url:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sockets = Sockets(page, "**/ws/card/**")
        page.goto(f"{base_url}/c/{shop['link'].token}/")
        page.wait_for_selector("#messages li")
        sockets.wait(lambda: sockets.sent and sockets.sent[0], "the first resume")
        shown = message_ids(page)
        assert sockets.sent[0][0] == {"action": "resume", "after": max(shown)}

        # The answer to a question never reaches the page: its connection drops frames, then the server "closes" it.
        sockets.dropping[0] = True
        ask(page, "沙发可以拆洗吗？")
        sockets.wait(
            lambda: any(f.get("type") == "message" and f["message"]["sender"] == "bot" for f in sockets.dropped),
            "the answer the page missed",
        )
        assert page.locator(".message.from-bot:has-text('拉链')").count() == 0
        sockets.routes[0].close(code=4000, reason="gone")

        # The page reconnects by itself (first retry within a second), asks for what came after the last message it
        # showed, and shows the missed question and answer once each.
        sockets.wait(lambda: len(sockets.sent) > 1 and sockets.sent[1], "the reconnect", timeout=5.0)
        assert sockets.sent[1][0] == {"action": "resume", "after": max(shown)}
        page.wait_for_selector(".message.from-bot:has-text('拉链')")
        ids = message_ids(page)
        assert len(ids) == len(set(ids)) and ids == sorted(ids) and len(ids) >= len(shown) + 2

        # And it chats on over the new connection.
        answers = page.locator(".message.from-bot").count()
        ask(page, "沙发有几年质保？")
        sockets.wait(lambda: page.locator(".message.from-bot").count() > answers, "the next answer")
        page.screenshot(path=str(SCREENSHOTS / "card-after-reconnect.png"))
        assert errors == []
        context.close()


def test_one_backoff_policy_longer_for_too_many_and_none_after_a_stop_code(browser, shop) -> None:
    with daphne_server() as base_url:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        sockets = Sockets(page, "**/ws/card/**")
        page.goto(f"{base_url}/c/{shop['link'].token}/")
        page.wait_for_selector("#messages li")
        sockets.wait(lambda: sockets.sent and sockets.sent[0], "the first resume")

        # The policy: 1 s · 2^(n−1), capped at 30 s, times a jitter of ½ to 1; "too many" (4429) at least ½–1 min.
        low, high, too_many = page.evaluate(
            "[[1, 2, 3, 4, 5, 6, 7].map((n) => SalesCard.retryDelay(n, 1006, () => 0)),"
            " [1, 2, 3, 4, 5, 6, 7].map((n) => SalesCard.retryDelay(n, 1006, () => 1)),"
            " [SalesCard.retryDelay(1, 4429, () => 0), SalesCard.retryDelay(1, 4429, () => 1)]]"
        )
        assert low == [500, 1000, 2000, 4000, 8000, 15000, 15000]
        assert high == [1000, 2000, 4000, 8000, 16000, 30000, 30000]
        assert too_many == [30000, 60000]

        # An ordinary close: back within a second (and a successful open starts the policy again).
        sockets.routes[0].close(code=1012, reason="restart")
        sockets.wait(lambda: len(sockets.sent) > 1 and sockets.sent[1], "the reconnect", timeout=5.0)
        assert sockets.sent[1][0]["action"] == "resume"

        # "Too many" (4429): not back within a few seconds.
        sockets.routes[1].close(code=4429, reason="too many")
        page.wait_for_timeout(3_000)
        assert len(sockets.routes) == 2

        # A stop code on a fresh page: the card reloads (the page explains why) instead of retrying.
        page.reload()
        sockets.wait(lambda: len(sockets.sent) > 2 and sockets.sent[2], "the socket of the reloaded page")
        with page.expect_event("load"):
            sockets.routes[2].close(code=4410, reason="gone")
        context.close()


def test_the_terminal_resumes_its_conversation_and_shows_a_failed_request(browser, shop) -> None:
    conversation = shop["conversation"]
    analyze_reply(conversation, "太贵了，质量也很差，我非常不满意！")  # handed off: the salesperson may answer
    with daphne_server() as base_url:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base_url}/sales/login/")
        page.fill("input[name=username]", "sales_shared")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/sales/")
        sockets = Sockets(page, "**/ws/sales/")
        page.goto(f"{base_url}/sales/conversations/{conversation.pk}/")
        page.wait_for_selector("body[data-live=true]")
        sockets.wait(lambda: sockets.sent and sockets.sent[0], "the first watch")
        last = max(message_ids(page))
        watch = {"action": "watch", "conversation": conversation.pk, "after": last}
        assert sockets.sent[0][:2] == [watch, {"action": "ping"}]

        # The server closes the socket: the page shows it is offline, reconnects and follows the conversation again.
        sockets.routes[0].close(code=1011, reason="restart")
        sockets.wait(lambda: len(sockets.sent) > 1 and sockets.sent[1], "the reconnect", timeout=5.0)
        assert sockets.sent[1][:2] == [watch, {"action": "ping"}]
        page.wait_for_selector("body[data-live=true]")

        # A refused reply shows the server's words; an unreachable server and a server error say so in Chinese.
        page.route(
            "**/reply/",
            lambda route: route.fulfill(status=400, json={"text": ["这条回复太长了。"]}),
        )
        page.fill("#reply-text", "您好")
        page.click("#reply")
        page.wait_for_selector("#error:has-text('这条回复太长了。')")
        page.unroute("**/reply/")
        page.route("**/reply/", lambda route: route.abort())
        page.click("#reply")
        page.wait_for_selector(f"#error:has-text('{OFFLINE}')")
        page.unroute("**/reply/")
        page.route("**/reply/", lambda route: route.fulfill(status=502, body="<h1>Bad gateway</h1>"))
        page.click("#reply")
        page.wait_for_selector(f"#error:has-text('{FAILED}')")
        page.screenshot(path=str(SCREENSHOTS / "terminal-failed-request.png"))

        # Reached again: the reply is sent and the message is gone.
        page.unroute("**/reply/")
        with page.expect_response(lambda response: response.url.endswith("/reply/")) as answer:
            page.click("#reply")
        assert answer.value.ok, (answer.value.status, answer.value.text(), page.inner_text("#error"))
        page.wait_for_selector(".message.from-salesperson:has-text('您好')")
        assert page.locator("#error").is_hidden()
        assert errors == []
        context.close()
