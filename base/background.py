"""One background thread per web process for slow work in the embedded setup (Celery eager): reading a chat image,
transcribing a call. The request answers at once; the work commits and pushes when it is done, exactly as a
Celery worker would. The distributed setup never uses it: there the work goes to the worker queues.

Pushes the work makes (``async_to_sync(layer.group_send)``) run on the event loop that submitted it, as they do from
a request: the in-memory channel layer's queues belong to that loop, and a send from a loop of the background
thread's own would wake a waiting socket only whenever that loop next woke for something else."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.db import connections

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")
# Ending live calls has its own threads: a stop must not wait behind an hour-long upload's transcription.
_live_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="live-call")


def run_in_background(work: Callable[..., object], *args: object, live: bool = False) -> Future:
    return (_live_executor if live else _executor).submit(_run, _serving_loop(), work, *args)


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this call comes from: the running one, or the one a request's thread (sync_to_async) serves."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(local, "main_event_loop", None)


def _run(loop: asyncio.AbstractEventLoop | None, work: Callable[..., object], *args: object) -> None:
    local = SyncToAsync.threadlocal
    if loop is not None and loop.is_running():  # async_to_sync in this thread then runs on that loop
        local.main_event_loop, local.main_event_loop_pid = loop, os.getpid()
    try:
        work(*args)
    except Exception:  # a background thread has nobody to raise to
        logger.exception("Background work %s%r failed", getattr(work, "__name__", work), args)
    finally:
        local.__dict__.pop("main_event_loop", None)
        local.__dict__.pop("main_event_loop_pid", None)
        connections.close_all()
