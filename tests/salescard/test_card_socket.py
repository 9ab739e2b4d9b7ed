"""The card's chat socket and the sales terminal's socket on the embedded default (in-memory channel layer):
persist then push, resume after a reconnect, hand-off to the salesperson and back, bad frames, the rate limit."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from dialogue.models import Conversation, HandOff, Message
from salescard.asgi import application
from salescard.card_access import DEVICE_COOKIE, bind, new_device_id, signed_device
from salescard.cards import issue_link, revoke_link
from salescard.models import CardDevice, CardVisit, SmartCard
from salescard.services import assemble_card
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://127.0.0.1")]
BOUND_DEVICE: dict[str, str] = {}  # token → the customer's device id (their browser's cookie)


def device_cookie(device: str) -> tuple[bytes, bytes]:
    return b"cookie", f"{DEVICE_COOKIE}={signed_device(device)}".encode()


def opened_card() -> tuple[str, int, int]:
    """A card opened by its customer: (token, conversation id, salesperson id)."""
    reseed_migrated_defaults()
    salesperson = UserFactory(role="sales", first_name="静", last_name="陈")
    card = SmartCard.objects.create(salesperson=salesperson, display_name="陈静", company="家居生活馆")
    product = sofa_on_sale()
    customer = CustomerFactory(owner=salesperson)
    link = issue_link(card, customer)
    assembled = assemble_card(link)
    Conversation.objects.filter(pk=assembled.conversation.pk).update(product=product)
    BOUND_DEVICE[link.token] = new_device_id()
    bind(link, BOUND_DEVICE[link.token], CardDevice.How.FIRST_OPEN)
    return link.token, assembled.conversation.pk, salesperson.pk


async def card_socket(token: str) -> WebsocketCommunicator:
    """The customer's own browser (bound to the link) connects."""
    headers = ORIGIN + ([device_cookie(BOUND_DEVICE[token])] if token in BOUND_DEVICE else [])
    socket = WebsocketCommunicator(application, f"/ws/card/{token}/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "ready"
    return socket


async def frames_until(socket: WebsocketCommunicator, wanted: str, limit: int = 10) -> list[dict]:
    frames = []
    for _ in range(limit):
        frame = await socket.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == wanted:
            return frames
    raise AssertionError(f"no {wanted} frame in {frames}")


async def say(socket: WebsocketCommunicator, text: str) -> list[dict]:
    await socket.send_json_to({"action": "say", "text": text})
    return await frames_until(socket, "suggestions")


async def test_a_question_is_stored_answered_spoken_and_never_shows_the_analysis() -> None:
    token, conversation_id, _ = await sync_to_async(opened_card)()
    socket = await card_socket(token)

    frames = await say(socket, "沙发可以拆洗吗？")

    messages = [f["message"] for f in frames if f["type"] == "message"]
    assert [m["sender"] for m in messages] == ["customer", "bot"]
    assert "拉链" in messages[1]["text"]
    assert messages[1]["speech"].startswith("/speech/")
    assert all(key not in m for m in messages for key in ("emotion", "satisfaction", "deal_rate", "reasons"))
    suggestions = frames[-1]["suggestions"]
    assert suggestions and all("拆洗" not in s["question"] for s in suggestions)
    stored = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id).values_list("pk", flat=True)
    )
    assert [m["id"] for m in messages] == stored[-2:]
    await socket.disconnect()


async def test_a_reconnecting_client_gets_what_it_missed() -> None:
    token, _, _ = await sync_to_async(opened_card)()
    first = await card_socket(token)
    frames = await say(first, "沙发多久能送到？")
    seen = [f["message"]["id"] for f in frames if f["type"] == "message"]
    await first.disconnect()
    other = await card_socket(token)
    await say(other, "沙发有几年质保？")  # said while the first client was away
    await other.disconnect()

    back = await card_socket(token)
    await back.send_json_to({"action": "resume", "after": seen[-1]})
    missed = [await back.receive_json_from(timeout=5) for _ in range(2)]

    assert [m["message"]["sender"] for m in missed] == ["customer", "bot"]
    assert missed[0]["message"]["text"] == "沙发有几年质保？"
    await back.disconnect()


async def test_a_buying_message_opens_the_purchase_view() -> None:
    token, _, _ = await sync_to_async(opened_card)()
    socket = await card_socket(token)

    frames = await say(socket, "我要买，怎么下单？现在就付款购买")

    customer_message = next(f["message"] for f in frames if f["type"] == "message")
    assert customer_message["purchase"]["url"] == "https://shop.example.cn/p/cloud"
    assert customer_message["purchase"]["qr"].startswith(f"/c/{token}/qr.svg?product=")
    await socket.disconnect()


