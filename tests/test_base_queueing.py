"""The one enqueue policy (base.queueing): after commit; embedded in the background thread or inline; with a broker,
on the queue, and in this process when the broker is unreachable."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailableError

from base import queueing

ran: list[tuple[str, int]] = []


@shared_task
def record_task(value: int) -> None:
    ran.append(("task", value))


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    ran.clear()
    background: list = []
    monkeypatch.setattr(queueing, "run_in_background", lambda work, *args, live=False: background.append((work, args)))
    return background


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_before_the_commit_and_nothing_after_a_rollback(settings, fresh):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with transaction.atomic():
        queueing.enqueue(record_task, 1, embedded="inline")
        assert ran == []
    assert ran == [("task", 1)]
    with pytest.raises(RuntimeError), transaction.atomic():
        queueing.enqueue(record_task, 2, embedded="inline")
        raise RuntimeError("rolled back")
    assert ran == [("task", 1)] and fresh == []


@pytest.mark.django_db(transaction=True)
def test_embedded_work_goes_to_the_background_thread_by_default(settings, fresh):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    queueing.enqueue(record_task, 3)
    assert ran == [] and len(fresh) == 1
    work, args = fresh[0]
    work(*args)
    assert ran == [("task", 3)]


@pytest.mark.django_db(transaction=True)
def test_a_task_named_by_its_dotted_path_is_the_same_task(settings, fresh):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    queueing.enqueue("tests.test_base_queueing.record_task", 4, embedded="inline")
    assert ran == [("task", 4)]


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_task_is_sent_and_runs_here_when_the_broker_is_down(settings, fresh, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent: list = []
    monkeypatch.setattr(record_task, "delay", lambda *args: sent.append(args))
    queueing.enqueue(record_task, 5)
    assert sent == [(5,)] and fresh == []

    def broker_down(*args):
        raise BrokerUnavailableError("connection refused")

    monkeypatch.setattr(record_task, "delay", broker_down)
    queueing.enqueue(record_task, 6)
    assert len(fresh) == 1 and fresh[0][1] == (6,)
