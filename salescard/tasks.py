"""Celery tasks of the project package: thin wrappers around functions that also run inline."""

from __future__ import annotations

import os
import socket

from celery import shared_task
from django.db import OperationalError

from salescard.pipeline import complete_probe


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def complete_probe_task(probe_id: int) -> None:
    complete_probe(probe_id, worker=f"{socket.gethostname()}:{os.getpid()}")
