"""One background thread per web process for slow work in the embedded setup (Celery eager): reading a chat image,
transcribing a call. The request answers at once; the work commits and pushes when it is done, exactly as a
Celery worker would. The distributed setup never uses it: there the work goes to the worker queues."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections

logger = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="background")
# Ending live calls has its own threads: a stop must not wait behind an hour-long upload's transcription.
_live_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="live-call")


def run_in_background(work: Callable[..., object], *args: object, live: bool = False) -> Future:
    return (_live_executor if live else _executor).submit(_run, work, *args)


def _run(work: Callable[..., object], *args: object) -> None:
    try:
        work(*args)
    except Exception:  # a background thread has nobody to raise to
        logger.exception("Background work %s%r failed", getattr(work, "__name__", work), args)
    finally:
        connections.close_all()
