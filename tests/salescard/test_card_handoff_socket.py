"""Issue 17 items 1–2 on the real sockets (``salescard.asgi.application``, in-memory channel layer): after a hand-off
every customer message on the card gets the bot's answer or an acknowledgement naming who is coming; once a person
has taken over the bot stays quiet (and says so once when the person goes silent); a manager's terminal receives the
hand-off of a salesperson's chat; ping → pong marks the terminal online, and e-mail then waits; offline it is sent,
once per conversation in the batch window."""

from __future__ import annotations

import datetime
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.test import APIClient

from crm.models import Friendship, User
from dialogue.config import invalidate_config
from dialogue.handoff import accept_handoff, release_to_bot
from dialogue.handoff_escalation import sweep_handoffs
from dialogue.models import Conversation, HandOff, ScoringSettings, TerminalPresence
from salescard.asgi import application
from tests.factories import UserFactory
from tests.salescard.test_card_socket import ORIGIN, card_socket, frames_until, opened_card

pytestmark = pytest.mark.django_db(transaction=True)


async def say(socket: WebsocketCommunicator, text: str) -> tuple[list[dict], float]:
    """Send a message; the messages pushed back for it (customer's, then the bot's) and the seconds it took."""
    started = time.monotonic()
    await socket.send_json_to({"action": "say", "text": text})
    frames = await frames_until(socket, "suggestions", limit=20)
    took = time.monotonic() - started
    messages = [f["message"] for f in frames if f["type"] == "message"]
    assert messages and messages[0]["sender"] == "customer" and messages[0]["text"] == text
    return messages[1:], took


async def terminal_of(user: User) -> WebsocketCommunicator:
    terminal = WebsocketCommunicator(application, "/ws/sales/", headers=ORIGIN)
    terminal.scope["user"] = user
    assert (await terminal.connect())[0]
    return terminal


def user(pk: int) -> User:
    return User.objects.get(pk=pk)


def pending_handoff(conversation_id: int) -> HandOff:
    return HandOff.objects.get(conversation_id=conversation_id, status=HandOff.Status.PENDING)


async def test_after_a_hand_off_every_customer_message_gets_an_answer_or_a_note_naming_the_salesperson() -> None:
    token, conversation_id, _ = await sync_to_async(opened_card)()
    card = await card_socket(token)

    handed, _ = await say(card, "转人工")
    assert [m["sender"] for m in handed] == ["bot"] and "陈静" in handed[0]["text"]
    assert await sync_to_async(pending_handoff)(conversation_id)

    answered: dict[str, str] = {}
    for text in ("保险怎么理赔？", "沙发多久能送到？", "好的，怎么付款？", "能便宜点吗？", "转人工", "在吗？"):
        bot, took = await say(card, text)
        assert len(bot) == 1 and bot[0]["text"].strip(), f"{text} went unanswered"
        assert bot[0]["speech"].startswith("/speech/")
        assert took < 2.0, f"{text} took {took:.2f} s"
        answered[text] = bot[0]["text"]

    assert "15天" in answered["沙发多久能送到？"]  # the bot keeps answering what it can
    for text in ("保险怎么理赔？", "转人工", "在吗？"):  # and says who is coming for the rest
        assert "陈静" in answered[text], answered[text]
    assert "{" not in "".join(answered.values())
    texts = list(answered.values())
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False)), texts  # never the same line twice running

    conversation = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert conversation.state == Conversation.State.WAITING
    assert await sync_to_async(HandOff.objects.filter(conversation_id=conversation_id).count)() == 1
    await card.disconnect()


async def test_a_number_left_while_waiting_is_acknowledged_and_goes_with_the_hand_off() -> None:
    token, conversation_id, _ = await sync_to_async(opened_card)()
    card = await card_socket(token)
    await say(card, "我要找真人客服")

    bot, _ = await say(card, "我的电话是 13912345678，请回电")

    assert len(bot) == 1 and "139****5678" in bot[0]["text"] and "陈静" in bot[0]["text"]
    handoff = await sync_to_async(pending_handoff)(conversation_id)
    assert handoff.push_message["callback_phone"] == "13912345678"
    assert "13912345678" in handoff.detail
    await card.disconnect()


