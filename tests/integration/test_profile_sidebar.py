"""The profile sidebar on the distributed setup: two Daphne servers, Redis as broker and channel layer, PostgreSQL,
and a Celery worker on the ``inference`` queue. A signed webhook on one server stores the message; the worker reads
it (text and a business-card image) and the facts reach the sidebars of two linked salespeople connected to
different servers; a confirmation on one is seen on the other; replays and bad signatures change nothing."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
import websockets
from PIL import Image, ImageDraw, ImageFont

from crm.consent import record_consent
from crm.im_profile.models import ProfileFact, WebhookDelivery
from crm.im_profile.sidebar_tokens import issue_access_token
from crm.im_profile.webhooks import create_integration, sign
from crm.models import ChatMessage, Consent, Friendship
from tests.factories import CustomerFactory, UserFactory
from tests.servers import celery_worker, daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def post(base_url: str, token: str, secret: str, payload: dict, *, tamper: bool = False) -> tuple[int, dict]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    signature = sign(secret, stamp, body)
    request = urllib.request.Request(
        f"{base_url}/api/crm/im/webhooks/",
        data=body + (b" " if tamper else b""),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "X-SalesCard-Timestamp": stamp,
                 "X-SalesCard-Signature": signature, "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class Sidebar:
    def __init__(self, base_url: str, customer_id: int, token: str) -> None:
        self.url = f"{base_url.replace('http', 'ws')}/ws/customers/{customer_id}/"
        self.origin = base_url
        self.token = token

    async def __aenter__(self) -> Sidebar:
        self.ws = await websockets.connect(self.url, additional_headers={"Origin": self.origin})
        await self.ws.send(json.dumps({"type": "auth", "token": self.token}))
        self.snapshot = await self.next_profile()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def next_profile(self, timeout: float = 60.0) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == "profile":
                    return frame["sections"]

    async def until(self, predicate, timeout: float = 60.0) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                sections = await self.next_profile(timeout)
                if "facts" in sections and predicate(sections["facts"]):
                    return sections


def card_image() -> str:
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 30)
    image = Image.new("RGB", (760, 420), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(
        ["张伟  销售总监", "广州市天河云帆贸易有限公司", "Mobile: 137 6655 4433", "E-mail: zhangwei@yunfan.cn"]
    ):
        draw.text((40, 40 + row * 80), line, font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return base64.b64encode(buffer.getvalue()).decode()


def test_facts_travel_from_a_webhook_through_the_worker_to_both_sidebars() -> None:
    chen = UserFactory(role="sales", username="chen", im_user_id="wx-chen")
    liu = UserFactory(role="sales", username="liu", im_user_id="wx-liu")
    customer = CustomerFactory(external_im_id="wx-wang", owner=chen, phone="", company="", email="")
    Friendship.objects.create(staff=chen, customer=customer)
    Friendship.objects.create(staff=liu, customer=customer)
    record_consent(customer, Consent.Purpose.PROFILE_EXTRACTION, True)
    _, token, secret = create_integration("企业微信")

    def message(text: str = "", **extra) -> dict:
        data = {"message_id": uuid.uuid4().hex, "customer_id": "wx-wang", "staff_id": "wx-chen", "direction": "in",
                "kind": "text", "text": text, **extra}  # fmt: skip
        return {"event_id": uuid.uuid4().hex, "type": "message.received", "data": data}

    with daphne_server() as first, daphne_server() as second, celery_worker(queues="inference"):

        async def scenario() -> None:
            async with (
                Sidebar(first, customer.pk, issue_access_token(chen, customer)) as chens,
                Sidebar(second, customer.pk, issue_access_token(liu, customer)) as lius,
            ):
                assert chens.snapshot["facts"]["suggested"] == []
                event = message("我在华为上班，手机 138-0013-8000")
                status, answer = await asyncio.to_thread(post, first, token, secret, event)
                assert (status, answer["status"]) == (200, "processed")

                def has(value):
                    return lambda facts: any(f["value"] == value for f in facts["suggested"])

                await chens.until(has("13800138000"))
                facts = (await lius.until(has("13800138000")))["facts"]["suggested"]
                assert {(f["field"], f["value"]) for f in facts} == {("company", "华为"), ("phone", "13800138000")}

                # A replay changes nothing; a tampered body is refused.
                assert (await asyncio.to_thread(post, second, token, secret, event))[1]["status"] == "duplicate"
                assert (await asyncio.to_thread(post, second, token, secret, message("x"), tamper=True))[0] == 401

                # A business card photo is read by OCR in the worker.
                image = message(kind="image", image_base64=card_image(), image_type="image/jpeg")
                assert (await asyncio.to_thread(post, second, token, secret, image))[0] == 200
                facts = (await chens.until(has("zhangwei@yunfan.cn")))["facts"]["suggested"]
                by_field = {f["field"]: f for f in facts if f["source"]["kind"] == "image"}
                assert by_field["phone"]["value"] == "13766554433"
                assert by_field["company"]["value"] == "广州市天河云帆贸易有限公司"

                # Liu confirms the phone number on server 2; Chen's sidebar on server 1 sees it confirmed.
                phone = next(f for f in facts if f["value"] == "13800138000")
                request = urllib.request.Request(
                    f"{second}/api/crm/customers/{customer.pk}/profile/facts/{phone['id']}/confirm/",
                    method="POST",
                    headers={"Authorization": f"Sidebar {issue_access_token(liu, customer)}"},
                )
                await asyncio.to_thread(urllib.request.urlopen, request, None, 30)
                confirmed = await chens.until(lambda f: any(d["id"] == phone["id"] for d in f["decided"]))
                assert confirmed["facts"]["decided"][0]["status"] == "confirmed"

        asyncio.run(scenario())

    customer.refresh_from_db()
    assert customer.phone == "13800138000"
    assert ChatMessage.objects.filter(customer=customer).count() == 2  # the tampered one was never stored
    assert WebhookDelivery.objects.count() == 2
    assert ProfileFact.objects.filter(source_message__kind="image").count() >= 3
