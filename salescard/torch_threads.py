"""How many threads torch uses inside a web process.

A web request runs the small emotion and intent networks on one message or one customer. Such tiny operations
gain nothing from intra-op threads, and when the cores are busy (other requests, a Celery worker) a second thread
makes them wait: one sentence took 0.7 ms on one thread and 48 ms on two with both cores loaded. Web processes
therefore use ``WEB_TORCH_THREADS`` (default 1); parallelism comes from serving requests concurrently. Celery
workers, training commands and batch jobs keep torch's default or set their own.
"""

from __future__ import annotations

from django.conf import settings


def limit_torch_threads_for_requests() -> None:
    import torch

    torch.set_num_threads(settings.WEB_TORCH_THREADS)
