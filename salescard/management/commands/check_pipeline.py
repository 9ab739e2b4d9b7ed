"""``manage.py check_pipeline``: send a probe through every Celery queue and wait for the workers.

Exits non-zero naming the queues whose probe did not complete in time — a deployment smoke test.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from salescard.models import PipelineProbe
from salescard.pipeline import ALL_QUEUES
from salescard.tasks import request_probes


class Command(BaseCommand):
    help = "Send a probe through each Celery queue and report which worker completed it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", action="append", choices=ALL_QUEUES, help="Queue to probe (repeatable).")
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for the workers.")

    def handle(self, *args, **options) -> None:
        probes = request_probes(None, options["queue"] or ALL_QUEUES)
        deadline = time.monotonic() + options["timeout"]
        pending = {p.pk for p in probes}
        while pending and time.monotonic() < deadline:
            pending = set(
                PipelineProbe.objects.filter(pk__in=pending, completed_at__isnull=True).values_list("pk", flat=True)
            )
            if pending:
                time.sleep(0.2)
        for probe in PipelineProbe.objects.filter(pk__in=[p.pk for p in probes]).order_by("queue"):
            if probe.completed_at:
                self.stdout.write(
                    f"{probe.queue:10} ok  {probe.latency_ms:7.0f} ms  {probe.worker} ({probe.database_vendor})"
                )
            else:
                self.stdout.write(f"{probe.queue:10} no worker answered")
        if pending:
            missing = sorted(PipelineProbe.objects.filter(pk__in=pending).values_list("queue", flat=True))
            raise CommandError(f"No worker completed the probe on: {', '.join(missing)}")
