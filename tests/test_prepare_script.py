"""``make run``'s first set-up (scripts/prepare.py, issue 21 item 3): numbered steps that say what they do, about how
long they take the first time and how long is left, then how long each took; a failing step stops the set-up."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts/prepare.py"


@pytest.fixture
def prepare():
    spec = importlib.util.spec_from_file_location("prepare_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_each_step_says_what_it_does_how_long_is_left_and_how_long_it_took(prepare, monkeypatch, capsys) -> None:
    ran = []
    monkeypatch.setattr(prepare.subprocess, "call", lambda args, cwd: ran.append(args[2:]) or 0)
    plan = [
        prepare.Step("training the intent models", ("train_intent", "--if-missing"), 120),
        prepare.Step("adding the demo FAQs", ("seed_faqs", "--if-empty"), 5),
    ]

    assert prepare.run(plan) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1/2] training the intent models (about 2 min the first time; about 2 min left in all)…"
    assert lines[1].strip().startswith("done in")
    assert lines[2] == "[2/2] adding the demo FAQs (about 5 s the first time; about 5 s left in all)…"
    assert lines[-1].startswith("Set-up done in")
    assert ran == [["train_intent", "--if-missing"], ["seed_faqs", "--if-empty"]]


def test_a_failing_step_stops_the_set_up_with_its_exit_code(prepare, monkeypatch, capsys) -> None:
    ran = []
    monkeypatch.setattr(prepare.subprocess, "call", lambda args, cwd: ran.append(args[2]) or 3)

    assert prepare.run(prepare.steps("http://127.0.0.1:8000")) == 3

    assert ran == ["migrate"]
    assert "failed after" in capsys.readouterr().out


def test_the_steps_are_the_set_up_s_commands_in_order(prepare) -> None:
    commands = [step.args[0] for step in prepare.steps("http://127.0.0.1:8000")]
    assert commands[:5] == ["migrate", "collectstatic", "seed_demo", "train_personality", "train_intent"]
    assert commands[-1] == "ensure_demo_im" and len(commands) == 16
    # the dashboard's demo activity needs the demo cards and branch
    assert commands.index("seed_demo_activity") > commands.index("ensure_demo_branch") > commands.index("seed_demo")
