"""The IM profile sidebar in a real browser at 360 px: two salespeople's sidebars on one customer; a signed webhook
message with a phone number shows up as a suggested fact in both; one confirms, the other sees it confirmed; tags
and edits sync too; an unlinked salesperson gets 403 on the page and 4403 on the socket."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest

from crm.consent import record_consent
from crm.im_profile.sidebar_tokens import issue_access_token, issue_link_token
from crm.im_profile.webhooks import create_integration, sign
from crm.models import BehaviorEvent, Consent, Friendship, Tag
from intent.models import IntentPrediction
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def post_event(base_url: str, token: str, secret: str, payload: dict) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(
        f"{base_url}/api/crm/im/webhooks/",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "X-SalesCard-Timestamp": stamp,
            "X-SalesCard-Signature": sign(secret, stamp, body),
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_two_sidebars_stay_in_sync_and_an_outsider_is_refused(browser) -> None:
    chen = UserFactory(role="sales", username="sales_chen", last_name="陈", first_name="静", im_user_id="wx-chen")
    liu = UserFactory(role="sales", username="sales_liu", last_name="刘", first_name="洋", im_user_id="wx-liu")
    outsider = UserFactory(role="sales", username="sales_out", im_user_id="wx-out")
    customer = CustomerFactory(name="王芳", owner=chen, external_im_id="wx-wang", phone="", company="")
    Friendship.objects.create(staff=chen, customer=customer)
    Friendship.objects.create(staff=liu, customer=customer)
    record_consent(customer, Consent.Purpose.PROFILE_EXTRACTION, True)
    Tag.objects.create(name="高净值")
    _, token, secret = create_integration("企业微信")
    sofa = ProductFactory(name="云朵沙发")
    BehaviorEvent.objects.create(customer=customer, kind=BehaviorEvent.Kind.PRODUCT_CLICK, product=sofa)
    intents = [{"product_id": sofa.pk, "product": sofa.name, "probability": 0.62, "association": "browsing_user"}]
    IntentPrediction.objects.create(customer=customer, intents=intents, is_fallback=True)

    with daphne_server() as base_url:
        pages = {}
        for member in (chen, liu):
            context = browser.new_context(viewport={"width": 360, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base_url}/sidebar/?t={issue_link_token(member, customer)}")
            page.wait_for_selector("#sidebar[data-state=live]")
            assert page.url == f"{base_url}/sidebar/"  # the link token is gone from the address bar and history
            pages[member.username] = page
        chen_page, liu_page = pages["sales_chen"], pages["sales_liu"]
        assert "王芳" in chen_page.inner_text("#name")
        assert chen_page.locator("#ranking > li").count() == 2
        # Issue 21: one click explains the top intents with the evidence behind them.
        chen_page.click("#intents-why summary")
        why = chen_page.inner_text("#intents-why")
        assert "冷启动排序" in why and "云朵沙发 62%" in why and "浏览过 1 次" in why
        # and what gave a colleague's closeness its points (none for a score of 0).
        for row in chen_page.locator("#ranking > li").all():
            row.locator("details.why summary").click()
            points = float(row.locator("span[title] > span").first.inner_text())
            assert ("+" in row.locator("details.why").inner_text()) == (points > 0)

        sent = time.monotonic()
        answer = post_event(base_url, token, secret, {
            "event_id": uuid.uuid4().hex, "type": "message.received",
            "data": {"message_id": "m-1", "customer_id": "wx-wang", "staff_id": "wx-chen", "direction": "in",
                     "kind": "text", "text": "我换号了，新手机号是 139 2233 4455，以后打这个"},
        })  # fmt: skip
        assert answer["status"] == "processed"
        for page in (chen_page, liu_page):
            page.wait_for_selector("#facts li[data-status=suggested]:has-text('13922334455')", timeout=10_000)
        print(f"suggested fact on both sidebars {time.monotonic() - sent:.2f} s after the webhook")
        assert "新手机号" in liu_page.inner_text("#facts .source")
        liu_page.screenshot(path=str(SCREENSHOTS / "sidebar-suggested.png"), full_page=True)

        chen_page.click("#facts li:has-text('13922334455') [data-action=confirm]")
        liu_page.wait_for_selector("#decided li[data-status=confirmed]:has-text('13922334455')", state="attached")
        liu_page.wait_for_selector("#fields dd[data-field=phone]:has-text('13922334455')")
        assert liu_page.locator("#facts li").count() == 0

        # A tag and an edit by one are seen by the other.
        liu_page.select_option("#tag-select", label="高净值")
        liu_page.click("#tag-form button[type=submit]")
        chen_page.wait_for_selector("#tags li:has-text('高净值')")
        chen_page.click("button[aria-label$='公司'], button[aria-label$='Company']")
        chen_page.fill("#edit-value", "平安银行深圳分行")
        chen_page.click("#edit-form button[type=submit]")
        liu_page.wait_for_selector("#fields dd[data-field=company]:has-text('平安银行深圳分行')")
        # A bad edit is refused with a message and changes nothing.
        chen_page.click("button[aria-label$='邮箱'], button[aria-label$='E-mail']")
        chen_page.fill("#edit-value", "wang@fang")  # the browser lets it through; the server refuses it
        chen_page.click("#edit-form button[type=submit]")
        chen_page.wait_for_selector("#status.error")
        chen_page.screenshot(path=str(SCREENSHOTS / "sidebar-confirmed.png"), full_page=True)

        # The customer does something towards a salesperson: both timelines show it.
        post_event(base_url, token, secret, {
            "event_id": uuid.uuid4().hex, "type": "customer.operation",
            "data": {"customer_id": "wx-wang", "staff_id": "wx-liu", "operation": "link_click",
                     "target": "大额存单利率表"},
        })  # fmt: skip
        chen_page.wait_for_selector("#timeline li:has-text('大额存单利率表')")

        # An unlinked salesperson: 403 on the page, 4403 on the socket.
        outsider_page = browser.new_context(viewport={"width": 360, "height": 600}).new_page()
        response = outsider_page.goto(f"{base_url}/sidebar/?t={issue_link_token(outsider, customer)}")
        assert response.status == 403
        assert outsider_page.locator("#refused").count() == 1
        code = outsider_page.evaluate(
            """([url, token]) => new Promise((resolve) => {
                const socket = new WebSocket(url);
                socket.onopen = () => socket.send(JSON.stringify({type: "auth", token}));
                socket.onclose = (event) => resolve(event.code);
            })""",
            [f"{base_url.replace('http', 'ws')}/ws/customers/{customer.pk}/", issue_access_token(outsider, customer)],
        )
        assert code == 4403
        try:
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{base_url}/api/crm/customers/{customer.pk}/profile/",
                    headers={"Authorization": f"Sidebar {issue_access_token(outsider, customer)}"},
                ),
                timeout=10,
            )
            raise AssertionError("the API let an unlinked salesperson in")
        except urllib.error.HTTPError as error:
            assert error.code == 403
