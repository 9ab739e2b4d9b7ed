"""Celery tasks of the CRM (SPEC P2): thin wrappers that take ids, and their enqueueing.

Extraction runs on the ``inference`` queue after the message commits. When the broker is unreachable the webhook
still succeeds: the message is stored and read in the web process instead. In the embedded setup (Celery eager)
``CRM_EXTRACT_IN_BACKGROUND`` hands it to one background thread of the web process, so that a webhook carrying an
image does not wait half a second for OCR.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from base.queueing import enqueue
from crm.im_profile.facts import extract_message

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def extract_message_task(message_id: int) -> None:
    """Read one chat message (text or image) for profile facts and push what it found to the sidebars."""
    extract_message(message_id)


def enqueue_extraction(message_ids: Iterable[int]) -> None:
    """Read the messages once the current transaction commits (``base.queueing``; embedded, in the background thread
    unless ``CRM_EXTRACT_IN_BACKGROUND`` is off, which tests use to read them inside the commit)."""
    embedded = "background" if settings.CRM_EXTRACT_IN_BACKGROUND else "inline"
    for message_id in message_ids:
        enqueue(extract_message_task, message_id, embedded=embedded)
