"""The managers' dashboard page (issue 21): only managers, only their organisation's figures, every section with its
table and CSV, and bad filters refused with a message."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from salescard import dashboard_figures as figures
from tests.dashboard_world import DAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = "/manage/"
RANGE = {"start": DAY.isoformat(), "end": (DAY + timedelta(days=6)).isoformat()}


@pytest.fixture
def client(client):
    """Pages in English for these assertions (the product's default is Simplified Chinese, checked below)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def boss(world):
    from tests.factories import UserFactory

    return UserFactory(username="boss", role="manager", organisation=world.org)


def csv_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_manager_sees_every_section_with_the_figures_of_the_range(client, boss, world) -> None:
    client.force_login(boss)
    response = client.get(URL, RANGE)
    assert response.status_code == 200
    page = response.content.decode()
    for key in figures.SECTIONS:
        assert f'id="section-{key}"' in page
    assert 'id="chart-funnel"' in page and 'id="dashboard-charts"' in page
    # The funnel's numbers, in the table (the chart reads the same rows).
    tables = {t.key: t for t in response.context["tables"]}
    assert [row["links"] for row in tables["funnel"].rows] == [5, 4, 3, 2, 1, 1]
    funnel_chart = next(c for c in response.context["charts"] if c["canvas"] == "chart-funnel")
    assert funnel_chart["datasets"][0]["data"] == [5, 4, 3, 2, 1, 1]


def test_the_csv_is_the_table_of_the_same_filters(client, boss, world) -> None:
    client.force_login(boss)
    response = client.get(URL, {**RANGE, "salesperson": world.liu.pk, "section": "funnel", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "funnel-2026-11-10-2026-11-16.csv" in response["Content-Disposition"]
    rows = csv_of(response)
    assert rows[0] == ["step", "card links", "share of links shared"]
    assert [row[1] for row in rows[1:]] == ["4", "3", "2", "1", "1", "1"]


def test_a_manager_of_another_organisation_sees_none_of_it(client, world) -> None:
    from tests.factories import UserFactory

    other_boss = UserFactory(username="other-boss", role="manager", organisation=world.other)
    client.force_login(other_boss)
    tables = {t.key: t for t in client.get(URL, RANGE).context["tables"]}
    assert [row["links"] for row in tables["funnel"].rows][:2] == [1, 1]  # only the stranger's own link
    # Naming a salesperson of the other organisation is refused, not answered.
    response = client.get(URL, {**RANGE, "salesperson": world.liu.pk})
    assert response.status_code == 400


def test_salespeople_are_sent_to_sign_in_and_non_manager_staff_are_refused(client, world) -> None:
    client.force_login(world.liu)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    world.liu.is_staff = True
    world.liu.save()
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-20", "end": "2026-11-10"}, "The start date is after the end date."),
        ({"start": "2024-01-01", "end": "2026-11-10"}, "Choose at most 366 days."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"line": "spaceships"}, "Select a valid choice."),
        ({"branch": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_filters_get_the_form_back_with_the_reason(client, boss, query, message) -> None:
    client.force_login(boss)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_csv_section_is_refused_with_the_known_ones(client, boss) -> None:
    client.force_login(boss)
    response = client.get(URL, {"section": "secrets", "format": "csv"})
    assert response.status_code == 400
    assert "funnel" in response.content.decode()


def test_without_dates_the_last_30_days_are_shown(client, boss, world) -> None:
    client.force_login(boss)
    response = client.get(URL)
    chosen = response.context["filters"]
    assert (chosen.end - chosen.start).days == 29


def test_the_page_reads_in_chinese_by_default(boss, world) -> None:
    from django.test import Client

    chinese = Client()
    chinese.force_login(boss)
    page = chinese.get(URL, RANGE).content.decode()
    assert "名片转化漏斗" in page and "下载 CSV" in page
