"""Tests leave nothing behind (issue 16): a server process a test forgot is stopped at the end of the session, and
scripts/no-leftovers.py fails a stage that leaves a process — daemonised or not — running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.servers import ServerProcess, stop_leftover_processes, track

ROOT = Path(__file__).resolve().parent.parent
# Forks, leaves its parent (which exits at once), starts a session of its own and lets go of the caller's output:
# what `redis-server --daemonize yes` does. It prints its pid first.
DAEMON = """
import os, sys, time
if os.fork():
    sys.exit(0)
os.setsid()
print(os.getpid(), flush=True)
null = os.open(os.devnull, os.O_RDWR)
os.dup2(null, 1)
os.dup2(null, 2)
time.sleep(120)
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_server_a_test_did_not_stop_is_stopped_at_session_end() -> None:
    forgotten = ServerProcess("sleeper", ["sleep", "120"], dict(os.environ))

    left = stop_leftover_processes()

    assert left == [f"sleeper ({forgotten.process.pid})"]
    forgotten.process.wait(timeout=5)
    assert not running(forgotten.process.pid)
    forgotten.stop()  # removes its log file


def test_a_daemonised_process_is_stopped_by_its_pid() -> None:
    daemon = subprocess.run([sys.executable, "-c", DAEMON], capture_output=True, text=True, timeout=10, check=False)
    pid = int(daemon.stdout.split()[0])
    track(pid, "daemon")

    assert stop_leftover_processes() == [f"daemon ({pid})"]
    deadline = time.monotonic() + 5
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(pid)


def test_a_stage_that_leaves_a_daemon_running_fails_and_the_daemon_is_stopped() -> None:
    stage = subprocess.run(
        [sys.executable, str(ROOT / "scripts/no-leftovers.py"), "a stage", sys.executable, "-c", DAEMON],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert stage.returncode == 1
    pid = int(stage.stdout.split()[0])
    assert "a stage left 1 process(es) running" in stage.stderr
    assert str(pid) in stage.stderr
    assert not running(pid)


def test_a_stage_that_stops_what_it_started_passes() -> None:
    stage = subprocess.run(
        [sys.executable, str(ROOT / "scripts/no-leftovers.py"), "a stage", "sh", "-c", "sleep 0.2 & wait"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert stage.returncode == 0, stage.stderr
    assert "left" not in stage.stderr
