"""Redis restarting while watches are connected: the kiosk still takes tickets (stored in PostgreSQL, analysed
without the broker), the watches reconnect, and every open task reaches them.

The test restarts a Redis of its own (the servers it starts use it), not the session's: the other tests keep theirs,
and the restarted process is stopped when the test ends (tests/servers.py tracks it until then)."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
import websockets

from branch.models import Branch, Task
from branch.tokens import issue_kiosk_token, register_wearable
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale
from tests.servers import celery_worker, daphne_server, redis_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def post_ticket(base_url: str, kiosk_token: str, number: str) -> tuple[int, dict]:
    body = {"branch": "sz-nanshan", "number": number, "phone": "13912345678"}
    request = urllib.request.Request(
        f"{base_url}/api/branch/tickets/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Kiosk {kiosk_token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


async def connect_watch(url: str, origin: str, token: str):  # noqa: ANN201 - a websockets connection
    """Connect like the watch app: retry with backoff until the server accepts and says ready."""
    delay = 0.2
    for _ in range(60):
        try:
            ws = await websockets.connect(url, additional_headers={"Origin": origin})
            await ws.send(json.dumps({"action": "auth", "token": token}))
            if json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "ready":
                return ws
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
            pass
        await asyncio.sleep(delay)
        delay = min(delay * 2, 2.0)
    raise AssertionError("the watch never reconnected")


def test_watches_get_every_open_task_after_redis_restarts() -> None:
    reseed_migrated_defaults()
    sofa_on_sale()
    branch = Branch.objects.create(code="sz-nanshan", name="南山支行")
    kiosk_token = issue_kiosk_token(branch)
    wearable, token = register_wearable("watch-r", staff=UserFactory(role="branch_staff"))
    wearable.branch = branch
    wearable.save()
    CustomerFactory(phone="13912345678")

    with (
        redis_server() as own_redis,
        daphne_server(REDIS_URL=own_redis.url) as base_url,
        celery_worker(queues="default,inference", REDIS_URL=own_redis.url),
    ):
        url = base_url.replace("http", "ws") + "/ws/wearable/"

        async def scenario() -> list[int]:
            ws = await connect_watch(url, base_url, token)
            await asyncio.to_thread(own_redis.stop)
            status, answer = await asyncio.to_thread(post_ticket, base_url, kiosk_token, "R001")
            assert status == 201
            await asyncio.to_thread(own_redis.start)
            await ws.close()
            got: list[int] = []
            async with asyncio.timeout(60):
                while answer["task"] not in got:
                    # Like the watch app: a connection the server drops (its Redis pool meeting the restart)
                    # is opened again after a pause.
                    back = await connect_watch(url, base_url, token)
                    try:
                        while answer["task"] not in got:
                            frame = json.loads(await back.recv())
                            if frame["type"] == "task":
                                got.append(frame["task"]["id"])
                    except websockets.exceptions.ConnectionClosed:
                        await asyncio.sleep(0.5)
                    finally:
                        await back.close()
            return got

        received = asyncio.run(scenario())

    task = Task.objects.get(ticket__number="R001")
    assert task.pk in received and task.analysed_at is not None
