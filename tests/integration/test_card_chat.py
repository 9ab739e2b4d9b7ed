"""The card chat on the distributed setup: two Daphne processes behind no shared memory, Redis as the channel
layer, PostgreSQL as the database and a Celery worker delivering the hand-off. A customer on one server is
handed off; the salesperson's terminal socket on the other server gets the hand-off and the live messages, and
the salesperson's reply (through the API of the second server) reaches the card on the first."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from django.test import Client

from crm.models import User
from dialogue.models import HandOff, Message
from salescard.card_access import DEVICE_COOKIE, bind, signed_device
from salescard.cards import issue_link
from salescard.models import CardDevice, SmartCard
from salescard.services import assemble_card
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, sofa_on_sale
from tests.servers import celery_worker, daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


async def frame_of(ws, wanted: str, timeout: float = 30.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == wanted:
                return frame


async def frames_until(ws, done, timeout: float = 30.0) -> list[dict]:
    """Every frame received until ``done(frames)`` holds."""
    frames: list[dict] = []
    async with asyncio.timeout(timeout):
        while not done(frames):
            frames.append(json.loads(await ws.recv()))
    return frames


def _has_handoff_and_complaint(frames: list[dict]) -> bool:
    kinds = {f["type"] for f in frames}
    said = {f["message"]["sender"] for f in frames if f["type"] == "message"}
    return "handoff" in kinds and "customer" in said


def test_hand_off_crosses_servers_through_redis_and_the_reply_reaches_the_card() -> None:
    reseed_migrated_defaults()
    salesperson = User.objects.create_user("card-sales", password="x" * 12, role=User.Role.SALES, first_name="静")
    card = SmartCard.objects.create(salesperson=salesperson, display_name="陈静")
    sofa_on_sale(code="sofa-card")
    link = issue_link(card, CustomerFactory(owner=salesperson))
    conversation_id = assemble_card(link).conversation.pk
    bind(link, "customer-phone", CardDevice.How.FIRST_OPEN)
    device = f"{DEVICE_COOKIE}={signed_device('customer-phone')}"
    browser = Client()
    browser.force_login(salesperson)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"

    with daphne_server() as card_server, daphne_server() as desk_server, celery_worker(queues="default,inference"):

        async def scenario() -> dict:
            card_url = card_server.replace("http", "ws") + f"/ws/card/{link.token}/"
            desk_url = desk_server.replace("http", "ws") + "/ws/sales/"
            async with (
                websockets.connect(card_url, additional_headers={"Origin": card_server, "Cookie": device}) as customer,
                websockets.connect(desk_url, additional_headers={"Origin": desk_server, "Cookie": cookie}) as desk,
            ):
                await frame_of(customer, "ready")
                async with websockets.connect(card_url, additional_headers={"Origin": card_server}) as stranger:
                    with pytest.raises(websockets.ConnectionClosed) as refused:
                        await stranger.recv()
                    assert refused.value.rcvd.code == 4403  # the link forwarded to a browser not bound to it
                await desk.send(json.dumps({"action": "watch", "conversation": conversation_id, "after": 0}))
                await customer.send(json.dumps({"action": "say", "text": "太贵了，质量也很差，我非常不满意！"}))
                assert (await frame_of(customer, "state"))["state"] == "waiting"
                # the hand-off is delivered by the Celery worker, the messages by the other server, through Redis
                seen = await frames_until(desk, _has_handoff_and_complaint)
                handoff = next(f for f in seen if f["type"] == "handoff")
                complaint = next(f for f in seen if f["type"] == "message" and f["message"]["sender"] == "customer")
                reply = await asyncio.to_thread(
                    browser.post,
                    f"/api/dialogue/conversations/{conversation_id}/reply/",
                    {"text": "您好，我是陈静，马上为您处理。"},
                    content_type="application/json",
                )
                assert reply.status_code == 200, reply.content
                answer = await frame_of(customer, "message")
                while answer["message"]["sender"] != "salesperson":
                    answer = await frame_of(customer, "message")
                return {"handoff": handoff, "complaint": complaint["message"], "answer": answer["message"]}

        seen = asyncio.run(scenario())

    assert seen["handoff"]["push"]["conversation_id"] == conversation_id
    assert seen["complaint"]["satisfaction"] < 0  # the terminal sees the analysis
    assert "satisfaction" not in seen["answer"] and seen["answer"]["speech"].startswith("/speech/")
    assert HandOff.objects.get(conversation_id=conversation_id).status == HandOff.Status.ACCEPTED
    assert Message.objects.filter(conversation_id=conversation_id, sender="salesperson").count() == 1
