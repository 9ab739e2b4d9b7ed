"""API keys are hashed, expire and can be revoked: only a SHA-256 is stored, every sign-in issues its own key, an
old or revoked key is refused by the API and the sockets alike."""

from __future__ import annotations

import datetime

import pytest
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.test import APIClient

from base.api_tokens import issue_token, key_hash, revoke
from base.models import ApiToken
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
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(days=days))


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


def test_only_a_hash_of_each_key_is_stored_and_each_sign_in_gets_its_own(settings):
    UserFactory(username="sales_wang", role="sales")
    key = sign_in("sales_wang")
    stored = ApiToken.objects.get()
    assert stored.key_hash == key_hash(key) and key not in stored.key_hash and stored.prefix == key[:8]
    assert customers(key) == 200
    second = sign_in("sales_wang")
    assert second != key and customers(key) == 200 and customers(second) == 200
    assert ApiToken.objects.filter(user__username="sales_wang").count() == 2
    assert customers(key[:-1] + ("A" if key[-1] != "A" else "B")) == 401


def test_an_expired_key_is_refused_and_the_next_sign_in_works(settings):
    UserFactory(username="sales_wang", role="sales")
    key = sign_in("sales_wang")
    age(1)
    response = APIClient()
    response.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    refused = response.get("/api/crm/customers/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    assert customers(sign_in("sales_wang")) == 200


def test_a_revoked_key_or_an_inactive_user_is_refused(settings):
    user = UserFactory(username="sales_wang", role="sales")
    key, other = issue_token(user), issue_token(user)
    revoke(ApiToken.objects.get(key_hash=key_hash(key)))
    assert customers(key) == 401 and customers(other) == 200
    user.is_active = False
    user.save()
    assert customers(other) == 401


def test_a_manager_revokes_a_key_in_the_admin(client, manager):
    user = UserFactory(username="sales_wang", role="sales")
    key = issue_token(user)
    client.force_login(manager)
    token = ApiToken.objects.get()
    page = client.get("/admin/base/apitoken/").content.decode()
    assert key[:8] in page and key not in page
    client.post("/admin/base/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert customers(key) == 401


async def test_the_sockets_refuse_an_expired_or_revoked_key(settings):
    from asgiref.sync import sync_to_async

    user = await sync_to_async(UserFactory)(username="sales_li", role="sales")
    key = await sync_to_async(issue_token)(user)
    assert await socket_accepted(key)
    await sync_to_async(age)(1)
    assert not await socket_accepted(key)
    fresh = await sync_to_async(issue_token)(user)
    assert await socket_accepted(fresh)
    await sync_to_async(lambda: revoke(ApiToken.objects.get(key_hash=key_hash(fresh))))()
    assert not await socket_accepted(fresh)
