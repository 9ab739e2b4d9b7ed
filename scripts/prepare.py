#!/usr/bin/env python3
"""``make prepare`` (run by ``make run`` and ``make run-distributed``): the database, static files, demo data and
first models, one ``manage.py`` command after another, saying what each step does and about how long is left
(issue 21 item 3):

    [5/16] training the intent models (about 9 min the first time; about 15 min left in all)…
           done in 525.0 s

The estimates are what each step took the first time, on a fresh database, on a two-core machine that other work
shared (load average about 5): 16 minutes in all, most of it the intent models of the two demo companies. An idle or
larger machine is faster; each ``manage.py`` start alone took about 15 s there. Later runs skip the work that is done
already (``--if-missing``, ``--if-empty``), so the time left is then an upper bound. A step that fails stops the
set-up with its exit code.

Usage: scripts/prepare.py [--base-url http://127.0.0.1:8000] (run with the virtual environment's Python).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Step:
    what: str
    args: tuple[str, ...]
    seconds: float  # measured: the first run on a fresh database, two CPU cores shared with other work (load ~5)


def steps(base_url: str) -> list[Step]:
    return [
        Step("creating or updating the database", ("migrate", "--noinput"), 35),
        Step("collecting the static files", ("collectstatic", "--noinput", "-v0"), 10),
        Step("adding the demo companies, staff and customers", ("seed_demo", "--if-empty"), 25),
        Step("training the personality model", ("train_personality", "--if-missing"), 15),
        Step("training the intent models", ("train_intent", "--if-missing"), 525),
        Step("adding the demo FAQs", ("seed_faqs", "--if-empty"), 20),
        Step("installing the emotion model", ("install_emotion_model",), 20),
        Step("installing the speech recogniser", ("build_asr_model", "--if-missing"), 25),
        Step("training the voice emotion model", ("train_voice_emotion", "--if-missing"), 120),
        Step("training the reply-script model", ("train_reply_model", "--if-missing"), 85),
        Step("recovering unfinished live calls", ("recover_live_calls",), 20),
        Step("making sure the demo managers can sign in", ("ensure_demo_manager",), 20),
        Step("issuing the demo card links", ("ensure_demo_cards", "--base-url", base_url), 17),
        Step("issuing the demo branch and watch links", ("ensure_demo_branch", "--base-url", base_url), 17),
        Step("adding 30 days of demo activity for the dashboard", ("seed_demo_activity", "--if-empty"), 20),
        Step("issuing the demo IM sidebar links", ("ensure_demo_im", "--base-url", base_url), 17),
    ]


def describe_seconds(seconds: float) -> str:
    """``45 s``, ``3 min``: as a person reads a duration (the same wording as ``base.progress``)."""
    seconds = max(0, round(seconds))
    return f"{seconds} s" if seconds < 90 else f"{round(seconds / 60)} min"


def run(plan: list[Step]) -> int:
    started = time.monotonic()
    for number, step in enumerate(plan, 1):
        left = sum(s.seconds for s in plan[number - 1 :])
        print(
            f"[{number}/{len(plan)}] {step.what} (about {describe_seconds(step.seconds)} the first time; "
            f"about {describe_seconds(left)} left in all)…",
            flush=True,
        )
        began = time.monotonic()
        code = subprocess.call([sys.executable, "manage.py", *step.args], cwd=ROOT)
        took = time.monotonic() - began
        if code:
            print(f"       failed after {describe_seconds(took)} (exit code {code}); the set-up stops.", flush=True)
            return code
        print(f"       done in {took:.1f} s", flush=True)
    print(f"Set-up done in {describe_seconds(time.monotonic() - started)}.", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    return run(steps(parser.parse_args().base_url))


if __name__ == "__main__":
    sys.exit(main())
