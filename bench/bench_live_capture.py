"""Benchmark: live call capture latency (SPEC V1; issue 8 target: ≤ 2 s from the end of speech to the transcript
frame) and the memory of a process that serves it.

Each recording is streamed in real time (100 ms PCM frames, paced by the clock) through ``/ws/calls/live/`` of the
project's ASGI application in this process (Channels' test communicator: the consumer, the cutter, Whisper in a
worker thread, the database writes, the suggestions and the group push, without a network between). The end of
each utterance's speech is found offline with the same cutter (its last voiced hop). Latency = arrival of the
``segment`` frame − the moment that speech end was sent; also to the ``suggestions`` frame.

Baseline side by side: recognising the same utterances offline (``recognise_utterance`` alone, no stream): latency
is the pause that ends an utterance (``LIVE_PAUSE_SECONDS``) + the recognition + the rest of the pipeline.

Run: .venv/bin/python bench/bench_live_capture.py [FILES…]   (default: dialogue/demo_calls/*.mp3)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import ROOT, set_up_demo_database  # noqa: E402

FRAME_SECONDS = 0.1


def manifest_languages() -> dict[str, str]:
    path = ROOT / "dialogue" / "demo_calls" / "manifest.json"
    return {entry["file"]: entry["language"] for entry in json.loads(path.read_text())} if path.exists() else {}


async def stream(path: Path, language: str, user, customer) -> list[dict]:
    from channels.testing import WebsocketCommunicator

    from dialogue.speech.audio_input import decode_file
    from dialogue.speech.utterances import PAD_SECONDS, UtteranceCutter
    from salescard.asgi import application

    samples = decode_file(path).samples
    offline = UtteranceCutter()
    size = int(FRAME_SECONDS * 16000)
    speech_ends = []
    for start in range(0, len(samples), size):
        for utterance in offline.feed(samples[start : start + size]):
            speech_ends.append((utterance.start, utterance.end - PAD_SECONDS))  # the pad after the last voiced hop
    speech_ends += [(u.start, u.end - PAD_SECONDS) for u in offline.flush()]

    socket = WebsocketCommunicator(application, "/ws/calls/live/", headers=[(b"origin", b"http://localhost")])
    socket.scope["user"] = user
    await socket.connect()
    await socket.send_json_to({"action": "start", "customer": customer.pk, "language": language})
    await socket.receive_json_from(timeout=10)
    arrivals: list[tuple[float, dict]] = []

    async def listen() -> None:
        while True:
            frame = await socket.receive_json_from(timeout=120)
            arrivals.append((time.perf_counter(), frame))
            if frame["type"] == "stopped":
                return

    listener = asyncio.create_task(listen())
    pcm = (samples * 32767).astype("<i2").tobytes()
    began = time.perf_counter()
    for index, start in enumerate(range(0, len(pcm), size * 2)):
        await asyncio.sleep(max(0.0, began + index * FRAME_SECONDS - time.perf_counter()))
        await socket.send_to(bytes_data=pcm[start : start + size * 2])
    await asyncio.sleep(1.5)  # the line stays open a moment after the last word, as on a call
    await socket.send_json_to({"action": "stop"})
    await listener
    await socket.disconnect()

    rows = []
    for arrived, frame in arrivals:
        if frame["type"] not in ("segment", "suggestions"):
            continue
        if frame["type"] == "segment":
            segment = frame["segment"]
            start, end = next(((s, e) for s, e in speech_ends if s - 0.5 <= segment["start"] <= e), (None, None))
            if end is None:
                continue
            rows.append({"text": segment["text"], "speech_end": end, "segment": arrived - began - end,
                         "index": segment["index"]})  # fmt: skip
        else:
            for row in rows:
                if row["index"] == frame["segment"]:
                    row["suggestions"] = arrived - began - row["speech_end"]
    return rows


def offline_recognition(path: Path, language: str) -> list[float]:
    from dialogue.speech.audio_input import decode_file
    from dialogue.speech.recognition import recognise_utterance
    from dialogue.speech.utterances import UtteranceCutter

    cutter, seconds = UtteranceCutter(), []
    for utterance in cutter.feed(decode_file(path).samples) + cutter.flush():
        started = time.perf_counter()
        recognise_utterance(utterance.samples, language, utterance.start)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "dialogue" / "demo_calls").glob("*.mp3"))
    if not files:
        sys.exit("No recordings: pass files or generate dialogue/demo_calls with scripts/make_demo_calls.py")
    set_up_demo_database(customers=3)
    from django.core.management import call_command

    from crm.consent import record_consent
    from crm.models import Consent, Customer, User
    from dialogue.speech.recognition import whisper_model

    call_command("build_asr_model", verbosity=0)
    call_command("train_reply_model", verbosity=0)
    whisper_model()
    rss_model = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    user = User.objects.filter(role="sales").first()
    customer = Customer.objects.filter(owner=user).first() or Customer.objects.first()
    record_consent(customer, Consent.Purpose.CALL_RECORDING, True)
    languages = manifest_languages()

    print(f"{'recording':28} {'utterance':34} {'speech end':>10} {'→ segment':>10} {'→ replies':>10}")
    segment_latency, reply_latency, recognition = [], [], []
    for path in files:
        language = languages.get(path.name, "zh-hans")
        for row in asyncio.run(stream(path, language, user, customer)):
            segment_latency.append(row["segment"])
            reply_latency.append(row.get("suggestions", row["segment"]))
            print(f"{path.name[:28]:28} {row['text'][:34]:34} {row['speech_end']:9.2f}s {row['segment']:9.2f}s "
                  f"{row.get('suggestions', float('nan')):9.2f}s")  # fmt: skip
        recognition += offline_recognition(path, language)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def describe(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s over {len(ordered)}"

    from django.conf import settings

    print(f"speech end → segment frame: {describe(segment_latency)}")
    print(f"speech end → suggestions frame: {describe(reply_latency)}")
    floor = statistics.median(recognition) + settings.LIVE_PAUSE_SECONDS
    print(f"baseline, recognition alone (offline, same utterances): {describe(recognition)}")
    print(f"  + the {settings.LIVE_PAUSE_SECONDS} s pause that ends an utterance = {floor:.2f} s at p50; "
          f"ratio live / baseline {statistics.median(segment_latency) / floor:.2f}")  # fmt: skip
    print(f"memory: peak RSS {peak:.0f} MB (after loading Whisper base: {rss_model:.0f} MB)")


if __name__ == "__main__":
    main()