async def test_an_angry_complaint_after_the_offer_takes_the_purchase_view_away() -> None:
    token, _, _ = await sync_to_async(opened_card)()
    socket = await card_socket(token)
    offered = await say(socket, "我要买，怎么下单？现在就付款购买")
    assert next(f["message"] for f in offered if f["type"] == "message")["purchase"]

    await socket.send_json_to({"action": "say", "text": "你们太差劲了，上次买的东西到现在还没送到，我要投诉！"})
    frames = await frames_until(socket, "state")  # it is handed to the salesperson

    customer_message = next(f["message"] for f in frames if f["type"] == "message")
    assert customer_message["withdraw_purchase"] is True
    assert "purchase" not in customer_message
    await socket.disconnect()


async def test_a_dissatisfied_customer_is_handed_to_the_salesperson_who_answers_live() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    salesperson = await sync_to_async(UserFactory._meta.model.objects.get)(pk=salesperson_id)
    terminal = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    terminal.scope["user"] = salesperson
    assert (await terminal.connect())[0]
    card = await card_socket(token)

    await card.send_json_to({"action": "say", "text": "太贵了，质量也很差，我非常不满意！"})
    state = next(f for f in await frames_until(card, "state") if f["type"] == "state")
    assert state["state"] == "waiting"
    handoff = next(f for f in await frames_until(terminal, "handoff", limit=20) if f["type"] == "handoff")
    assert handoff["push"]["conversation_id"] == conversation_id

    await terminal.send_json_to({"action": "watch", "conversation": conversation_id, "after": 0})
    history = [f["message"] for f in await frames_until(terminal, "message", limit=20) if f["type"] == "message"]
    history += [f["message"] for f in await frames_until(terminal, "message", limit=20) if f["type"] == "message"]
    assert [m["sender"] for m in history] == ["bot", "customer"]  # the greeting, then the complaint
    complaint = history[1]
    assert complaint["satisfaction"] < 0 and complaint["emotion"]

    reply = await sync_to_async(_salesperson_replies)(salesperson_id, conversation_id, "您好，我是陈静，马上为您处理。")
    frames = await frames_until(card, "message", limit=10)
    spoken = [f for f in frames if f["type"] == "message"][-1]["message"]
    assert spoken["id"] == reply and spoken["sender"] == "salesperson" and spoken["speech"]
    await card.disconnect()
    await terminal.disconnect()


def _salesperson_replies(salesperson_id: int, conversation_id: int, text: str) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(UserFactory._meta.model.objects.get(pk=salesperson_id))
    response = client.post(f"/api/dialogue/conversations/{conversation_id}/reply/", {"text": text}, format="json")
    assert response.status_code == 200, response.content
    assert HandOff.objects.get(conversation_id=conversation_id).status == HandOff.Status.ACCEPTED
    return response.json()["id"]


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        # Error frames speak the card's language (the customer's Mandarin here).
        ("not json", "没能识别这个请求"),
        (json.dumps({"action": "dance"}), "没能识别这个请求"),
        (json.dumps({"action": "say", "text": ""}), "请先输入消息"),
        (json.dumps({"action": "say", "text": 42}), "请以文字发送消息"),
        (json.dumps({"action": "say", "text": "很" * 2001}, ensure_ascii=False), "共 2001 字，最多 2000 字"),
        (json.dumps({"action": "resume", "after": -1}), "没能取回之前的消息"),
        ("x" * 9000, "最多 2000 字"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_store_nothing(frame: str, error: str) -> None:
    token, conversation_id, _ = await sync_to_async(opened_card)()
    socket = await card_socket(token)
    before = await sync_to_async(Message.objects.filter(conversation_id=conversation_id).count)()

    await socket.send_to(text_data=frame)
    answer = await socket.receive_json_from(timeout=5)

    assert answer["type"] == "error" and error in answer["message"]
    assert await sync_to_async(Message.objects.filter(conversation_id=conversation_id).count)() == before
    await socket.disconnect()


async def test_error_frames_are_in_english_on_an_english_card() -> None:
    token, conversation_id, _ = await sync_to_async(opened_card)()
    await sync_to_async(Conversation.objects.filter(pk=conversation_id).update)(language="en")
    await sync_to_async(CardVisit.objects.filter(conversation_id=conversation_id).update)(language="en")
    socket = await card_socket(token)

    await socket.send_to(text_data=json.dumps({"action": "say", "text": "好" * 2001}, ensure_ascii=False))
    answer = await socket.receive_json_from(timeout=5)

    assert answer == {"type": "error", "message": "The message is too long: 2001 characters, at most 2000."}
    await socket.disconnect()


async def test_too_many_messages_are_refused_with_a_clear_message(settings) -> None:
    settings.CARD_CHAT_RATE = (2, 60)
    token, conversation_id, _ = await sync_to_async(opened_card)()
    socket = await card_socket(token)
    await say(socket, "沙发可以拆洗吗？")
    await say(socket, "沙发多久能送到？")

    await socket.send_json_to({"action": "say", "text": "沙发有几年质保？"})
    answer = await socket.receive_json_from(timeout=5)

    assert answer["type"] == "error" and "60" in answer["message"]
    texts = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id, sender="customer").values_list("text", flat=True)
    )
    assert "沙发有几年质保？" not in texts
    await socket.disconnect()