async def test_with_the_salesperson_online_the_acknowledgement_does_not_ask_for_a_number() -> None:
    token, _, salesperson_id = await sync_to_async(opened_card)()
    terminal = await terminal_of(await sync_to_async(user)(salesperson_id))
    card = await card_socket(token)

    handed, _ = await say(card, "转人工")

    assert "陈静" in handed[0]["text"] and "电话" not in handed[0]["text"]
    waiting, _ = await say(card, "保险怎么理赔？")
    assert "陈静" in waiting[0]["text"] and "不在线" not in waiting[0]["text"]
    await card.disconnect()
    await terminal.disconnect()


async def test_once_the_salesperson_accepts_in_the_terminal_the_bot_stays_quiet() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    card = await card_socket(token)
    await say(card, "转人工")

    api = APIClient()
    api.force_authenticate(await sync_to_async(user)(salesperson_id))
    response = await sync_to_async(api.post)(f"/api/dialogue/conversations/{conversation_id}/accept/")
    assert response.status_code == 200, response.content
    states = [f for f in await frames_until(card, "state", limit=20) if f["type"] == "state"]
    if states[-1]["state"] == "waiting":  # the hand-off's own state frame came first
        states += [f for f in await frames_until(card, "state", limit=20) if f["type"] == "state"]
    assert states[-1]["state"] == "salesperson" and states[-1]["salesperson"] == "陈静"

    for text in ("沙发多久能送到？", "保险怎么理赔？", "转人工"):
        bot, _ = await say(card, text)
        assert bot == [], f"the bot spoke over the salesperson: {bot}"
    await card.disconnect()


async def test_a_salesperson_silent_past_the_set_time_is_excused_once_then_the_bot_is_quiet_again() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    card = await card_socket(token)
    await say(card, "转人工")

    def taken_a_minute_ago() -> None:
        ScoringSettings.objects.update(salesperson_silence_seconds=30)
        invalidate_config()
        accept_handoff(pending_handoff(conversation_id), user(salesperson_id))
        HandOff.objects.filter(conversation_id=conversation_id).update(
            accepted_at=timezone.now() - datetime.timedelta(seconds=60)
        )

    await sync_to_async(taken_a_minute_ago)()

    first, _ = await say(card, "还有人吗？")
    second, _ = await say(card, "怎么没人回复？")

    assert len(first) == 1 and "陈静" in first[0]["text"] and "回复" in first[0]["text"]
    assert second == []
    await card.disconnect()


async def test_a_managers_terminal_receives_the_hand_off_of_a_salespersons_chat() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    manager = await sync_to_async(UserFactory)(role="manager", username="boss", first_name="伟", last_name="张")
    colleague = await sync_to_async(UserFactory)(role="sales", username="colleague")
    managers_terminal = await terminal_of(manager)
    colleagues_terminal = await terminal_of(colleague)
    card = await card_socket(token)

    await say(card, "我想和真人聊聊")

    frames = await frames_until(managers_terminal, "handoff", limit=20)
    handoff = next(f for f in frames if f["type"] == "handoff")
    assert handoff["push"]["conversation_id"] == conversation_id
    assert handoff["push"]["assignee"]["id"] == salesperson_id
    assert handoff["push"]["summary"] and "K=" not in handoff["push"]["summary"]
    assert await colleagues_terminal.receive_nothing(timeout=0.5)  # not theirs
    await card.disconnect()
    await managers_terminal.disconnect()
    await colleagues_terminal.disconnect()


