"""The terminal's REST API over the engine: authenticated, scoped to visible customers, clear 4xx errors."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dialogue.models import Conversation, Message
from dialogue.text import MAX_REPLY_CHARS
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(conversation: Conversation, action: str = "") -> str:
    base = f"/api/dialogue/conversations/{conversation.pk}/"
    return f"{base}{action}/" if action else base


def test_anonymous_requests_are_refused(api_client, conversation):
    assert api_client.post(url(conversation, "analyze"), {"text": "你好"}).status_code in (401, 403)


def test_salesperson_analyses_a_message_of_their_customer(client_for, salesperson, conversation):
    response = client_for(salesperson).post(url(conversation, "analyze"), {"text": "沙发可以拆洗吗？"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["answer"]
    assert set(body["emotion"]["scores"]) == {"excited", "joyful", "angry", "calm", "low", "lost"}
    assert "score" in body["satisfaction"] and "score" in body["deal_rate"]


def test_other_salespeople_cannot_see_the_conversation(client_for, conversation):
    stranger = UserFactory(role="sales", username="stranger")
    assert client_for(stranger).post(url(conversation, "analyze"), {"text": "你好"}).status_code == 404
    assert client_for(stranger).get(url(conversation)).status_code == 404


@pytest.mark.parametrize(
    ("text", "message"), [("", "empty"), ("   ", "empty"), ("字" * (MAX_REPLY_CHARS + 1), "too long")]
)
def test_bad_text_gets_a_400_with_a_message_and_changes_nothing(client_for, salesperson, conversation, text, message):
    before = Message.objects.count()
    response = client_for(salesperson).post(url(conversation, "analyze"), {"text": text}, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["text"])
    assert Message.objects.count() == before


def test_missing_text_is_a_400(client_for, salesperson, conversation):
    assert client_for(salesperson).post(url(conversation, "analyze"), {}, format="json").status_code == 400


def test_open_conversation_for_a_visible_customer_only(client_for, salesperson, customer, sofa):
    client = client_for(salesperson)
    response = client.post("/api/dialogue/conversations/", {"customer": customer.pk, "product": sofa.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "bot"
    other = CustomerFactory()
    response = client.post("/api/dialogue/conversations/", {"customer": other.pk}, format="json")
    assert response.status_code == 400
    assert "may not" in str(response.json())


def test_accept_without_a_waiting_hand_off_is_a_conflict(client_for, salesperson, conversation):
    response = client_for(salesperson).post(url(conversation, "accept"))
    assert response.status_code == 409


def test_salesperson_takes_over_then_releases(client_for, salesperson, conversation):
    client = client_for(salesperson)
    client.post(url(conversation, "analyze"), {"text": "请帮我转人工"}, format="json")
    assert client.post(url(conversation, "accept")).json()["state"] == "salesperson"
    reply = client.post(url(conversation, "reply"), {"text": "您好，我来为您解答"}, format="json")
    assert reply.status_code == 200
    assert client.post(url(conversation, "release")).json()["state"] == "bot"
    assert client.post(url(conversation, "close")).json()["state"] == "closed"
    refused = client.post(url(conversation, "release"))  # closed is closed: no hand-back to the bot
    assert refused.status_code == 409 and refused.json()["detail"]


def test_the_terminals_analysis_pushes_what_the_cards_socket_pushes(
    client_for, salesperson, conversation, django_capture_on_commit_callbacks
):
    """One rule for both (``publish_after_customer_message``): every bot line, the chips, the state on a hand-off,
    the inbox row once — and nothing before the commit."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"conversation.{conversation.pk}", channel)
    async_to_sync(layer.group_add)(f"sales.{salesperson.pk}", channel)

    async def drain() -> list[dict]:
        frames = []
        while True:
            try:
                frames.append(await asyncio.wait_for(layer.receive(channel), 0.05))
            except TimeoutError:
                return frames

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(salesperson).post(url(conversation, "analyze"), {"text": "转人工"}, format="json")
    assert response.status_code == 200 and async_to_sync(drain)() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    frames = [f for f in async_to_sync(drain)() if f["type"] != "handoff.created"]

    ids = response.json()["message_ids"]  # the customer's message and every bot line
    assert len(ids) >= 2 and "conversation" not in response.json() and "state_changed" not in response.json()
    assert [f["type"] for f in frames] == ["chat.message"] * len(ids) + [
        "chat.suggestions",
        "chat.state",
        "conversation.updated",
    ]
    assert [f["message"]["id"] for f in frames[: len(ids)]] == ids
    assert frames[-2]["state"] == Conversation.State.WAITING
    assert frames[-1]["conversation"]["state"] == Conversation.State.WAITING
