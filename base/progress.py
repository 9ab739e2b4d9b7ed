"""Progress of long work (issue 21 item 3): one reporter for every trainer.

``Progress(label, total, unit)`` counts steps (epochs, folds, batches) and shows them where they are read:

- in a terminal, a tqdm bar with its ETA;
- when its stream is not a terminal (a log file, a Celery worker, ``make run`` piped), plain lines such as
  ``train_intent: epoch 3/20 (15 %), about 42 s left``, at most one every ``every_seconds`` unless another tenth
  of the work is done, and one when the work ends;
- to an optional ``callback(fraction, message)`` on the same schedule, which is how a background training job
  (``base.training_jobs``) stores its progress for the admin page.

The stream is standard error by default, like tqdm's: a command's results on standard output stay clean for a pipe.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

from tqdm import tqdm

ProgressCallback = Callable[[float, str], None]
T = TypeVar("T")

EVERY_SECONDS = 5.0
EVERY_FRACTION = 0.1


def describe_seconds(seconds: float) -> str:
    """``42 s``, ``3 min``, ``1 h 5 min``: a remaining time as a person reads it (rounded, never precise)."""
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


class Progress:
    """Steps done out of ``total``; see the module's docstring for where they show. ``enabled=False`` prints
    nothing but still feeds the callback; ``total`` may grow (``grow``) when a later stage's size becomes known."""

    def __init__(  # noqa: PLR0913 - where and how often to report
        self,
        label: str,
        total: float,
        unit: str = "step",
        *,
        enabled: bool = True,
        callback: ProgressCallback | None = None,
        stream: TextIO | None = None,
        every_seconds: float = EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.unit = label, max(float(total), 1.0), unit
        self.done = 0.0
        self.callback = callback
        self.stream = stream if stream is not None else sys.stderr
        self.every_seconds = every_seconds
        self.clock = clock
        self.started = clock()
        self._rate_from = (self.started, 0.0)  # the steps' pace counts from here (after the last stage)
        self._last_time = self.started
        self._last_tenth = 0
        self._closed = False
        isatty = getattr(self.stream, "isatty", None)
        self.mode = "off" if not enabled else ("bar" if isatty is not None and isatty() else "lines")
        self._bar = (
            tqdm(total=total, desc=label, unit=unit, file=self.stream, dynamic_ncols=True)
            if self.mode == "bar"
            else None
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(finished=exc[0] is None)

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0)

    def seconds_left(self) -> float | None:
        """Time per step since the last stage times the steps left; None before the first step."""
        since, done_then = self._rate_from
        if self.done <= done_then:
            return None
        return (self.clock() - since) / (self.done - done_then) * max(self.total - self.done, 0.0)

    def describe(self) -> str:
        """``epoch 3/20 (15 %), about 42 s left``."""
        done = int(self.done) if float(self.done).is_integer() else round(self.done, 1)
        text = f"{self.unit} {done}/{int(self.total)} ({round(self.fraction * 100)} %)"
        left = self.seconds_left()
        if left is not None and self.done < self.total:
            text += f", about {describe_seconds(left)} left"
        return text

    def advance(self, steps: float = 1, note: str = "") -> None:
        """``steps`` more are done; ``note`` (e.g. the validation score) goes beside the bar."""
        self.done = min(self.done + steps, self.total)
        if self._bar is not None:
            self._bar.update(steps)
            if note:
                self._bar.set_postfix_str(note, refresh=False)
        self._maybe_report(note)

    def iterate(self, items: Iterable[T]) -> Iterator[T]:
        """Each item in turn, one step after each."""
        for item in items:
            yield item
            self.advance()

    def stage(self, text: str) -> None:
        """Work between the counted steps (reading data, measuring on held-out data): said at once, to the callback
        too, and left out of the steps' pace."""
        self.write(text)
        self._rate_from = (self.clock(), self.done)
        if self.callback is not None:
            self.callback(self.fraction, text)

    def write(self, line: str) -> None:
        """A line of its own (above the bar in a terminal)."""
        if self.mode == "bar":
            tqdm.write(line, file=self.stream)
        elif self.mode == "lines":
            print(f"{self.label}: {line}", file=self.stream, flush=True)

    def close(self, finished: bool = True) -> None:
        """The end: a finished run reports 100 % (early stopping ends before ``total``) and its time."""
        if self._closed:
            return
        self._closed = True
        if finished:
            self.done = self.total
        if self._bar is not None:
            if finished:
                self._bar.n = self._bar.total
                self._bar.refresh()
            self._bar.close()
        if not finished:
            return
        seconds = describe_seconds(self.clock() - self.started)
        if self.mode == "lines":
            print(f"{self.label}: done in {seconds}", file=self.stream, flush=True)
        if self.callback is not None:
            self.callback(1.0, f"done in {seconds}")

    def _maybe_report(self, note: str) -> None:
        now = self.clock()
        tenth = int(self.fraction / EVERY_FRACTION + 1e-9)
        if now - self._last_time < self.every_seconds and tenth <= self._last_tenth:
            return
        self._last_time, self._last_tenth = now, tenth
        message = self.describe() + (f"; {note}" if note else "")
        if self.mode == "lines":
            print(f"{self.label}: {message}", file=self.stream, flush=True)
        if self.callback is not None:
            self.callback(self.fraction, message)
