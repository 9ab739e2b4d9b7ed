"""Celery tasks of the conversation engine: thin wrappers around functions that also run inline.
Queue (``CELERY_TASK_ROUTES``): ``deliver_handoff_task`` → ``default``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from dialogue.notify import deliver_handoff


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def deliver_handoff_task(handoff_id: int) -> None:
    deliver_handoff(handoff_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def transcribe_call_task(call_id: int) -> None:
    """Transcribe a call recording into segments (on the ``speech`` queue)."""
    from dialogue.calls import transcribe_call

    transcribe_call(call_id)


def enqueue_transcription(call_id: int) -> None:
    """Queue the call's transcription once the current transaction commits. In the embedded setup (Celery eager),
    or while the broker is unreachable, it runs in the web process's background thread, never in the request."""
    from django.conf import settings
    from django.db import transaction
    from kombu.exceptions import OperationalError as BrokerUnavailableError

    from dialogue.calls import transcribe_call
    from salescard.background import run_in_background

    def send() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            run_in_background(transcribe_call, call_id)
            return
        try:
            transcribe_call_task.delay(call_id)
        except BrokerUnavailableError:
            run_in_background(transcribe_call, call_id)

    transaction.on_commit(send)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def retrain_reply_model_task() -> None:
    """Retrain the reply-script target model from its samples (on the ``training`` queue, SPEC V9)."""
    from dialogue.reply_library import retrain_reply_model

    retrain_reply_model()


def enqueue_reply_retraining() -> None:
    """Queue a retraining; embedded (or with the broker down) it runs in the background thread."""
    from django.conf import settings
    from kombu.exceptions import OperationalError as BrokerUnavailableError

    from dialogue.reply_library import retrain_reply_model
    from salescard.background import run_in_background

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_in_background(retrain_reply_model)
        return
    try:
        retrain_reply_model_task.delay()
    except BrokerUnavailableError:
        run_in_background(retrain_reply_model)
