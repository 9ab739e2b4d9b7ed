"""The branch watch in a real browser at 400×400: pairing by token, choosing the branch, a kiosk ticket arriving
as a task with its reminder and badge, the top 3, the customer's sub-pages, and accepting it."""

from __future__ import annotations

import json
import urllib.request

import pytest

from branch.models import Branch, Task
from branch.tokens import issue_kiosk_token, register_wearable
from tests.conftest import reseed_migrated_defaults
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def post_ticket(base_url: str, kiosk_token: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/branch/tickets/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Kiosk {kiosk_token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_a_ticket_arrives_on_the_watch_and_is_accepted(browser, tmp_path) -> None:
    reseed_migrated_defaults()
    sofa_on_sale()
    branch = Branch.objects.create(code="sz-nanshan", name="南山支行")
    kiosk_token = issue_kiosk_token(branch)
    _, device_token = register_wearable(
        "watch-e2e", staff=UserFactory(role="branch_staff", first_name="磊", last_name="赵")
    )
    CustomerFactory(name="王芳", phone="13912345678", assets={"deposits": 300000, "funds": 120000}, married=True)

    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(viewport={"width": 400, "height": 400}, locale="zh-CN")
        context.add_init_script(
            "window.vibrations = []; navigator.vibrate = (p) => { window.vibrations.push(p); return true; };"
        )
        watch = context.new_page()
        watch.goto(f"{base_url}/watch/#token={device_token}")
        assert "token" not in watch.url  # the token leaves the address bar
        watch.wait_for_selector("#branches:not([hidden])")
        watch.click("#branch-list button:has-text('南山支行')")
        watch.wait_for_selector("#tasks:not([hidden])")

        answer = post_ticket(
            base_url,
            kiosk_token,
            {"branch": "sz-nanshan", "number": "A012", "phone": "13912345678", "business": "理财"},
        )
        assert answer["created"] is True

        watch.wait_for_selector("#task-list button:has-text('王芳')")
        assert watch.inner_text("#badge") == "1"
        assert watch.evaluate("window.vibrations.length") == 1
        assert "王芳" in watch.inner_text("#toast")
        watch.click("#task-list button:has-text('王芳')")
        assert watch.locator("#top3 li").count() >= 1
        watch.screenshot(path=str(SCREENSHOTS / "watch-task.png"))
        watch.click("#accept")
        watch.wait_for_selector("#task-taken:not([hidden])")
        watch.click("[data-sub=assets]")
        assert "300,000" in watch.inner_text("#sub-body")
        watch.click("#sub [data-back=task]")
        watch.click("[data-sub=info]")
        assert "王芳" in watch.inner_text("#sub-body")
        # B8: start, end with feedback; the task moves to the done list.
        watch.click("#sub [data-back=task]")
        watch.click("#start")
        watch.wait_for_selector("#end:not([hidden])")
        watch.click("#end")
        watch.check("#success")
        watch.select_option("#bought", index=1)  # the first recommendation
        watch.fill("#actual-preferences", "稳健")
        watch.click("#finish-form button[type=submit]")
        watch.wait_for_selector("#tasks:not([hidden])")
        watch.click("[data-list=done]")
        watch.wait_for_selector("#task-list button:has-text('王芳')")
        context.close()

    task = Task.objects.get(pk=answer["task"])
    assert task.wearable.device_id == "watch-e2e" and task.status == Task.Status.DONE
    assert task.feedback.success and task.feedback.tier == "very_accurate"


def test_an_unknown_token_asks_to_pair_again(browser, tmp_path) -> None:
    with daphne_server(TTS_CACHE_DIR=str(tmp_path / "tts")) as base_url:
        context = browser.new_context(viewport={"width": 400, "height": 400}, locale="zh-CN")
        watch = context.new_page()
        watch.goto(f"{base_url}/watch/#token=not-a-real-token")
        watch.wait_for_selector("#pair:not([hidden])")
        assert watch.locator("#pair-error").is_visible()
        context.close()
