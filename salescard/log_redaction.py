"""Tokens never reach the logs (issue 16 item 4): a filter on every log handler, and the access log written here.

Tokens that travel in a URL — a card link ``/c/<token>/`` (and its ``/ws/card/<token>/`` socket and
``/speech/<token>.wav`` audio), an IM sidebar link ``/sidebar/?t=…`` — would otherwise land in every access-log
line and in Django's ``Not Found: /c/<token>/`` warnings; an ``Authorization`` header (API, kiosk and sidebar
tokens) in an error report. :class:`RedactingFilter` sits on every handler of ``LOGGING`` and rewrites each record's
message (and traceback) with :func:`redact` before it is written: ``/c/…/``, ``?t=…``, ``Authorization: Token …``.

Daphne writes its own access log straight to stdout, past the logging system, so it runs with ``--verbosity 0``
(no access log) and :class:`AccessLogMiddleware` writes the same lines through the ``salescard.access`` logger —
and so through the filter. (The watch page's ``/watch/#token`` is a fragment: browsers never send it.)
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

HIDDEN = "…"

# A path segment that is a credential, after the route that carries it.
_PATH_TOKENS = re.compile(r"(/(?:ws/)?(?:c|card)/|/speech/)([^/?#\s\"'<>]+?)(?=\.wav\b|[/?#\s\"'<>]|$)")
# Query parameters that carry a credential.
_QUERY_TOKENS = re.compile(
    r"([?&](?:t|token|key|code|access_token|signature)=)([^&#\s\"'<>]+)",
    re.IGNORECASE,
)
# Authorization header values: "Authorization: Token abc", "'HTTP_AUTHORIZATION': 'Kiosk abc'", …
_AUTHORIZATION = re.compile(
    r"((?:HTTP_)?AUTHORIZATION[\"']?\s*[:=]\s*[\"']?(?:[A-Za-z]+\s+)?)([^\s\"',}]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with every token in a card or speech path, a token query parameter or an Authorization value
    replaced by "…"."""
    if not text:
        return text
    text = _PATH_TOKENS.sub(rf"\1{HIDDEN}", text)
    text = _QUERY_TOKENS.sub(rf"\1{HIDDEN}", text)
    return _AUTHORIZATION.sub(rf"\1{HIDDEN}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and traceback with :func:`redact`; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


access_log = logging.getLogger("salescard.access")


def _target(scope: dict) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope.get("path", "") + (f"?{query}" if query else "")


def _client(scope: dict) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


class AccessLogMiddleware:
    """One line per HTTP response and per socket connection, through the ``salescard.access`` logger:
    ``127.0.0.1:50123 "GET /c/…/" 200 5120 12ms`` and ``127.0.0.1:50124 "WSCONNECT /ws/card/…/"``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: dict, receive: Any, send: Any) -> None:
        started = time.monotonic()
        answer = {"status": "-", "size": 0}

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["size"] += len(message.get("body", b""))
                if not message.get("more_body", False):
                    took = round((time.monotonic() - started) * 1000)
                    access_log.info(
                        '%s "%s %s" %s %s %sms',
                        _client(scope),
                        scope.get("method", "-"),
                        _target(scope),
                        answer["status"],
                        answer["size"],
                        took,
                    )
            await send(message)

        await self.app(scope, receive, sending)

    async def _websocket(self, scope: dict, receive: Any, send: Any) -> None:
        state = {"accepted": False}

        async def sending(message: dict) -> None:
            if message["type"] == "websocket.accept":
                state["accepted"] = True
                access_log.info('%s "WSCONNECT %s"', _client(scope), _target(scope))
            elif message["type"] == "websocket.close" and not state["accepted"]:
                access_log.info('%s "WSREJECT %s"', _client(scope), _target(scope))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if state["accepted"]:
                access_log.info('%s "WSDISCONNECT %s"', _client(scope), _target(scope))
