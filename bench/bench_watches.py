"""Benchmark: 1,000 connected watches across 50 branches on one machine, Redis channel layer (issue 6 targets).

1. Ticket POST → task frame on the watches: p50 ≤ 100 ms, p99 ≤ 300 ms (to the first watch of the branch and to
   all 20). The demand analysis runs in a separate Celery worker, as in production.
2. Heartbeats of 1,000 idle watches: the Daphne process's CPU over an idle minute, as a share of one core
   (target ≤ 10 %). The server pings every WATCH_HEARTBEAT_SECONDS; every watch answers and pings too.
3. Memory: Daphne's resident memory before and with the watches connected → bytes per connection → how many
   connections fit in 2 GB.

Needs PostgreSQL and Redis; run it through the script that starts throw-away ones:
    scripts/with-services.sh .venv/bin/python bench/bench_watches.py [--watches 1000] [--branches 50] [--tickets 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def set_up(branches: int, watches: int) -> tuple[list[str], list[tuple[str, str]], dict[str, str], list[str]]:
    """Django on the services' database: demo data, branches with kiosk tokens, watches with device tokens."""
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run through scripts/with-services.sh (PostgreSQL and Redis).")
    files = Path(tempfile.mkdtemp(prefix="salescard-bench-watches-"))
    env = {
        "ENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "MEDIA_ROOT": f"{files}/media",
        "MODEL_DIR": f"{files}/models",
        "STATIC_ROOT": f"{files}/static",
        "TTS_CACHE_DIR": f"{files}/tts",
        "EMAIL_URL": "dummymail://",
        "DJANGO_SETTINGS_MODULE": "salescard.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from branch.models import Branch
    from branch.tokens import issue_kiosk_token, register_wearable

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", customers=200, seed=42, verbosity=0)
    codes, kiosks = [], {}
    for i in range(branches):
        branch = Branch.objects.create(code=f"b{i:02d}", name=f"网点{i:02d}")
        codes.append(branch.code)
        kiosks[branch.code] = issue_kiosk_token(branch)
    devices = []
    for i in range(watches):
        _, token = register_wearable(f"bench-watch-{i:04d}")
        devices.append((codes[i % branches], token))
    from crm.models import Customer

    phones = list(Customer.objects.exclude(phone="").values_list("phone", flat=True)[:200])
    return codes, devices, kiosks, phones


class Watches:
    """Many watches in one event loop: each binds, answers pings, pings itself, and notes when tasks arrive."""

    def __init__(self, url: str, heartbeat: float) -> None:
        self.url = url
        self.heartbeat = heartbeat
        self.arrivals: dict[int, list[float]] = {}
        self.sockets = []

    async def open(self, devices: list[tuple[str, str]], batch: int = 50) -> None:
        import websockets

        async def one(branch: str, token: str) -> None:
            ws = await websockets.connect(self.url, origin="http://127.0.0.1", max_queue=None)
            await ws.send(json.dumps({"action": "auth", "token": token}))
            await ws.recv()  # ready
            await ws.send(json.dumps({"action": "bind", "branch": branch}))
            while json.loads(await ws.recv())["type"] != "bound":
                pass
            self.sockets.append(ws)
            asyncio.get_running_loop().create_task(self._listen(ws))

        for start in range(0, len(devices), batch):
            await asyncio.gather(*(one(b, t) for b, t in devices[start : start + batch]))

    async def _listen(self, ws) -> None:  # noqa: ANN001
        next_ping = time.monotonic() + random.uniform(0, self.heartbeat)
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, next_ping - time.monotonic()))
            except TimeoutError:
                await ws.send('{"action": "ping"}')
                next_ping = time.monotonic() + self.heartbeat
                continue
            except Exception:  # noqa: BLE001 - the socket closed at the end of the run
                return
            frame = json.loads(raw)
            if frame["type"] == "ping":
                await ws.send('{"action": "pong"}')
            elif frame["type"] == "task":
                self.arrivals.setdefault(frame["task"]["id"], []).append(time.perf_counter())
                await ws.send(json.dumps({"action": "ack", "task": frame["task"]["id"]}))


