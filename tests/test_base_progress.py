"""base/progress.py: a bar with an ETA in a terminal, plain lines elsewhere, and a callback for background jobs."""

from __future__ import annotations

import io

from base.progress import Progress, describe_seconds


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_without_a_terminal_plain_lines_say_the_epoch_share_and_time_left() -> None:
    stream, clock = Stream(tty=False), Clock()
    progress = Progress("train_intent", 20, "epoch", stream=stream, clock=clock)

    for _ in range(3):
        clock.now += 10  # ten seconds an epoch
        progress.advance()
    progress.close()

    lines = stream.getvalue().splitlines()
    assert lines[0] == "train_intent: epoch 1/20 (5 %), about 3 min left"
    assert "train_intent: epoch 3/20 (15 %), about 3 min left" in lines  # 17 epochs of 10 s
    assert lines[-1] == "train_intent: done in 30 s"
    assert "\r" not in stream.getvalue()  # no bar redrawn in a log file


def test_plain_lines_come_at_most_every_few_seconds_or_every_tenth() -> None:
    stream, clock = Stream(tty=False), Clock()
    progress = Progress("train_emotion", 1000, "batch", stream=stream, clock=clock, every_seconds=5)

    for _ in range(1000):
        clock.now += 0.01  # ten seconds in all: fast steps would flood a log
        progress.advance()

    lines = stream.getvalue().splitlines()
    assert 10 <= len(lines) <= 12  # one at the first step, then one a tenth (the clock never reaches 5 s between)
    assert lines[-1].startswith("train_emotion: batch 1000/1000 (100 %)")


def test_in_a_terminal_a_bar_with_eta_is_drawn() -> None:
    stream = Stream(tty=True)
    with Progress("train_reply_model", 4, "epoch", stream=stream) as progress:
        for _ in range(4):
            progress.advance()

    output = stream.getvalue()
    assert "train_reply_model" in output
    assert "4/4" in output
    assert "train_reply_model: epoch" not in output  # the bar, not the plain lines


def test_the_callback_hears_the_fraction_and_the_end_even_when_nothing_is_printed() -> None:
    stream, clock, heard = Stream(tty=False), Clock(), []
    progress = Progress(
        "train_intent",
        4,
        "epoch",
        enabled=False,
        stream=stream,
        clock=clock,
        callback=lambda f, m: heard.append((f, m)),
    )

    for _ in range(2):
        clock.now += 6
        progress.advance()
    progress.close()  # early stopping: two epochs of four, and still the end

    assert stream.getvalue() == ""
    assert heard[0] == (0.25, "epoch 1/4 (25 %), about 18 s left")
    assert heard[1][0] == 0.5
    assert heard[-1] == (1.0, "done in 12 s")


def test_a_failed_run_does_not_claim_to_be_done() -> None:
    stream, heard = Stream(tty=False), []
    try:
        with Progress("train_intent", 4, "epoch", stream=stream, callback=lambda f, m: heard.append(f)) as progress:
            progress.advance()
            raise RuntimeError("out of memory")
    except RuntimeError:
        pass

    assert 1.0 not in heard
    assert "done" not in stream.getvalue()


def test_remaining_time_reads_like_a_person_would_say_it() -> None:
    assert describe_seconds(42.4) == "42 s"
    assert describe_seconds(200) == "3 min"
    assert describe_seconds(6000) == "1 h 40 min"


def test_a_stage_is_said_at_once_and_its_time_is_left_out_of_the_pace() -> None:
    stream, clock, heard = Stream(tty=False), Clock(), []
    progress = Progress("train_intent", 10, "epoch", stream=stream, clock=clock, callback=lambda f, m: heard.append(m))

    clock.now += 100  # reading the history is slow …
    progress.stage("training on 533 examples")
    clock.now += 2  # … the epochs are quick
    progress.advance()

    lines = stream.getvalue().splitlines()
    assert lines == ["train_intent: training on 533 examples", "train_intent: epoch 1/10 (10 %), about 18 s left"]
    assert heard == ["training on 533 examples", "epoch 1/10 (10 %), about 18 s left"]
