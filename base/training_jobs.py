"""Trainings started from the admin (issue 21 item 3): a ``TrainingJob`` row follows one from the queue to its result.

``queue_training`` records the job and enqueues the app's retraining task with the job's id (``base.queueing``:
the training queue in the distributed setup, the web process's background thread in the embedded one), so the
request answers at once. The task hands its training function to ``run_training_job``, which marks the job running,
stores its progress as ``base.progress`` reports it, and ends it succeeded with the version made, or failed with the
error a manager can act on. Which organisation a job is for, and who may start one, the admin decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from base.models import TrainingJob
from base.progress import ProgressCallback
from base.queueing import enqueue

MESSAGE_LENGTH = TrainingJob._meta.get_field("message").max_length


class TrainingUnderWayError(Exception):
    """The same training is queued or running already: a second one would only repeat it."""

    def __init__(self, job: TrainingJob) -> None:
        super().__init__(f"Training job {job.pk} is {job.status}.")
        self.job = job


def queue_training(
    kind: str, task: Any | str, *args: Any, organisation_id: int | None = None, requested_by: Any = None
) -> TrainingJob:
    """Record a queued job and send ``task(*args, job_id)`` once it is committed; ``TrainingUnderWayError`` when a
    job of this kind for this organisation is queued or running (and not lost, ``TrainingJob.is_lost``)."""
    with transaction.atomic():
        pending = TrainingJob.objects.select_for_update().filter(
            kind=kind,
            organisation_id=organisation_id,
            status__in=(TrainingJob.Status.QUEUED, TrainingJob.Status.RUNNING),
        )
        under_way = next((job for job in pending if job.is_under_way), None)
        if under_way is not None:
            raise TrainingUnderWayError(under_way)
        job = TrainingJob.objects.create(kind=kind, organisation_id=organisation_id, requested_by=requested_by)
        enqueue(task, *args, job.pk)
    return job


def run_training_job(
    job_id: int | None,
    train: Callable[[ProgressCallback | None], str],
    explained: tuple[type[BaseException], ...] = (),
) -> str:
    """Run ``train(on_progress)``, which returns the new version's name, recording it on job ``job_id`` (when there is
    one and it still exists). An exception marks the job failed and is raised again; the error stored is the message
    alone for ``explained`` errors (a trainer's own explanation, e.g. too little history), else its kind too."""
    if job_id is None or not TrainingJob.objects.filter(pk=job_id).exists():
        return train(None)
    rows = TrainingJob.objects.filter(pk=job_id)
    rows.update(status=TrainingJob.Status.RUNNING, started_at=timezone.now(), progress=0.0, message="", error="")

    def report(fraction: float, message: str) -> None:
        rows.update(progress=max(0.0, min(fraction, 1.0)), message=message[:MESSAGE_LENGTH])

    try:
        version = train(report)
    except Exception as error:
        text = str(error).strip()
        if not isinstance(error, explained):
            text = f"{type(error).__name__}: {text}" if text else type(error).__name__
        rows.update(status=TrainingJob.Status.FAILED, error=text, finished_at=timezone.now())
        raise
    rows.update(status=TrainingJob.Status.SUCCEEDED, version=version, progress=1.0, finished_at=timezone.now())
    return version


def latest_jobs(jobs: Any, kind: str, limit: int = 5) -> list[TrainingJob]:
    """The newest jobs of ``kind`` among ``jobs`` (a queryset already narrowed to what the viewer may see)."""
    return list(jobs.filter(kind=kind).select_related("organisation", "requested_by")[:limit])
