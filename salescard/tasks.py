"""Celery tasks of the project package: thin wrappers around functions that also run inline."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable

from celery import shared_task
from django.db import OperationalError, transaction

from crm.models import User
from salescard.models import PipelineProbe
from salescard.pipeline import ALL_QUEUES, complete_probe, create_probes


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def complete_probe_task(probe_id: int) -> None:
    complete_probe(probe_id, worker=f"{socket.gethostname()}:{os.getpid()}")


def request_probes(user: User | None, queues: Iterable[str] = ALL_QUEUES) -> list[PipelineProbe]:
    """Store one probe per queue and, after commit, send each its task on that very queue (a probe proves the
    queue, so it is sent there directly rather than by the routes or the embedded background policy)."""
    with transaction.atomic():
        probes = create_probes(user, queues)
        for probe in probes:
            transaction.on_commit(
                lambda probe=probe: complete_probe_task.apply_async(args=[probe.pk], queue=probe.queue)
            )
    return probes
