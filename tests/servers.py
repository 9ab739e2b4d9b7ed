"""Start real server processes for integration and e2e tests: Daphne and Celery workers.

Each runs as a child process with an environment that points at the test database, and is stopped
when the test is done. Output goes to a log file whose tail is shown when start-up fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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
    from salescard.celery import app

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
