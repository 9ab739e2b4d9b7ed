"""Tasks nobody takes (B5) are escalated by a periodic job, not by watch sockets: with no watch online, by one sweep
at a time however many run, from the web process's loop on the embedded default and from Celery beat otherwise."""

from __future__ import annotations

import asyncio
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from branch.escalation import advance, due_tasks, sweep_unaccepted
from branch.models import Task
from salescard.housekeeping import JOBS, HousekeepingMiddleware, beat_schedule
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(branch, settings):
    """A task analysed two minutes ago that no watch took (no watch is even registered), due for escalation."""
    settings.BRANCH_ACK_SECONDS = 60
    settings.BRANCH_REMINDERS_BEFORE_ESCALATION = 0
    branch.manager.email = "manager@example.cn"
    branch.manager.save()
    task = Task.objects.create(branch=branch, customer=CustomerFactory(), analysed_at=timezone.now())
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=120))
    task.refresh_from_db()
    return task


@pytest.fixture
def pushes(monkeypatch):
    """What the sweep pushes to the sales terminals (user id, frame)."""
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr("branch.escalation.push_to_salesperson", lambda user_id, frame: sent.append((user_id, frame)))
    return sent


def test_a_due_task_is_escalated_by_the_periodic_job_with_no_watch_connected(overdue, branch, pushes, mailoutbox):
    job = next(job for job in JOBS if job.name == "escalate-branch-tasks")

    assert job.run() == 1  # what the web process's loop and a beat-driven worker both call

    overdue.refresh_from_db()
    assert overdue.escalated_at is not None and overdue.status == Task.Status.PENDING
    assert pushes == [(branch.manager.pk, pushes[0][1])] and pushes[0][1]["type"] == "branch.escalated"
    assert pushes[0][1]["task_id"] == overdue.pk
    assert len(mailoutbox) == 1 and "无人接单" in mailoutbox[0].subject


def test_a_second_sweep_at_the_same_time_does_nothing(overdue, pushes, mailoutbox):
    now = timezone.now()
    seen_by_second = due_tasks(now)  # the other sweeper read the same due task …
    assert [task.pk for task in seen_by_second] == [overdue.pk]

    assert sweep_unaccepted(now) == [(overdue.pk, "escalated")]  # … this one escalates it first

    assert [advance(task, now) for task in seen_by_second] == [None]
    assert sweep_unaccepted(now) == []
    assert len(pushes) == 1 and len(mailoutbox) == 1


def test_a_reminder_is_sent_once_by_concurrent_sweeps(overdue, settings, monkeypatch):
    settings.BRANCH_REMINDERS_BEFORE_ESCALATION = 1
    offered: list[tuple[int, bool]] = []
    monkeypatch.setattr("branch.escalation.offer", lambda pk, reminder: offered.append((pk, reminder)))
    now = timezone.now()
    seen_by_second = due_tasks(now)

    assert sweep_unaccepted(now) == [(overdue.pk, "reminded")]
    assert [advance(task, now) for task in seen_by_second] == [None]
    assert offered == [(overdue.pk, True)]


def test_a_task_a_watch_accepted_meanwhile_is_left_alone(overdue, pushes):
    now = timezone.now()
    (seen,) = due_tasks(now)
    Task.objects.filter(pk=overdue.pk).update(status=Task.Status.VIEWED)  # accepted after the sweep read it

    assert advance(seen, now) is None
    assert pushes == []


def test_manage_py_escalate_tasks_sweeps_once(overdue, pushes, capsys):
    call_command("escalate_tasks")
    call_command("escalate_tasks")
    out = capsys.readouterr().out
    assert out.count(f"task {overdue.pk}: escalated") == 1 and "0 task(s) reminded or escalated." in out
    assert len(pushes) == 1


def test_the_beat_schedule_holds_both_periodic_jobs():
    from salescard.celery import app

    schedule = app.conf.beat_schedule
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "sweep-handoffs": "dialogue.tasks.sweep_handoffs_task",
        "escalate-branch-tasks": "branch.tasks.escalate_tasks_task",
    }
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    assert schedule["escalate-branch-tasks"]["options"]["queue"] == "default"


def test_an_interval_of_0_turns_a_job_off(settings):
    settings.BRANCH_ESCALATION_SWEEP_SECONDS = 0
    settings.HANDOFF_SWEEP_SECONDS = 7
    assert set(beat_schedule()) == {"sweep-handoffs"}
    assert beat_schedule()["sweep-handoffs"]["schedule"] == 7.0


@pytest.mark.parametrize(("in_web", "started"), [(True, {"sweep-handoffs", "escalate-branch-tasks"}), (False, set())])
async def test_web_processes_run_the_jobs_only_when_told_to(settings, in_web, started):
    settings.PERIODIC_JOBS_IN_WEB = in_web

    async def app(scope, receive, send) -> None:
        return None

    middleware = HousekeepingMiddleware(app)
    await middleware({"type": "http"}, None, None)
    await middleware({"type": "http"}, None, None)  # started once per process

    assert {task.get_name().removeprefix("periodic:") for task in middleware.tasks} == started
    for task in middleware.tasks:
        task.cancel()
    await asyncio.gather(*middleware.tasks, return_exceptions=True)