async def test_unknown_and_revoked_links_are_closed_with_their_codes() -> None:
    token, _, _ = await sync_to_async(opened_card)()
    unknown = WebsocketCommunicator(application, "/ws/card/no-such-token/", headers=ORIGIN)
    await unknown.connect()
    assert (await unknown.receive_output(timeout=2))["code"] == 4404

    await sync_to_async(
        lambda: revoke_link(issue_link(SmartCard.objects.get(), CustomerFactory._meta.model.objects.get()))
    )()
    revoked = WebsocketCommunicator(application, f"/ws/card/{token}/", headers=ORIGIN)
    await revoked.connect()
    assert (await revoked.receive_output(timeout=2))["code"] == 4410


async def test_the_sales_socket_refuses_strangers_and_other_peoples_conversations() -> None:
    _, conversation_id, _ = await sync_to_async(opened_card)()
    anonymous = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    await anonymous.connect()
    assert (await anonymous.receive_output(timeout=2))["code"] == 4401

    branch = await sync_to_async(UserFactory)(role="branch_staff")
    staff = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    staff.scope["user"] = branch
    await staff.connect()
    assert (await staff.receive_output(timeout=2))["code"] == 4403

    colleague = await sync_to_async(UserFactory)(role="sales")
    other = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    other.scope["user"] = colleague
    assert (await other.connect())[0]
    await other.send_json_to({"action": "watch", "conversation": conversation_id})
    answer = await other.receive_json_from(timeout=5)
    assert answer["type"] == "error"
    await other.disconnect()


async def test_a_browser_not_bound_to_the_link_is_refused_with_4403() -> None:
    token, _, _ = await sync_to_async(opened_card)()
    for headers in (ORIGIN, ORIGIN + [device_cookie("a-device-nobody-bound")], ORIGIN + [(b"cookie", b"x=1")]):
        stranger = WebsocketCommunicator(application, f"/ws/card/{token}/", headers=headers)
        await stranger.connect()
        assert (await stranger.receive_output(timeout=2))["code"] == 4403
    forged = f"{DEVICE_COOKIE}={BOUND_DEVICE[token]}".encode()  # the device id without the server's signature
    stranger = WebsocketCommunicator(application, f"/ws/card/{token}/", headers=ORIGIN + [(b"cookie", forged)])
    await stranger.connect()
    assert (await stranger.receive_output(timeout=2))["code"] == 4403


async def test_unknown_tokens_from_one_client_are_closed_with_4429(settings) -> None:
    settings.THROTTLE_CARD_TOKENS = (2, 600)
    codes = []
    for n in range(3):
        guess = WebsocketCommunicator(application, f"/ws/card/guess-{n}/", headers=ORIGIN)
        await guess.connect()
        codes.append((await guess.receive_output(timeout=2))["code"])
    assert codes == [4404, 4404, 4429]


async def test_writing_after_the_salesperson_closed_the_chat_starts_a_new_conversation() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    await sync_to_async(Conversation.objects.filter(pk=conversation_id).update)(state=Conversation.State.CLOSED)
    terminal = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    terminal.scope["user"] = await sync_to_async(UserFactory._meta.model.objects.get)(pk=salesperson_id)
    assert (await terminal.connect())[0]

    socket = await card_socket(token)
    frames = await say(socket, "沙发有几年质保？")
    state = next(f for f in frames if f["type"] == "state")
    assert state["state"] == "bot"
    assert [f["message"]["sender"] for f in frames if f["type"] == "message"][:1] == ["customer"]
    fresh = await sync_to_async(
        lambda: Conversation.objects.filter(card_visits__link__token=token).exclude(pk=conversation_id).distinct().get()
    )()
    old = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert old.state == Conversation.State.CLOSED and fresh.state == Conversation.State.BOT
    assert await sync_to_async(fresh.messages.filter(sender="customer").count)() == 1
    assert not await sync_to_async(old.messages.filter(text="沙发有几年质保？").exists)()
    inbox = await frames_until(terminal, "conversation")
    assert inbox[-1]["conversation"]["id"] == fresh.pk  # the terminal lists the new conversation
    await socket.disconnect()
    await terminal.disconnect()

    again = await card_socket(token)  # a reconnecting card follows the new conversation
    await again.send_json_to({"action": "resume", "after": 0})
    resumed = await frames_until(again, "message")
    assert resumed[-1]["message"]["text"] == "沙发有几年质保？"
    await again.disconnect()
