"""Start real server processes for integration and e2e tests: Daphne, Celery workers and Redis.

Each runs as a child process with an environment that points at the test database, and is stopped
when the test is done. Output goes to a log file whose tail is shown when start-up fails.

Every process started here is tracked by pid until it is stopped; whatever a failed or interrupted test left
running is stopped when the pytest session ends (``stop_leftover_processes``, called from tests/conftest.py), so
that a test run leaves no server behind (issue 16).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# pid -> (name, start time in clock ticks since boot) of every process started here and not yet stopped. The start
# time tells a tracked process from an unrelated one that later got the same pid.
_RUNNING: dict[int, tuple[str, str | None]] = {}


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the parenthesised command name


def track(pid: int, name: str) -> None:
    """Stop this process at the end of the session unless it is stopped before (daemonised ones too: by pid)."""
    _RUNNING[pid] = (name, _start_time(pid))


def untrack(pid: int) -> None:
    _RUNNING.pop(pid, None)


def _alive(pid: int, started: str | None) -> bool:
    current = _start_time(pid)
    if current is None or (started is not None and current != started):
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def stop_leftover_processes(timeout: float = 10.0) -> list[str]:
    """Stop every tracked process still running (SIGTERM, then SIGKILL); return what was left, as "name (pid)"."""
    left = {pid: entry for pid, entry in _RUNNING.items() if _alive(pid, entry[1])}
    for pid in left:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(pid, entry[1]) for pid, entry in left.items()):
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)  # reap our own children; others' are reaped by their parent
            except ChildProcessError:
                pass
        time.sleep(0.1)
    for pid, entry in left.items():
        if _alive(pid, entry[1]):
            os.kill(pid, signal.SIGKILL)
    _RUNNING.clear()
    return [f"{name} ({pid})" for pid, (name, _) in left.items()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_tests() -> str:
    """DATABASE_URL of the database the test process uses (pytest-django's test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ENV_FILE": "",
            "DEBUG": "true",
            "DATABASE_URL": database_url_for_tests(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "MODEL_DIR": str(settings.MODEL_DIR),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class ServerProcess:
    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        track(self.process.pid, name)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def wait_until(self, ready, timeout: float = 60.0, what: str = "ready") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not {what} after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        untrack(self.process.pid)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def daphne_command(port: int) -> list[str]:
    """Daphne as ``make run`` starts it: ``--verbosity 0`` turns off Daphne's own access log, which would print every
    path with its token; the project writes a redacted one instead (salescard/log_redaction.py)."""
    return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "--verbosity", "0", "salescard.asgi:application"]


@contextmanager
def daphne_server(**env: str) -> Iterator[str]:
    """A Daphne process serving the project; yields its base URL."""
    port = free_port()
    server = ServerProcess("daphne", daphne_command(port), server_env(**env))
    base_url = f"http://127.0.0.1:{port}"
    try:
        server.wait_until(lambda: _answers(f"{base_url}/healthz"), what="answering /healthz")
        yield base_url
    finally:
        server.stop()


def _answers_ping(app, name: str) -> bool:  # noqa: ANN001 - the Celery app
    """A broker connection left over from a restarted Redis fails once, then kombu opens a new one."""
    try:
        return bool(app.control.ping(destination=[name], timeout=0.5))
    except (OSError, RedisError, BrokerError) as error:
        return not print(f"broker not answering yet: {error!r}")


@contextmanager
def celery_worker(queues: str = "default,inference,speech,training", **env: str) -> Iterator[ServerProcess]:
    """A Celery worker process consuming ``queues`` through the Redis broker."""
    from celery import Celery

    from salescard.celery import app

    if env.get("REDIS_URL"):  # a worker on a broker of its own answers there
        app = Celery("ping", broker=env["REDIS_URL"], set_as_current=False)
    name = f"itest-{os.getpid()}-{free_port()}@localhost"
    worker = ServerProcess(
        "celery",
        [str(BIN / "celery"), "-A", "salescard", "worker", "-Q", queues, "-c", "1", "-n", name, "-l", "info",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        server_env(**env),
    )  # fmt: skip
    try:
        worker.wait_until(lambda: _answers_ping(app, name), what="answering ping")
        yield worker
    finally:
        worker.stop()


class RedisServer:
    """A throw-away Redis on a port of its own (nothing saved to disk); ``stop`` then ``start`` is a restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="redis-test-")
        self.process: ServerProcess | None = None

    def start(self) -> None:
        self.process = ServerProcess(
            "redis-server",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", self.folder],
            dict(os.environ),
        )  # fmt: skip
        self.process.wait_until(self.answers, timeout=20, what="answering PING")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def answers(self) -> bool:
        try:
            with redis.Redis(port=self.port, socket_timeout=0.5) as client:
                return bool(client.ping())
        except RedisError:
            return False


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A Redis process for one test, stopped (with its folder removed) when the test is done."""
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
