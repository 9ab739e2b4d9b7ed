"""Pipeline probes: prove that the queues, workers, database and channel layer work together.

``salescard.tasks.request_probes`` stores one probe per queue and, after commit, enqueues a task on that queue; the
worker that takes it calls ``complete_probe``, which records who did it and pushes the result to the
``ops`` socket group. In the embedded default the task runs inline; distributed, it crosses Redis to a
worker process — the same code either way.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from crm.models import User
from salescard.models import PipelineProbe
from salescard.notify import probe_completed

ALL_QUEUES: tuple[str, ...] = tuple(PipelineProbe.Queue.values)


def create_probes(user: User | None, queues: Iterable[str] = ALL_QUEUES) -> list[PipelineProbe]:
    """One probe row per queue (``salescard.tasks.request_probes`` stores them and sends their tasks)."""
    queues = list(queues)
    unknown = sorted(set(queues) - set(ALL_QUEUES))
    if unknown:
        raise ValueError(f"Unknown queue(s): {', '.join(unknown)}; known: {', '.join(ALL_QUEUES)}")
    return [PipelineProbe.objects.create(queue=queue, requested_by=user) for queue in queues]


def complete_probe(probe_id: int, worker: str | None = None) -> PipelineProbe | None:
    """Mark a probe done by this process; idempotent, quiet when the probe is gone."""
    with transaction.atomic():
        probe = PipelineProbe.objects.select_for_update().filter(pk=probe_id).first()
        if probe is None:
            return None
        if probe.completed_at is None:
            probe.completed_at = timezone.now()
            probe.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
            probe.database_vendor = connection.vendor
            probe.save(update_fields=["completed_at", "worker", "database_vendor"])
        probe_completed(describe_probe(probe))
    return probe


def describe_probe(probe: PipelineProbe) -> dict[str, Any]:
    return {
        "id": probe.pk,
        "queue": probe.queue,
        "requested_at": probe.requested_at.isoformat(),
        "completed_at": probe.completed_at.isoformat() if probe.completed_at else None,
        "worker": probe.worker,
        "database_vendor": probe.database_vendor,
        "latency_ms": probe.latency_ms,
    }
