"""The distributed path end to end: a task enqueued through Redis runs in a separate Celery worker
process against PostgreSQL, and its result reaches a WebSocket client of a real Daphne server through
channels-redis."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.request

import pytest
import websockets
from django.test import Client

from crm.models import User
from salescard.models import PipelineProbe
from salescard.tasks import request_probes
from tests.servers import celery_worker, daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _receive_until(ws, wanted_type: str, timeout: float = 30.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == wanted_type:
                return frame


def test_probe_crosses_redis_worker_postgres_and_reaches_the_socket() -> None:
    # Given a manager watching the operations socket of a real Daphne server
    manager = User.objects.create_user("ops-manager", password="x" * 12, role=User.Role.MANAGER)
    cookie = _session_cookie(manager)
    with daphne_server() as base_url, celery_worker():
        ws_url = base_url.replace("http", "ws") + "/ws/ops/"

        async def scenario() -> dict:
            async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": base_url}) as ws:
                # When a probe is enqueued from this process (through Redis, not inline)
                probe = (await asyncio.to_thread(request_probes, manager, ["inference"]))[0]
                # Then the worker's completion arrives on the socket
                frame = await _receive_until(ws, "probe.completed")
                assert frame["probe"]["id"] == probe.pk
                return frame

        frame = asyncio.run(scenario())

    probe = PipelineProbe.objects.get(pk=frame["probe"]["id"])
    assert probe.completed_at is not None
    assert probe.database_vendor == "postgresql"
    worker_pid = int(probe.worker.rsplit(":", 1)[1])
    assert worker_pid != os.getpid(), "the task must run in the worker process, not inline"


def test_socket_request_runs_on_worker_and_answers_bad_frames() -> None:
    manager = User.objects.create_user("ops-manager2", password="x" * 12, role=User.Role.MANAGER)
    cookie = _session_cookie(manager)
    with daphne_server() as base_url, celery_worker():
        ws_url = base_url.replace("http", "ws") + "/ws/ops/"

        async def scenario() -> tuple[dict, dict]:
            async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": base_url}) as ws:
                await ws.send("not json")
                error = await _receive_until(ws, "error")
                await ws.send(json.dumps({"action": "probe", "queues": ["speech", "training"]}))
                done = [await _receive_until(ws, "probe.completed") for _ in range(2)]
                return error, {d["probe"]["queue"] for d in done}

        error, queues = asyncio.run(scenario())

    assert "Unknown frame" in error["message"]
    assert queues == {"speech", "training"}


def test_unauthenticated_socket_is_closed() -> None:
    with daphne_server() as base_url:
        ws_url = base_url.replace("http", "ws") + "/ws/ops/"

        async def scenario() -> int:
            async with websockets.connect(ws_url, additional_headers={"Origin": base_url}) as ws:
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await ws.recv()
                return closed.value.rcvd.code

        assert asyncio.run(scenario()) == 4401


def test_readyz_is_green_with_postgres_redis_and_broker() -> None:
    with daphne_server() as base_url:
        with urllib.request.urlopen(f"{base_url}/readyz", timeout=10) as response:
            body = json.loads(response.read())
    assert body["status"] == "ready"
    assert body["checks"]["database"]["detail"] == "postgresql"
    assert body["checks"]["channel_layer"]["detail"] == "RedisChannelLayer"
    assert body["checks"]["broker"]["detail"] == "redis broker reachable"
