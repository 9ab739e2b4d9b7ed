"""No token reaches a log: card paths, sidebar links and Authorization values are redacted by the filter on every
handler, in Django's own warnings and in the access log, in process and in a real Daphne's output."""

from __future__ import annotations

import logging
import sys
import urllib.error
import urllib.request

import pytest
from channels.testing import HttpCommunicator
from django.conf import settings

from salescard.asgi import application
from salescard.log_redaction import RedactingFilter, redact

CARD_TOKEN = "Zq8xT3vLkP0aN5rYwE2mB7cH"
SIDEBAR_TOKEN = "eyJzIjo0MiwiYyI6N30:1vXyZq:Sg8fK2pLmN4qR6tUvW"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"Not Found: /c/{CARD_TOKEN}/", "Not Found: /c/…/"),
        (f'"GET /c/{CARD_TOKEN}/contact.vcf HTTP/1.1" 200', '"GET /c/…/contact.vcf HTTP/1.1" 200'),
        (f"WSCONNECT /ws/card/{CARD_TOKEN}/", "WSCONNECT /ws/card/…/"),
        (f"GET /speech/{CARD_TOKEN}.wav", "GET /speech/….wav"),
        (f"GET /sidebar/?t={SIDEBAR_TOKEN} 401", "GET /sidebar/?t=… 401"),
        (f"GET /x/?lang=zh&token={CARD_TOKEN}&page=2", "GET /x/?lang=zh&token=…&page=2"),
        (f"Authorization: Token {CARD_TOKEN}", "Authorization: Token …"),
        (f"{{'HTTP_AUTHORIZATION': 'Kiosk {CARD_TOKEN}'}}", "{'HTTP_AUTHORIZATION': 'Kiosk …'}"),
    ],
)
def test_tokens_are_cut_out_of_a_line(line, expected):
    assert redact(line) == expected


def test_paths_without_tokens_are_left_alone():
    for line in ["GET /sales/conversations/12/ 200", "GET /api/crm/customers/?page=2", "GET /sidebar/customers/3/"]:
        assert redact(line) == line


def test_every_configured_handler_redacts():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("redact" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["filters"]["redact"]["()"] == "salescard.log_redaction.RedactingFilter"


@pytest.mark.django_db
def test_an_unknown_card_and_a_bad_sidebar_link_leave_no_token_in_the_request_log(client, caplog):
    caplog.set_level(logging.INFO)
    assert client.get(f"/c/{CARD_TOKEN}/").status_code == 404
    assert client.get(f"/sidebar/?t={SIDEBAR_TOKEN}").status_code == 401

    # The configured handler's filter rewrote the records before any handler (pytest's too) wrote them.
    assert "Not Found: /c/…/" in caplog.text
    assert CARD_TOKEN not in caplog.text and SIDEBAR_TOKEN not in caplog.text


def test_a_traceback_is_redacted_too():
    try:
        raise ValueError(f"no card /c/{CARD_TOKEN}/")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, exc_info=sys.exc_info())
    RedactingFilter().filter(record)
    assert CARD_TOKEN not in record.exc_text and "/c/…/" in record.exc_text


@pytest.mark.django_db(transaction=True)
async def test_the_access_log_names_each_request_without_its_token(caplog):
    caplog.set_level(logging.INFO, logger="salescard.access")
    for path in (f"/c/{CARD_TOKEN}/", f"/sidebar/?t={SIDEBAR_TOKEN}"):
        communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"localhost")])
        await communicator.get_response(timeout=10)

    lines = [r.getMessage() for r in caplog.records if r.name == "salescard.access"]
    assert len(lines) == 2
    assert '"GET /c/…/" 404' in lines[0] and '"GET /sidebar/?t=…" 401' in lines[1]
    assert CARD_TOKEN not in caplog.text and SIDEBAR_TOKEN not in caplog.text


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_daphne_logs_requests_without_their_tokens():
    from tests.servers import ServerProcess, _answers, daphne_command, free_port, server_env

    port = free_port()
    server = ServerProcess("daphne", daphne_command(port), server_env())
    base_url = f"http://127.0.0.1:{port}"
    try:
        server.wait_until(lambda: _answers(f"{base_url}/healthz"), what="answering /healthz")
        for path, status in ((f"/c/{CARD_TOKEN}/", 404), (f"/sidebar/?t={SIDEBAR_TOKEN}", 401)):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{base_url}{path}", timeout=10)
            assert refused.value.code == status
        server.wait_until(lambda: '"GET /sidebar/?t=…" 401' in server.log_tail(200), timeout=10, what="logging")
        log = server.log_tail(200)
    finally:
        server.stop()
    assert '"GET /c/…/" 404' in log and "Not Found: /c/…/" in log
    assert CARD_TOKEN not in log and SIDEBAR_TOKEN not in log
