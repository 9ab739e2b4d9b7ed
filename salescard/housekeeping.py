"""Periodic jobs: one registry that both ways of running SalesCard schedule from.

- ``sweep-handoffs`` (every ``HANDOFF_SWEEP_SECONDS``): card-chat hand-offs nobody accepted move on
  (``dialogue.handoff_escalation``) and stale terminal presences are forgotten;
- ``escalate-branch-tasks`` (every ``BRANCH_ESCALATION_SWEEP_SECONDS``): branch tasks no watch accepted are
  announced again, then escalated to the branch manager (``branch.escalation``).

Each job is a Celery task. Who runs them is ``PERIODIC_JOBS_IN_WEB``: on the embedded default (true) every web
process runs them in process on its own event loop (``HousekeepingMiddleware``, started with the first request or
socket it serves); in the distributed setup (false) Celery beat sends them to the workers from ``beat_schedule()``
(``salescard.celery``), and the web processes leave them alone. An interval of 0 turns a job off in both. A job run
twice at once — two web processes, or beat and a forgotten web process — acts once per item: every step is a
conditional update.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_setting: str  # seconds between runs; 0 turns the job off
    task: str  # the Celery task's dotted path, which is also its name: beat sends it, a web process calls it

    @property
    def interval(self) -> float:
        return float(getattr(settings, self.interval_setting))

    def run(self) -> Any:
        """Run the job here, synchronously (a web process's loop, ``manage.py``, tests)."""
        return import_string(self.task)()


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("sweep-handoffs", "HANDOFF_SWEEP_SECONDS", "dialogue.tasks.sweep_handoffs_task"),
    PeriodicJob("escalate-branch-tasks", "BRANCH_ESCALATION_SWEEP_SECONDS", "branch.tasks.escalate_tasks_task"),
)


def active_jobs() -> list[PeriodicJob]:
    return [job for job in JOBS if job.interval > 0]


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat's schedule: every active job on its interval. A run that waited longer than one interval in the
    queue is dropped (``expires``): the next one does the same work."""
    return {
        job.name: {"task": job.task, "schedule": job.interval, "options": {"queue": "default", "expires": job.interval}}
        for job in active_jobs()
    }


async def _every(job: PeriodicJob) -> None:
    # In a thread of its own (thread_sensitive=False): on the one sync thread that serves the requests, every sweep
    # would make the requests behind it wait (measured: card page server p50 +5 ms, bench/RESULTS.md, issue 18).
    while True:
        await asyncio.sleep(job.interval)
        try:
            await database_sync_to_async(job.run, thread_sensitive=False)()
        except Exception:  # a database hiccup must not end the loop
            logger.exception("Periodic job %s failed", job.name)


class HousekeepingMiddleware:
    """ASGI middleware that starts the periodic jobs once per process, on the event loop that serves the
    application (so their pushes reach this process's sockets on the in-memory channel layer), when
    ``PERIODIC_JOBS_IN_WEB`` is on."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tasks: list[asyncio.Task] | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        if self.tasks is None and scope.get("type") in ("http", "websocket"):
            jobs = active_jobs() if settings.PERIODIC_JOBS_IN_WEB else []
            loop = asyncio.get_running_loop()
            self.tasks = [loop.create_task(_every(job), name=f"periodic:{job.name}") for job in jobs]
        return await self.app(scope, receive, send)
