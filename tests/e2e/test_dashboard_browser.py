"""A manager uses the dashboard in Chromium (issue 21): charts drawn from the seeded world, a narrower date range and a
branch filter change the tables consistently, the CSV matches the table, and another organisation's manager sees
none of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from branch.models import Branch, Task, TaskFeedback
from tests.dashboard_world import DAY, at, build_world, stamp
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import UserFactory
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Dashboard-Manager-2026"


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/manage/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/manage/")


def table(page, key: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#section-{key} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def test_a_manager_filters_the_dashboard_and_downloads_what_the_table_shows(page) -> None:
    world = build_world()
    north = Branch.objects.create(organisation=world.org, code="n", name="北门店", lines_of_business=["home"])
    south = Branch.objects.create(organisation=world.org, code="s", name="南门店", lines_of_business=["banking"])
    for where, who, tier in ((north, world.customers[0], "very_accurate"), (south, world.customers[1], "inaccurate")):
        task = Task.objects.create(branch=where, customer=who)
        stamp(task, "created_at", at(1))
        TaskFeedback.objects.create(
            task=task, success=True, tier=tier, match_score=1.0 if tier == "very_accurate" else 0
        )
    UserFactory(username="boss", role="manager", organisation=world.org, password=PASSWORD)
    UserFactory(username="other-boss", role="manager", organisation=world.other, password=PASSWORD)
    start, end = DAY.isoformat(), (DAY + timedelta(days=6)).isoformat()

    with daphne_server() as base_url:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, base_url, "boss")
        page.goto(f"{base_url}/manage/?start={start}&end={end}")
        page.wait_for_selector("body[data-charts=drawn]")
        assert page.locator("#chart-funnel[data-drawn=true]").count() == 1
        assert "经营看板" in page.title()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "manager-dashboard.png"), full_page=True)
        assert [row[1] for row in table(page, "funnel")] == ["5", "4", "3", "2", "1", "1"]
        assert sorted(row[0] for row in table(page, "branch")) == ["北门店", "南门店"]

        # A narrower range: the link shared on the first day drops out of every step it was in.
        page.fill("#id_start", (DAY + timedelta(days=1)).isoformat())
        page.click("#dashboard-filters input[type=submit]")
        page.wait_for_selector("body[data-charts=drawn]")
        assert [row[1] for row in table(page, "funnel")] == ["4", "3", "2", "2", "0", "0"]

        # One branch: only its tasks.
        page.select_option("#id_branch", label="南门店")
        page.click("#dashboard-filters input[type=submit]")
        page.wait_for_selector("body[data-charts=drawn]")
        branch_rows = table(page, "branch")
        assert [row[0] for row in branch_rows] == ["南门店"]

        # The CSV of the branch section is the table on the page.
        href = page.get_attribute("#section-branch a.csv", "href")
        response = page.request.get(f"{base_url}/manage/{href}")
        assert response.ok
        rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
        assert [[cell or "—" for cell in row] for row in rows[1:]] == branch_rows

        # A bad range is refused with the reason, and the page still works.
        page.fill("#id_start", "2026-12-01")
        page.fill("#id_end", "2026-11-01")
        page.click("#dashboard-filters input[type=submit]")
        page.wait_for_selector("#filter-errors")
        assert "开始日期晚于结束日期" in page.inner_text("#filter-errors")

        # Another organisation's manager sees only their own link, none of these figures.
        page.context.clear_cookies()
        sign_in(page, base_url, "other-boss")
        page.goto(f"{base_url}/manage/?start={start}&end={end}")
        assert [row[1] for row in table(page, "funnel")][:2] == ["1", "1"]
        assert page.locator("#id_branch option", has_text="北门店").count() == 0
        assert "北门店" not in page.content()
