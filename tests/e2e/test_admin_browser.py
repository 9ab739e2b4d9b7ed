"""A manager signs into the admin in a real browser and works with the demo customers."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from crm.models import Customer, User
from salescard.demo.login import ensure_demo_manager
from tests.e2e.conftest import SCREENSHOTS
from tests.servers import daphne_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-Manager-2026"


def test_demo_manager_logs_in_and_sees_the_customer_list(page) -> None:
    # Given the demo data and the demo manager's login, served by a real Daphne process
    call_command("seed_demo", customers=20, seed=7, verbosity=0)
    login = ensure_demo_manager(password=PASSWORD)
    manager = User.objects.get(username=login.username)
    # Only the manager's own company's customers (issue 19); the other company's are not listed.
    own = Customer.objects.filter(organisation=manager.organisation)
    some_customer = own.order_by("-updated_at").first()
    stranger = (
        Customer.objects.exclude(organisation=manager.organisation)
        .exclude(name__in=own.values("name"))
        .order_by("-updated_at")
        .first()
    )

    with daphne_server() as base_url:
        # When the manager signs in through the admin login form
        page.goto(f"{base_url}/admin/")
        page.fill("#id_username", login.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{base_url}/admin/")
        # and opens the customer list
        page.goto(f"{base_url}/admin/crm/customer/")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "admin-customers.png"), full_page=True)

        # Then the list shows the demo customers, in Chinese
        assert page.locator("#result_list tbody tr").count() == own.count() < Customer.objects.count()
        assert page.locator("#result_list").get_by_text(some_customer.name, exact=True).count() >= 1
        assert stranger is not None and page.locator("#result_list").get_by_text(stranger.name, exact=True).count() == 0
        assert "客户" in page.title()


def test_wrong_password_keeps_the_manager_out(page) -> None:
    login = ensure_demo_manager(password=PASSWORD)
    with daphne_server() as base_url:
        page.goto(f"{base_url}/admin/login/")
        page.fill("#id_username", login.username)
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        page.locator(".errornote").wait_for(state="visible", timeout=10_000)
        page.goto(f"{base_url}/admin/crm/customer/")
        assert "/admin/login/" in page.url
