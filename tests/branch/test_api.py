"""The kiosk API: token per branch, 201 then 200 for the same ticket, clear 400/401/403 answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from branch.models import Branch, Task
from branch.tokens import issue_kiosk_token

pytestmark = pytest.mark.django_db
URL = "/api/branch/tickets/"


def kiosk(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Kiosk {token}")
    return client


def test_a_ticket_is_answered_at_once_and_again_with_the_same_task(branch, kiosk_token, sofa):
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678", "business": "理财"}

    first = kiosk(kiosk_token).post(URL, body, format="json")
    again = kiosk(kiosk_token).post(URL, body, format="json")

    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["task"] == first.json()["task"]
    assert "id_number" not in first.json()
    assert Task.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_kiosk_is_answered_before_the_analysis_and_the_push_which_follow(branch, kiosk_token, sofa, monkeypatch):
    """On the embedded default (Celery eager) the analysis and the push run in the background thread after commit."""
    import threading

    from django.conf import settings

    from base.background import run_in_background
    from branch import tasks

    assert settings.CELERY_TASK_ALWAYS_EAGER
    analysing, release = threading.Event(), threading.Event()
    real_analysis = tasks.analyse_task

    def held_analysis(task_id: int):  # noqa: ANN202
        analysing.set()
        assert release.wait(30)
        return real_analysis(task_id)

    pushed: list[tuple[int, dict]] = []
    monkeypatch.setattr(tasks, "analyse_task", held_analysis)
    monkeypatch.setattr(
        "branch.delivery.offer_task", lambda branch_id, frame, reminder: pushed.append((branch_id, frame))
    )
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678", "business": "理财"}

    try:
        response = kiosk(kiosk_token).post(URL, body, format="json")  # answered although the analysis is held
        assert response.status_code == 201
        assert analysing.wait(10)
        task = Task.objects.get(pk=response.json()["task"])
        assert task.analysed_at is None and pushed == []
    finally:
        release.set()
    run_in_background(lambda: None).result(timeout=60)  # one background thread: the analysis has finished

    task.refresh_from_db()
    assert task.analysed_at is not None and task.recommendations
    assert [(branch_id, frame["id"]) for branch_id, frame in pushed] == [(branch.pk, task.pk)]


def test_without_or_with_a_wrong_kiosk_token_nothing_is_taken(branch, kiosk_token):
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678"}
    assert APIClient().post(URL, body, format="json").status_code == 401
    assert kiosk("wrong-token").post(URL, body, format="json").status_code == 401
    issue_kiosk_token(branch)  # the old token stops working
    assert kiosk(kiosk_token).post(URL, body, format="json").status_code == 401
    assert not Task.objects.exists()


def test_an_unknown_branch_is_400_and_another_branchs_code_is_403(branch, kiosk_token):
    Branch.objects.create(code="sz-futian", name="福田支行")
    unknown = kiosk(kiosk_token).post(URL, {"branch": "nowhere", "number": "A1", "phone": "13912345678"}, format="json")
    other = kiosk(kiosk_token).post(URL, {"branch": "sz-futian", "number": "A1", "phone": "13912345678"}, format="json")
    assert unknown.status_code == 400 and "branch" in unknown.json()
    assert other.status_code == 403
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"number": "A1", "phone": "13912345678"},
        {"branch": "sz-nanshan", "phone": "13912345678"},
        {"branch": "sz-nanshan", "number": "A1"},
        {"branch": "sz-nanshan", "number": "A1", "phone": "not a phone"},
    ],
)
def test_bad_ticket_bodies_are_400_with_the_field(kiosk_token, body):
    response = kiosk(kiosk_token).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()
    assert not Task.objects.exists()


def test_the_nth_bad_kiosk_token_is_429_and_the_right_one_works_after_the_window(
    branch, kiosk_token, settings, throttle_clock
):
    settings.THROTTLE_KIOSK_TOKENS = (3, 600)
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678"}
    guesses = [kiosk(f"guess-{n}").post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en") for n in range(3)]
    assert [answer.status_code for answer in guesses] == [401, 401, 401]

    blocked = kiosk(kiosk_token).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    assert blocked.json() == {"detail": "Too many attempts. Try again in 10 minutes."}
    assert not Task.objects.exists()

    throttle_clock.now += 601
    assert kiosk(kiosk_token).post(URL, body, format="json").status_code == 201


def test_kiosk_guesses_from_another_client_do_not_block_this_one(branch, kiosk_token, settings):
    settings.THROTTLE_KIOSK_TOKENS = (1, 600)
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678"}
    assert kiosk("guess").post(URL, body, format="json", REMOTE_ADDR="198.51.100.4").status_code == 401
    assert kiosk(kiosk_token).post(URL, body, format="json", REMOTE_ADDR="198.51.100.5").status_code == 201


def test_an_expired_kiosk_token_is_refused_until_a_new_one_is_issued(branch, kiosk_token, settings):
    settings.KIOSK_TOKEN_DAYS = 365
    body = {"branch": branch.code, "number": "A012", "phone": "13912345678"}
    Branch.objects.filter(pk=branch.pk).update(kiosk_token_issued_at=timezone.now() - timedelta(days=366))
    assert kiosk(kiosk_token).post(URL, body, format="json").status_code == 401
    assert not Task.objects.exists()
    assert kiosk(issue_kiosk_token(branch)).post(URL, body, format="json").status_code == 201