def post_ticket(base: str, kiosk: str, branch: str, number: str, phone: str) -> int:
    body = json.dumps({"branch": branch, "number": number, "phone": phone, "business": "理财"}).encode()
    request = urllib.request.Request(
        f"{base}/api/branch/tickets/",
        data=body,
        headers={"Authorization": f"Kiosk {kiosk}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["task"]


async def run(args, codes, devices, kiosks, phones) -> dict:  # noqa: ANN001
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    logs = Path(tempfile.mkdtemp(prefix="salescard-bench-logs-"))
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port), "salescard.asgi:application"],
        cwd=ROOT, env=env, stdout=(logs / "daphne.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "salescard", "worker", "-Q", "default,inference", "-c", "2",
         "-l", "warning"],
        cwd=ROOT, env=env, stdout=(logs / "celery.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        await asyncio.sleep(3)
        rss_before = rss_bytes(server.pid)
        watches = Watches(f"ws://127.0.0.1:{port}/ws/wearable/", heartbeat=args.heartbeat)
        started = time.perf_counter()
        await watches.open(devices)
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(5)
        rss_after = rss_bytes(server.pid)
        # Idle heartbeats.
        cpu_before = cpu_seconds(server.pid)
        await asyncio.sleep(args.idle)
        idle_share = (cpu_seconds(server.pid) - cpu_before) / args.idle
        # Tickets → task frames.
        first, everyone = [], []
        per_branch = len(devices) // len(codes)
        for i in range(args.tickets):
            branch = codes[i % len(codes)]
            sent = time.perf_counter()
            task_id = await asyncio.to_thread(
                post_ticket, base, kiosks[branch], branch, f"T{i:04d}", phones[i % len(phones)]
            )
            deadline = sent + 10
            while len(watches.arrivals.get(task_id, [])) < per_branch and time.perf_counter() < deadline:
                await asyncio.sleep(0.005)
            arrived = watches.arrivals.get(task_id, [])
            if arrived:
                first.append((min(arrived) - sent) * 1000)
                if len(arrived) >= per_branch:
                    everyone.append((max(arrived) - sent) * 1000)
            await asyncio.sleep(1 / args.rate)
        for ws in watches.sockets:
            await ws.close()
    finally:
        server.terminate()
        worker.terminate()
        server.wait()
        worker.wait()
    per_connection = (rss_after - rss_before) / max(1, len(devices))
    capacity = int((2 * 1024**3 - rss_before) / per_connection) if per_connection > 0 else None
    return {
        "watches": len(devices),
        "branches": len(codes),
        "connect_seconds": round(connect_seconds, 1),
        "tickets": args.tickets,
        "delivered_first": len(first),
        "delivered_all": len(everyone),
        "first_p50_ms": round(statistics.median(first), 1),
        "first_p99_ms": round(percentile(first, 0.99), 1),
        "all_p50_ms": round(statistics.median(everyone), 1) if everyone else None,
        "all_p99_ms": round(percentile(everyone, 0.99), 1) if everyone else None,
        "idle_cpu_share": round(idle_share, 4),
        "heartbeat_seconds": args.heartbeat,
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
        "bytes_per_connection": int(per_connection),
        "connections_in_2gb": capacity,
        "logs": str(logs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="tickets per second")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle heartbeats to measure")
    parser.add_argument("--heartbeat", type=float, default=25.0, help="the watches' own ping interval")
    args = parser.parse_args()
    codes, devices, kiosks, phones = set_up(args.branches, args.watches)
    result = asyncio.run(run(args, codes, devices, kiosks, phones))
    print(
        f"{result['watches']} watches in {result['branches']} branches connected in {result['connect_seconds']} s; "
        f"{result['tickets']} tickets"
    )
    print(
        f"ticket POST → task frame: first watch p50 {result['first_p50_ms']} ms, p99 {result['first_p99_ms']} ms; "
        f"all {result['watches'] // result['branches']} watches p50 {result['all_p50_ms']} ms, "
        f"p99 {result['all_p99_ms']} ms "
        f"({result['delivered_all']}/{result['tickets']} reached every watch)"
    )
    print(
        f"idle heartbeats (server ping {os.environ.get('WATCH_HEARTBEAT_SECONDS', 25)} s, watch ping "
        f"{result['heartbeat_seconds']:.0f} s): Daphne CPU {result['idle_cpu_share'] * 100:.1f} % of one core"
    )
    print(
        f"memory: {result['rss_before_mb']} MB before, {result['rss_after_mb']} MB with the watches → "
        f"{result['bytes_per_connection'] / 1024:.0f} KB per connection → about {result['connections_in_2gb']} in 2 GB"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