async def test_a_hand_off_passed_on_reaches_the_colleagues_terminal_and_inbox() -> None:
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()

    def colleague_friend() -> User:
        colleague = UserFactory(role="sales", username="lin", first_name="涛", last_name="林")
        customer = Conversation.objects.get(pk=conversation_id).customer
        Friendship.objects.create(
            staff=colleague, customer=customer, since=timezone.now() - datetime.timedelta(days=90)
        )
        return colleague

    colleague = await sync_to_async(colleague_friend)()
    colleagues_terminal = await terminal_of(colleague)
    card = await card_socket(token)
    await say(card, "转人工")

    def nobody_accepted() -> list:
        handoff = pending_handoff(conversation_id)
        return sweep_handoffs(
            handoff.offered_at + datetime.timedelta(seconds=ScoringSettings.objects.get().handoff_accept_seconds + 1)
        )

    assert [e.to for e in await sync_to_async(nobody_accepted)()] == [colleague.pk]

    frames = await frames_until(colleagues_terminal, "handoff", limit=20)
    frames += await frames_until(colleagues_terminal, "conversation", limit=20)
    handoff = next(f for f in frames if f["type"] == "handoff")
    assert handoff["push"]["escalated"] is True and handoff["push"]["previous"]["id"] == salesperson_id
    row = next(f for f in frames if f["type"] == "conversation")["conversation"]
    assert row["id"] == conversation_id and row["state"] == "waiting"  # his inbox lists the chat now
    note = next(f for f in await frames_until(card, "message", limit=20) if f["type"] == "message")["message"]
    assert note["sender"] == "bot" and note["text"] == "陈静暂时走不开，我已请林涛来为您服务，请稍候。"
    await card.disconnect()
    await colleagues_terminal.disconnect()


async def test_a_ping_is_answered_and_marks_the_terminal_online_until_it_closes() -> None:
    _, _, salesperson_id = await sync_to_async(opened_card)()
    terminal = await terminal_of(await sync_to_async(user)(salesperson_id))
    await sync_to_async(TerminalPresence.objects.update)(seen_at=timezone.now() - datetime.timedelta(hours=1))

    await terminal.send_json_to({"action": "ping"})

    assert await terminal.receive_json_from(timeout=5) == {"type": "pong"}
    row = await sync_to_async(TerminalPresence.objects.get)()
    assert row.user_id == salesperson_id and timezone.now() - row.seen_at < datetime.timedelta(seconds=5)
    await terminal.disconnect()
    assert not await sync_to_async(TerminalPresence.objects.exists)()


def with_email(salesperson_id: int) -> None:
    User.objects.filter(pk=salesperson_id).update(email="chenjing@example.cn", phone="13802561174")


async def test_no_email_to_a_salesperson_online_in_the_terminal(settings, mailoutbox) -> None:
    settings.HANDOFF_CHANNELS = ["inapp", "email", "sms"]
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    await sync_to_async(with_email)(salesperson_id)
    terminal = await terminal_of(await sync_to_async(user)(salesperson_id))
    await terminal.send_json_to({"action": "ping"})
    assert (await terminal.receive_json_from(timeout=5))["type"] == "pong"
    card = await card_socket(token)

    await say(card, "转人工")
    await frames_until(terminal, "handoff", limit=20)

    deliveries = (await sync_to_async(pending_handoff)(conversation_id)).deliveries
    assert deliveries["inapp"] == "pushed"
    assert deliveries["email"].startswith("skipped: online")
    assert deliveries["sms"].startswith("skipped: online")
    assert mailoutbox == []
    await card.disconnect()
    await terminal.disconnect()


async def test_an_offline_salesperson_gets_one_email_per_conversation_in_the_batch_window(settings, mailoutbox) -> None:
    settings.HANDOFF_CHANNELS = ["inapp", "email"]
    settings.HANDOFF_NOTIFY_BATCH_SECONDS = 600
    token, conversation_id, salesperson_id = await sync_to_async(opened_card)()
    await sync_to_async(with_email)(salesperson_id)
    card = await card_socket(token)

    await say(card, "转人工")
    first = await sync_to_async(pending_handoff)(conversation_id)
    assert first.deliveries["email"] == "sent"
    assert [m.to for m in mailoutbox] == [["chenjing@example.cn"]]

    # The salesperson hands the chat back; the customer asks for a person again a minute later.
    await sync_to_async(release_to_bot)(await sync_to_async(Conversation.objects.get)(pk=conversation_id))
    await say(card, "还是帮我转人工吧")
    second = await sync_to_async(pending_handoff)(conversation_id)

    assert second.pk != first.pk
    assert second.deliveries["inapp"] == "pushed"
    assert second.deliveries["email"].startswith("skipped: batched")
    assert len(mailoutbox) == 1
    await card.disconnect()
