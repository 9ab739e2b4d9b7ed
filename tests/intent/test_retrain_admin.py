"""Issue 21 item 3: "Retrain now" on the intent model versions list trains in the background and the list shows the
job's progress and result (``intent.admin.RetrainNowMixin``, ``base.training_jobs``), one organisation at a time."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from base.models import TrainingJob
from crm.models import Organisation
from intent.models import IntentModelVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/intent/intentmodelversion/"
RETRAIN = LIST + "retrain/"


@pytest.fixture
def background(monkeypatch):
    """The embedded default's background thread, run at once here; like the real one it logs a failure, never
    raises it into the request."""
    sent = []

    def run_now(work, *args, live=False):
        sent.append(args)
        try:
            work(*args)
        except Exception:  # noqa: BLE001, S110 - base.background logs and carries on
            pass

    monkeypatch.setattr("base.queueing.run_in_background", run_now)
    return sent


def retrain(client, captured, **data):
    with captured(execute=True):
        return client.post(RETRAIN, data)


def test_retrain_now_trains_in_the_background_and_the_list_shows_the_version(
    client, manager, model_dir, history, background, django_capture_on_commit_callbacks, one_torch_thread
) -> None:
    client.force_login(manager)

    response = retrain(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == LIST
    job = TrainingJob.objects.get()
    version = IntentModelVersion.objects.get()
    assert job.status == TrainingJob.Status.SUCCEEDED and job.version == version.version
    assert job.organisation == manager.organisation == version.organisation
    assert job.progress == 1.0 and job.message.startswith("done in")
    assert job.requested_by == manager and job.started_at <= job.finished_at
    page = client.get(LIST).content.decode()
    assert "<progress" in page and version.version in page and f'action="{RETRAIN}"' in page


def test_too_little_history_fails_with_the_reason(
    client, manager, model_dir, background, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    retrain(client, django_capture_on_commit_callbacks)

    job = TrainingJob.objects.get()
    assert job.status == TrainingJob.Status.FAILED and job.finished_at is not None
    assert job.error.startswith("Not enough purchase or click history")
    assert job.version == "" and not IntentModelVersion.objects.exists()
    assert "Not enough purchase or click history" in client.get(LIST).content.decode()


def test_a_crashing_training_records_failed_with_the_error(
    client, manager, model_dir, background, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def crash(**kwargs):
        kwargs["on_progress"](0.4, "epoch 10/25 (40 %)")
        raise OSError("No space left on device")

    monkeypatch.setattr("intent.tasks.train_intent", crash)
    client.force_login(manager)

    retrain(client, django_capture_on_commit_callbacks)

    job = TrainingJob.objects.get()
    assert job.status == TrainingJob.Status.FAILED
    assert job.error == "OSError: No space left on device" and job.progress == 0.4
    page = client.get(LIST).content.decode()
    assert "OSError: No space left on device" in page


def test_a_manager_of_another_organisation_neither_sees_nor_starts_it(
    client, background, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    bank, shop = Organisation.objects.create(name="招财银行"), Organisation.objects.create(name="好家居生活馆")
    theirs = TrainingJob.objects.create(
        kind=TrainingJob.Kind.INTENT, organisation=bank, status=TrainingJob.Status.FAILED, error="招财银行的秘密"
    )
    monkeypatch.setattr("intent.tasks.train_intent", lambda **kwargs: pytest.fail("must not train here"))
    background.clear()
    client.force_login(UserFactory(role="manager", username="shop-mgr", organisation=shop))

    assert "招财银行的秘密" not in client.get(LIST).content.decode()
    assert client.get(f"/admin/base/trainingjob/{theirs.pk}/change/").status_code == 404
    monkeypatch.setattr("base.queueing.run_in_background", lambda work, *args, live=False: background.append(args))
    retrain(client, django_capture_on_commit_callbacks, organisation=bank.pk)

    mine = TrainingJob.objects.exclude(pk=theirs.pk).get()
    assert mine.organisation == shop and background == [(shop.pk, mine.pk)]  # their own organisation, not the bank
    assert TrainingJob.objects.filter(organisation=bank).count() == 1


def test_only_staff_may_start_a_training(client, salesperson, background, django_capture_on_commit_callbacks) -> None:
    client.force_login(salesperson)

    response = retrain(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and "/login/" in response.url
    assert not TrainingJob.objects.exists() and background == []


def test_retrain_is_a_post(client, manager) -> None:
    client.force_login(manager)
    assert client.get(RETRAIN).status_code == 405
    assert not TrainingJob.objects.exists()


def test_a_second_click_while_one_is_under_way_queues_nothing(
    client, manager, background, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    monkeypatch.setattr("base.queueing.run_in_background", lambda work, *args, live=False: background.append(args))
    client.force_login(manager)

    retrain(client, django_capture_on_commit_callbacks)
    retrain(client, django_capture_on_commit_callbacks)

    job = TrainingJob.objects.get()
    assert job.status == TrainingJob.Status.QUEUED and len(background) == 1
    page = client.get(LIST).content.decode()
    assert 'http-equiv="refresh"' in page  # the list follows the job while it is under way


def test_a_job_lost_with_its_process_no_longer_blocks_a_new_one(
    client, manager, background, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    lost = TrainingJob.objects.create(
        kind=TrainingJob.Kind.INTENT,
        organisation=manager.organisation,
        status=TrainingJob.Status.RUNNING,
        created_at=timezone.now() - datetime.timedelta(hours=2),
    )
    monkeypatch.setattr("base.queueing.run_in_background", lambda work, *args, live=False: background.append(args))
    client.force_login(manager)

    page = client.get(LIST).content.decode()
    assert 'http-equiv="refresh"' not in page and lost.is_lost

    retrain(client, django_capture_on_commit_callbacks)
    assert TrainingJob.objects.exclude(pk=lost.pk).get().status == TrainingJob.Status.QUEUED
