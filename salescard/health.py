"""Liveness and readiness: ``/healthz`` says the process answers; ``/readyz`` checks that the database,
the channel layer and the Celery broker are reachable and answers 503 with the failing part named."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

CHECK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    ms: float


def _timed(check: Callable[[], str]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail, ok = check(), True
    except Exception as exc:  # noqa: BLE001 — any failure makes the service unready; the message says which
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return CheckResult(ok=ok, detail=detail, ms=round((time.perf_counter() - started) * 1000, 1))


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_channel_layer() -> str:
    """Send a message to a fresh channel and read it back through the configured layer."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("readyz.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "readyz.ping", "token": token})
        reply = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT_S)
        if reply.get("token") != token:
            raise RuntimeError("the channel layer returned a different message")

    async_to_sync(round_trip)()
    return type(layer).__name__


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded: tasks run inline"
    from salescard.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_S)
    return "redis broker reachable"


def readiness() -> tuple[bool, dict[str, dict]]:
    results = {
        "database": _timed(check_database),
        "channel_layer": _timed(check_channel_layer),
        "broker": _timed(check_broker),
    }
    return all(r.ok for r in results.values()), {name: asdict(r) for name, r in results.items()}
