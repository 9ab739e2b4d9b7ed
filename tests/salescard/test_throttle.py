"""The guessing throttle: failures per client in a fixed window, and the 429 it answers with."""

from __future__ import annotations

import json

from django.test import RequestFactory
from django.utils import translation

from base import throttle
from base.throttle import FailureThrottle, client_of, too_many


def test_client_is_blocked_at_the_limit_and_free_again_after_the_window(throttle_clock) -> None:
    codes = FailureThrottle("test-codes", limit=3, window_seconds=600)
    for _ in range(2):
        codes.failed("10.0.0.7")
    assert codes.retry_after("10.0.0.7") is None

    codes.failed("10.0.0.7")
    throttle_clock.now += 100
    assert codes.retry_after("10.0.0.7") == 500

    throttle_clock.now += 501
    assert codes.retry_after("10.0.0.7") is None


def test_window_starts_at_the_first_failure(throttle_clock) -> None:
    codes = FailureThrottle("test-codes", limit=2, window_seconds=60)
    codes.failed("10.0.0.7")
    throttle_clock.now += 50
    codes.failed("10.0.0.7")
    assert codes.retry_after("10.0.0.7") == 10
    throttle_clock.now += 11
    codes.failed("10.0.0.7")  # a new window: one failure
    assert codes.retry_after("10.0.0.7") is None


def test_clients_and_scopes_count_apart(throttle_clock) -> None:
    codes = FailureThrottle("test-codes", limit=1, window_seconds=60)
    tokens = FailureThrottle("test-tokens", limit=1, window_seconds=60)
    codes.failed("10.0.0.7")
    assert codes.retry_after("10.0.0.7") == 60
    assert codes.retry_after("10.0.0.8") is None
    assert tokens.retry_after("10.0.0.7") is None


def test_reset_forgets_the_failures(throttle_clock) -> None:
    codes = FailureThrottle("test-codes", limit=2, window_seconds=60)
    codes.failed("10.0.0.7")
    codes.reset("10.0.0.7")
    codes.failed("10.0.0.7")
    assert codes.retry_after("10.0.0.7") is None


def test_client_of_reads_a_request_and_an_asgi_scope() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    assert client_of(request) == "203.0.113.9"
    assert client_of({"type": "websocket", "client": ["2001:db8::1", 50123]}) == "2001:db8::1"
    assert client_of({"type": "websocket", "client": None}) == "unknown"


def test_api_request_gets_json_with_retry_after(english) -> None:
    request = RequestFactory().post("/api/branch/tickets/", HTTP_ACCEPT="text/html")
    response = too_many(request, 125)
    assert response.status_code == 429
    assert response["Retry-After"] == "125"
    assert json.loads(response.content) == {"error": "Too many attempts. Try again in 3 minutes."}


def test_browser_gets_a_page_in_its_language() -> None:
    request = RequestFactory().get("/c/abc/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    with translation.override("zh-hans"):  # what LocaleMiddleware chose for this browser
        response = too_many(request, 30)
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "尝试次数过多" in page and "30 秒" in page


def test_script_without_html_gets_json_and_a_caller_can_word_the_message() -> None:
    request = RequestFactory().get("/sidebar/", HTTP_ACCEPT="*/*")
    response = too_many(request, 5, message="Slow down")
    assert response.status_code == 429
    assert json.loads(response.content) == {"error": "Slow down"}


def test_message_counts_seconds_under_a_minute_and_minutes_above(english) -> None:
    assert throttle.wait_message(1) == "Too many attempts. Try again in 1 second."
    assert throttle.wait_message(59) == "Too many attempts. Try again in 59 seconds."
    assert throttle.wait_message(60) == "Too many attempts. Try again in 1 minute."
    assert throttle.wait_message(900) == "Too many attempts. Try again in 15 minutes."


def test_an_unreachable_cache_lets_requests_through_and_says_so(monkeypatch, caplog) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    from base import throttle as module

    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    for name in ("get", "get_many", "add", "incr", "set", "delete_many"):
        monkeypatch.setattr(module.cache, name, down)
    gate = module.FailureThrottle("kiosk", 1, 60)
    gate.failed("10.0.0.9")
    gate.failed("10.0.0.9")
    assert gate.retry_after("10.0.0.9") is None
    gate.reset("10.0.0.9")
    assert "unreachable" in caplog.text
