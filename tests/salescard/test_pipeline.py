"""Pipeline probes on the embedded default: each queue's probe completes inline and is recorded."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from salescard.models import PipelineProbe
from salescard.pipeline import complete_probe
from salescard.tasks import request_probes

pytestmark = pytest.mark.django_db(transaction=True)


def test_check_pipeline_reports_every_queue() -> None:
    out = StringIO()
    call_command("check_pipeline", stdout=out)
    assert {line.split()[0] for line in out.getvalue().splitlines()} == {"default", "inference", "speech", "training"}
    assert PipelineProbe.objects.filter(completed_at__isnull=True).count() == 0
    assert set(PipelineProbe.objects.values_list("database_vendor", flat=True)) == {"sqlite"}


def test_unknown_queue_is_refused_and_nothing_is_stored() -> None:
    with pytest.raises(ValueError, match="Unknown queue"):
        request_probes(None, ["inference", "gpu"])
    assert PipelineProbe.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("check_pipeline", "--queue", "gpu")


def test_completing_twice_keeps_the_first_worker_and_a_missing_probe_is_ignored() -> None:
    probe = request_probes(None, ["default"])[0]
    probe.refresh_from_db()
    first_worker = probe.worker
    complete_probe(probe.pk, worker="another:1")
    probe.refresh_from_db()
    assert probe.worker == first_worker
    assert complete_probe(999_999) is None
