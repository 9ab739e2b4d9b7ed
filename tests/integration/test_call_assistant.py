"""The call assistant on the distributed setup: two Daphne servers, Redis as broker and channel layer, PostgreSQL,
and a Celery worker on the ``speech`` and ``training`` queues.

An uploaded recording is transcribed by the worker and the salesperson's terminal on the other server hears that it
is done; a live capture on one server pushes its segments and suggestions to the terminal on the other; a rating
above the threshold becomes a training sample and the retraining runs on the worker, recording a new version."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.request
import uuid

import pytest
import websockets
from django.test import Client

from base.api_tokens import issue_token
from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, ReplyModelVersion, ReplySample
from dialogue.calls.script_library import seed_reply_library
from tests.dialogue.test_live_capture import pcm_of
from tests.factories import CustomerFactory, UserFactory
from tests.servers import celery_worker, daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def http(base_url: str, path: str, token: str, body: bytes = b"", content_type: str = "") -> dict:
    request = urllib.request.Request(f"{base_url}{path}", data=body or None, method="POST" if body else "GET")
    request.add_header("Authorization", f"Token {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: audio/wav\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def frames_until(ws, done, timeout: float = 120) -> list[dict]:
    frames: list[dict] = []
    async with asyncio.timeout(timeout):
        while not done(frames):
            frames.append(json.loads(await ws.recv()))
    return frames


def test_uploads_live_capture_and_retraining_cross_servers_and_workers(tmp_path, settings) -> None:
    from dialogue.speech.asr_model import build_checkpoint

    checkpoint = build_checkpoint(tmp_path / "whisper" / "base.pt")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MODEL_DIR = str(tmp_path / "models")
    salesperson = UserFactory(role="sales", username="call-sales")
    token = issue_token(salesperson)
    customer = CustomerFactory(owner=salesperson, language="en")
    record_consent(customer, Consent.Purpose.CALL_RECORDING, True)
    seed_reply_library()
    browser = Client()
    browser.force_login(salesperson)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    wav = subprocess.run(
        ["espeak-ng", "-v", "en", "-s", "140", "--stdout", "What is the annual fee of this credit card?"],
        capture_output=True,
        check=True,
    ).stdout
    env = {"WHISPER_MODEL": str(checkpoint), "REPLY_RETRAIN_AFTER": "1"}

    with (
        daphne_server(**env) as live_server,
        daphne_server(**env) as desk_server,
        celery_worker(queues="speech,training", **env),
    ):

        async def scenario() -> tuple[list[dict], list[dict], dict]:
            desk_url = desk_server.replace("http", "ws") + "/ws/sales/"
            live_url = live_server.replace("http", "ws") + "/ws/calls/live/"
            async with websockets.connect(
                desk_url, additional_headers={"Origin": desk_server, "Cookie": cookie}
            ) as desk:
                body, kind = multipart({"customer": str(customer.pk), "language": "en"}, "recording", "call.wav", wav)
                uploaded = await asyncio.to_thread(http, live_server, "/api/dialogue/calls/", token, body, kind)
                upload_frames = await frames_until(
                    desk, lambda fs: any(f["type"] == "call.status" and f["call"]["status"] == "done" for f in fs)
                )
                async with websockets.connect(
                    live_url, additional_headers={"Origin": live_server, "Cookie": cookie}
                ) as live:
                    await live.send(json.dumps({"action": "start", "customer": customer.pk, "language": "en"}))
                    assert json.loads(await live.recv())["type"] == "started"
                    audio = pcm_of("Please send me the application form.")
                    for start in range(0, len(audio), 3200):
                        await live.send(audio[start : start + 3200])
                    live_frames = await frames_until(desk, lambda fs: any(f["type"] == "call.suggestions" for f in fs))
                    await live.send(json.dumps({"action": "stop"}))
                    await frames_until(live, lambda fs: any(f["type"] == "stopped" for f in fs))
            return upload_frames, live_frames, uploaded

        upload_frames, live_frames, uploaded = asyncio.run(scenario())
        call = http(desk_server, f"/api/dialogue/calls/{uploaded['id']}/", token)
        assert call["status"] == "done" and "annual fee" in " ".join(s["text"] for s in call["segments"]).lower()
        assert len([s for s in call["suggestions"] if s["segment"] == 0]) == 3
        segment = next(f for f in live_frames if f["type"] == "call.segment")["segment"]
        assert "application" in segment["text"].lower()
        assert Call.objects.get(source="live").status == "done"

        suggestion = call["suggestions"][0]
        rated = http(
            desk_server,
            f"/api/dialogue/calls/{call['id']}/suggestions/{suggestion['id']}/feedback/",
            token,
            json.dumps({"rating": "excellent"}).encode(),
            "application/json",
        )
        assert rated["rating"] == 80 and ReplySample.objects.filter(source="feedback").count() == 1
        deadline = time.monotonic() + 240
        while not ReplyModelVersion.objects.exists() and time.monotonic() < deadline:
            time.sleep(1)
        version = ReplyModelVersion.objects.get()
        assert version.is_active and version.samples == ReplySample.objects.count()
        assert version.metrics["held_out"]["top3"] > 0.5
