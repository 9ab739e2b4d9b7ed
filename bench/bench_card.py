"""Benchmark: the smart card under load (issue 5 targets).

1. Card page with a stored prediction, 50 concurrent clients against one Daphne process on the embedded default
   (SQLite): server time (the ``Server-Timing`` header: Django's own time, without the queue in front of it)
   p50 ≤ 20 ms and p99 ≤ 60 ms, and the client-side latency and throughput. The baseline is ``/healthz``, a
   minimal Django view served by the same server in the same run, loaded the same way; the ratio is printed.
2. Chat round trip over a real WebSocket (message sent → the bot's answer frame), p50 ≤ 50 ms.
3. Card page weight: HTML + JS + CSS + the default head (built in code: no model file), gzip-compressed
   (whitenoise serves the static files pre-compressed), ≤ 1 MB.

The load runs in a second process (asyncio, HTTP/1.1 keep-alive), so the server has its own interpreter.
Run: .venv/bin/python bench/bench_card.py [--clients 50] [--seconds 20] [--chat 200]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import ROOT, set_up_demo_database  # noqa: E402

CHAT = ("多少钱？", "可以分期吗？", "质保几年？")
# Every personal link is bound to this one browser (issue 16): the load opens the customer's full card, as a
# customer's own phone does, not the "是本人？" page a stranger gets.
BENCH_DEVICE = "bench-customer-browser"
COOKIE: dict[str, str] = {}  # set by main() before the load processes fork


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- load generator (second process) ---------------------------------------------------------------------
async def _read_body(reader: asyncio.StreamReader, head: bytes) -> bytes:
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    if length:
        return await reader.readexactly(int(length.group(1)))
    body = b""
    while True:  # Transfer-Encoding: chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        body += (await reader.readexactly(size + 2))[:size]
        if size == 0:
            return body


async def _client(host: str, port: int, paths: list[str], deadline: float, out: list[tuple]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        cookie = f"Cookie: {COOKIE['header']}\r\n" if COOKIE else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Connection: keep-alive\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        await _read_body(reader, head)
        elapsed = (time.perf_counter() - started) * 1000
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        server = float(re.search(rb"(?i)server-timing: *app;dur=([\d.]+)", head).group(1))
        queue = float(re.search(rb"(?i)server-timing: *queue;dur=([\d.]+)", head).group(1))
        out.append((server, queue, elapsed))
    writer.close()


def _load(host: str, port: int, paths: list[str], clients: int, seconds: float, queue) -> None:  # noqa: ANN001
    async def run() -> list[tuple]:
        out: list[tuple] = []
        deadline = time.perf_counter() + seconds
        shares = [paths[i::clients] or paths for i in range(clients)]
        await asyncio.gather(*(_client(host, port, shares[i], deadline, out) for i in range(clients)))
        return out

    try:
        queue.put(asyncio.run(run()))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which would otherwise wait forever
        queue.put(error)


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_load, args=("127.0.0.1", port, paths, clients, seconds, queue))
    process.start()
    samples = queue.get()
    process.join()
    if isinstance(samples, Exception):
        raise samples
    server = [s for s, _, _ in samples]
    queued = [q for _, q, _ in samples]
    client = [c for _, _, c in samples]
    return {
        "requests": len(samples),
        "rps": len(samples) / seconds,
        "server_p50": percentile(server, 0.5),
        "server_p99": percentile(server, 0.99),
        "queue_p50": percentile(queued, 0.5),
        "client_p50": percentile(client, 0.5),
        "client_p99": percentile(client, 0.99),
    }


# --- chat round trip ------------------------------------------------------------------------------------
async def chat_round_trips(port: int, token: str, questions: list[str], count: int) -> list[float]:
    """Round trips of questions the bot answers; a hand-off (which stops the bot) is released at once."""
    import websockets

    from dialogue.handoff import release_to_bot
    from dialogue.models import Conversation
    from salescard.card_chat import open_session

    session = await asyncio.to_thread(open_session, token, BENCH_DEVICE)
    timings = []
    url = f"ws://127.0.0.1:{port}/ws/card/{token}/"
    async with websockets.connect(
        url, origin="http://127.0.0.1", additional_headers=COOKIE and {"Cookie": COOKIE["header"]}
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        for i in range(count):
            started = time.perf_counter()
            await ws.send(json.dumps({"action": "say", "text": questions[i % len(questions)]}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "error":
                    raise RuntimeError(frame["message"])
                if frame["type"] == "message" and frame["message"]["sender"] == "bot":
                    timings.append((time.perf_counter() - started) * 1000)
                if frame["type"] == "state" and frame["state"] == "waiting":
                    conversation = await asyncio.to_thread(Conversation.objects.get, pk=session.conversation_id)
                    await asyncio.to_thread(release_to_bot, conversation)
                if frame["type"] == "suggestions":
                    break
    return timings


# --- page weight ----------------------------------------------------------------------------------------
def page_weight(base: str, token: str) -> dict[str, int]:
    request = urllib.request.Request(f"{base}/c/{token}/", headers={"Cookie": COOKIE["header"]})
    html = urllib.request.urlopen(request).read()
    assets = re.findall(rb'(?:src|href|data-avatar)="(/static/[^"]+\.(?:js|css))"', html)
    sizes = {"html": len(gzip.compress(html, 9))}
    seen = set()
    queue = [a.decode() for a in assets]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        body = urllib.request.urlopen(base + url).read()
        sizes[url.rsplit("/", 1)[-1]] = len(gzip.compress(body, 9))
        # The avatar bundle imports its three.js chunk statically; GLTFLoader only for uploaded models.
        for chunk in re.findall(rb'from"\./(chunk-[\w-]+\.js)"', body):
            queue.append(url.rsplit("/", 1)[0] + "/" + chunk.decode())
    return sizes


def questions_about(token: str) -> list[str]:
    """The FAQ questions about the product the link's chat is about (the bot can answer them)."""
    from dialogue.models import FAQ
    from dialogue.models import Conversation as Chat
    from salescard.card_chat import open_session

    product = Chat.objects.select_related("product").get(pk=open_session(token, BENCH_DEVICE).conversation_id).product
    faqs = FAQ.objects.filter(category_id=product.category_id, language="zh-hans").values_list("question", flat=True)
    return list(faqs) or list(CHAT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--chat", type=int, default=200)
    parser.add_argument("--limit", type=int, default=None, help="WEB_MAX_CONCURRENT_REQUESTS for the server")
    args = parser.parse_args()
    os.environ.update({"EMAIL_URL": "dummymail://", "HANDOFF_CHANNELS": "inapp", "CARD_CHAT_RATE": "100000/60"})
    files = Path(tempfile.mkdtemp(prefix="salescard-bench-card-"))
    os.environ.update({"STATIC_ROOT": f"{files}/static", "TTS_CACHE_DIR": f"{files}/tts"})
    set_up_demo_database(60)
    os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1"
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_faqs", verbosity=0)
    call_command("install_emotion_model", verbosity=0)
    call_command("ensure_demo_cards", verbosity=0)
    from crm.models import Customer
    from intent.inference import predict_intents
    from salescard.card_access import DEVICE_COOKIE, bind, signed_device
    from salescard.cards import issue_link
    from salescard.models import CardDevice, SmartCard

    cards = {card.salesperson_id: card for card in SmartCard.objects.all()}
    customers = list(Customer.objects.filter(owner_id__in=cards))
    predict_intents(customers)  # stored and fresh: the page uses them
    links = [issue_link(cards[c.owner_id], c) for c in customers]
    for link in links:
        bind(link, BENCH_DEVICE, CardDevice.How.FIRST_OPEN)
    tokens = [link.token for link in links]
    COOKIE["header"] = f"{DEVICE_COOKIE}={signed_device(BENCH_DEVICE)}"

    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if args.limit:
        env["WEB_MAX_CONCURRENT_REQUESTS"] = str(args.limit)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port), "salescard.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=(files / "daphne.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        pages = [f"/c/{token}/" for token in tokens]
        load(port, pages[:5], 5, 3)  # warm up: templates, models, greeting caches
        card = load(port, pages, args.clients, args.seconds)
        baseline = load(port, ["/healthz"], args.clients, args.seconds)
        chat = asyncio.run(chat_round_trips(port, tokens[0], questions_about(tokens[0]), args.chat))
        weight = page_weight(base, tokens[1])
    finally:
        server.terminate()
        server.wait()
        print(f"(server log: {files / 'daphne.log'})")

    print(f"Card page, {args.clients} concurrent clients, {args.seconds:.0f} s, {len(tokens)} customers, one Daphne")
    print(
        f"{'':22}{'server p50':>11}{'server p99':>11}{'queue p50':>11}{'client p50':>11}{'client p99':>11}{'req/s':>8}"
    )
    for name, row in (("card page", card), ("minimal view /healthz", baseline)):
        print(
            f"{name:22}{row['server_p50']:>9.1f}ms{row['server_p99']:>9.1f}ms{row['queue_p50']:>9.1f}ms"
            f"{row['client_p50']:>9.1f}ms{row['client_p99']:>9.1f}ms{row['rps']:>8.0f}"
        )
    print(
        f"ratio card / minimal: server p50 {card['server_p50'] / baseline['server_p50']:.1f}×, "
        f"throughput {baseline['rps'] / card['rps']:.1f}× fewer requests/s"
    )
    print(
        f"Chat round trip (say → answer frame), {len(chat)} messages: p50 {statistics.median(chat):.1f} ms, "
        f"p95 {percentile(chat, 0.95):.1f} ms"
    )
    total = sum(weight.values())
    parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in weight.items())
    print(f"Page weight (gzip): {total / 1024:.0f} KB ({parts}); default head built in code (no model file)")
    print(
        json.dumps(
            {
                "card": card,
                "minimal": baseline,
                "chat_p50_ms": statistics.median(chat),
                "chat_p95_ms": percentile(chat, 0.95),
                "page_weight_bytes": total,
            }
        )
    )


if __name__ == "__main__":
    main()
