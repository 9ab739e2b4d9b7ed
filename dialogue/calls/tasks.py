"""Celery tasks of the call assistant: thin wrappers around functions that also run inline.
Queues (``CELERY_TASK_ROUTES``): ``transcribe_call_task`` → ``speech``, ``retrain_reply_model_task`` → ``training``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from base.queueing import enqueue
from base.training_jobs import run_training_job
from dialogue.calls.recordings import transcribe_call
from dialogue.calls.script_library import ReplyModelMissingError, retrain_reply_model
from dialogue.calls.suggestions import retraining_due


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def transcribe_call_task(call_id: int) -> None:
    """Transcribe a call recording into segments (on the ``speech`` queue)."""
    transcribe_call(call_id)


def enqueue_transcription(call_id: int) -> None:
    """Transcribe the call once the current transaction commits; never inside the request."""
    enqueue(transcribe_call_task, call_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def retrain_reply_model_task(job_id: int | None = None) -> None:
    """Retrain the reply-script target model from its samples (on the ``training`` queue, SPEC V9); ``job_id``: the
    admin's ``TrainingJob`` that follows it (``base.training_jobs``)."""
    run_training_job(
        job_id, lambda on_progress: retrain_reply_model(on_progress=on_progress).version, (ReplyModelMissingError,)
    )


def enqueue_reply_retraining() -> None:
    """Retrain in the background once the current transaction commits."""
    enqueue(retrain_reply_model_task)


def retrain_when_due() -> None:
    """After feedback (``suggestions.rate``, ``record_outcome``): retrain once enough new samples are in."""
    if retraining_due():
        enqueue_reply_retraining()
