#!/usr/bin/env python3
"""Run a test stage and fail it when it leaves a process running (issue 16: tests leave nothing behind).

Usage: scripts/no-leftovers.py STAGE COMMAND [ARGS...]

This process becomes a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): every process the command starts stays
its descendant, even one that daemonises (a ``redis-server --daemonize yes``, a ``pg_ctl start``) and so leaves its
parent — orphans are handed to the nearest subreaper, not to init. When the command has exited, any descendant still
alive after a short grace is a leftover: it is printed, stopped (SIGTERM, then SIGKILL) and the stage fails. Other
people's test runs on the same machine are not descendants, so they are never counted or touched.

Exit status: the command's, or 1 when it succeeded but left processes. Standard library only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 10.0  # a server that was just told to stop may take a moment to exit


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap() -> None:
    """Collect exited children (orphans handed to this process end here as zombies)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def descendants() -> dict[int, str]:
    """Live descendants of this process, with their command lines."""
    parent_of, command_of = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        parent_of[int(entry.name)] = int(fields[1])
        command_of[int(entry.name)] = command or stat.split("(", 1)[1].rsplit(")", 1)[0]
    found, frontier = {}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parent_of.items():
            if ppid == parent and pid not in found:
                found[pid] = command_of[pid]
                frontier.append(pid)
    return found


def stop(pids: list[int]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and descendants():
            reap()
            time.sleep(0.1)
    reap()


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    stage, command = sys.argv[1], sys.argv[2:]
    become_subreaper()
    child = subprocess.Popen(command)
    # Ctrl-C reaches the whole foreground group; a TERM sent to this process is passed on.
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    status = child.wait()
    status = 128 - status if status < 0 else status  # killed by a signal: the shell's convention
    deadline = time.monotonic() + GRACE_SECONDS
    while (left := descendants()) and time.monotonic() < deadline:
        reap()
        time.sleep(0.2)
    if not left:
        return status
    print(f"\nFAILED: {stage} left {len(left)} process(es) running:", file=sys.stderr)
    for pid, name in sorted(left.items()):
        print(f"  {pid}  {name[:200]}", file=sys.stderr)
    stop(list(left))
    print("They have been stopped.", file=sys.stderr)
    return status or 1


if __name__ == "__main__":
    sys.exit(main())
