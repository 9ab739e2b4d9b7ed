"""Queueing background work: one policy for every task the product enqueues.

``enqueue(task, *args)`` sends a Celery task once the current transaction commits (persist first, then work), so a
worker never looks for rows that are not there yet. Where it runs:

- **distributed setup** (a broker): on the task's queue (``CELERY_TASK_ROUTES``); when the broker cannot be reached
  the work runs in this web process's background thread instead, and a warning is logged — nothing is dropped;
- **embedded default** (Celery eager): in the web process's background thread (``base.background``), so the
  request answers at once; ``embedded="inline"`` runs it inside the commit instead, for the few short tasks whose
  result the same request reads back (e.g. the next intent prediction after a chat message).

A task is given as the task itself or by its dotted name (Celery's own way of naming tasks): domain code that a
tasks module imports names its task, so tasks modules import the domain and never the other way round.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerUnavailableError

from base.background import run_in_background

logger = logging.getLogger(__name__)


def enqueue(
    task: Any | str, *args: Any, embedded: Literal["background", "inline"] = "background", live: bool = False
) -> None:
    """Send ``task(*args)`` after commit (see the module's docstring for where it runs). ``live`` picks the
    background pool kept for live calls, so a stop never waits behind an hour-long transcription."""
    transaction.on_commit(lambda: send_now(task, *args, embedded=embedded, live=live))


def send_now(
    task: Any | str, *args: Any, embedded: Literal["background", "inline"] = "background", live: bool = False
) -> None:
    """``enqueue`` without waiting for a commit: for callers outside any transaction (commands, sweeps)."""
    if isinstance(task, str):
        task = import_string(task)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if embedded == "inline":
            task.apply(args=args)
        else:
            run_in_background(task.run, *args, live=live)
        return
    try:
        task.delay(*args)
    except BrokerUnavailableError:
        logger.warning("The broker is unreachable; %s%r runs in this process instead", task.name, args)
        run_in_background(task.run, *args, live=live)
