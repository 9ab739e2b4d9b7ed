"""Issue 21 item 3: "Retrain now" on the reply model versions list queues the product-wide reply model's retraining;
the job belongs to the asking manager's organisation, which alone follows it on the list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from base.models import TrainingJob

pytestmark = pytest.mark.django_db

LIST = "/admin/calls/replymodelversion/"


def test_retrain_now_records_the_reply_model_version_made(
    client, manager, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def train(on_progress):
        on_progress(0.5, "epoch 40/80 (50 %)")
        return SimpleNamespace(version="reply-20261208-010000")

    monkeypatch.setattr("base.queueing.run_in_background", lambda work, *args, live=False: work(*args))
    monkeypatch.setattr("dialogue.calls.tasks.retrain_reply_model", train)
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST + "retrain/")

    assert response.status_code == 302 and response.url == LIST
    job = TrainingJob.objects.get()
    assert job.kind == TrainingJob.Kind.REPLY and job.status == TrainingJob.Status.SUCCEEDED
    assert job.version == "reply-20261208-010000" and job.organisation == manager.organisation
    assert "reply-20261208-010000" in client.get(LIST).content.decode()
