"""The Celery application: queues ``default``, ``inference``, ``speech`` and ``training``.

With ``REDIS_URL`` unset, tasks run eagerly inside the web process (the embedded default); with it
set, they go through the Redis broker to worker processes, one pool per queue (see the Makefile's
``run-distributed``). Results go to model rows, never to a result backend. Celery beat runs the periodic jobs
of ``salescard.housekeeping`` (the same registry the embedded default's web process runs them from).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

from salescard.housekeeping import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")

app = Celery("salescard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "inference", "speech", "training")]
app.conf.beat_schedule = beat_schedule()
app.autodiscover_tasks()
