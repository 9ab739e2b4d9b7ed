"""The product's own error pages with DEBUG off (issue 16): translated, friendly, no technical detail; the API keeps
JSON."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_unknown_page_is_the_products_404_in_chinese_by_default(client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'id="error-page"' in page
    assert "Page not found" not in page
    assert "URLconf" not in page and "Traceback" not in page


@override_settings(DEBUG=False)
def test_unknown_page_is_in_english_for_an_english_browser(client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_unknown_page_follows_the_language_cookie(client) -> None:
    client.cookies["django_language"] = "en"

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_unknown_api_path_answers_json(client) -> None:
    response = client.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@override_settings(DEBUG=False)
def test_server_error_shows_no_technical_detail(monkeypatch) -> None:
    def broken() -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("salescard.views.readiness", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/readyz", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "hunter2" not in page and "RuntimeError" not in page


@override_settings(DEBUG=False)
def test_a_failed_csrf_check_is_a_friendly_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sales/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page
    assert "CSRF" not in page
