"""API tokens expire: an old token is refused by the API and the sockets, and the next sign-in replaces it."""

from __future__ import annotations

import datetime

import pytest
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from salescard.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery-staple"


def sign_in(username: str) -> str:
    answer = APIClient().post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def customers(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client.get("/api/crm/customers/").status_code


def age(days: int) -> None:
    Token.objects.update(created=timezone.now() - datetime.timedelta(days=days))


async def socket_accepted(key: str) -> bool:
    headers = [(b"origin", b"http://127.0.0.1"), (b"authorization", f"Token {key}".encode())]
    socket = WebsocketCommunicator(application, "/ws/sales/", headers=headers)
    connected, _ = await socket.connect()
    if not connected:
        return False
    if await socket.receive_nothing(timeout=1):
        await socket.disconnect()
        return True
    return (await socket.receive_output(timeout=5))["type"] != "websocket.close"


def test_a_token_older_than_the_limit_is_refused_and_the_next_sign_in_replaces_it(settings):
    settings.API_TOKEN_DAYS = 30
    UserFactory(username="sales_wang", role="sales")
    key = sign_in("sales_wang")
    assert customers(key) == 200
    assert sign_in("sales_wang") == key  # one token per user while it lasts

    age(31)
    assert customers(key) == 401
    fresh = sign_in("sales_wang")
    assert fresh != key and customers(fresh) == 200


async def test_the_sockets_refuse_an_expired_token(settings):
    from asgiref.sync import sync_to_async

    settings.API_TOKEN_DAYS = 30
    user = await sync_to_async(UserFactory)(username="sales_li", role="sales")
    key = (await sync_to_async(Token.objects.create)(user=user)).key
    assert await socket_accepted(key)
    await sync_to_async(age)(31)
    assert not await socket_accepted(key)
