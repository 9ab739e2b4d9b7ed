"""Guessing is throttled (issue 16 item 4): failures per client in a fixed window, kept in Django's cache.

Every place that checks a secret a stranger could guess — card link tokens, one-time codes, kiosk tokens,
watch tokens, sidebar links — counts its failures per client here. A client that reached the limit is refused
with 429 and ``Retry-After`` until its window ends, without the secret even being looked at, so a correct
secret only works again once the window is over.

The counters live in the ``default`` cache: in-process memory on the embedded default, Redis when
``REDIS_URL`` is set, so that every web process counts the same failures. A window starts with a client's
first failure and lasts ``window_seconds``; the limits come from the ``THROTTLE_*`` settings.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

KEY_PREFIX = "throttle"
CACHE_ERRORS = (RedisError, OSError)
logger = logging.getLogger(__name__)


class FailureThrottle:
    """Counts failures (bad tokens, bad codes) per client in a fixed window, in Django's cache."""

    def __init__(self, scope: str, limit: int, window_seconds: int) -> None:
        if limit < 1 or window_seconds < 1:
            raise ValueError("a throttle needs a limit and a window of at least 1")
        self.scope = scope
        self.limit = limit
        self.window_seconds = window_seconds

    def _keys(self, client: str) -> tuple[str, str]:
        # Hashed: a client string is free text (an address, or whatever a caller counts by) and cache keys
        # must stay short and free of spaces and control characters.
        digest = hashlib.sha256(client.encode()).hexdigest()[:32]
        base = f"{KEY_PREFIX}:{self.scope}:{digest}"
        return f"{base}:count", f"{base}:start"

    def retry_after(self, client: str) -> int | None:
        """Seconds to wait when the client is blocked, else None (also when the cache is down: see ``_cache_down``)."""
        count_key, start_key = self._keys(client)
        try:
            values = cache.get_many([count_key, start_key])
        except CACHE_ERRORS as error:
            _cache_down(self.scope, error)
            return None
        if values.get(count_key, 0) < self.limit or start_key not in values:
            return None
        remaining = values[start_key] + self.window_seconds - time.time()
        # The window's start decides, not only the cache's expiry (Redis keeps its own clock).
        return math.ceil(remaining) if remaining > 0 else None

    def failed(self, client: str) -> None:
        """Count one failure; the first one opens the client's window."""
        try:
            self._count_failure(client)
        except CACHE_ERRORS as error:
            _cache_down(self.scope, error)

    def _count_failure(self, client: str) -> None:
        count_key, start_key = self._keys(client)
        now = time.time()
        start = cache.get(start_key)
        if start is not None and start + self.window_seconds <= now:  # over, though the cache still holds it
            cache.delete_many([count_key, start_key])
        cache.add(start_key, now, self.window_seconds)
        cache.add(count_key, 0, self.window_seconds)
        try:
            cache.incr(count_key)
        except ValueError:  # the window ended between add() and incr(): this failure opens a new one
            cache.set(start_key, time.time(), self.window_seconds)
            cache.set(count_key, 1, self.window_seconds)

    def reset(self, client: str) -> None:
        """Forget the client's failures, e.g. after a success."""
        try:
            cache.delete_many(list(self._keys(client)))
        except CACHE_ERRORS as error:
            _cache_down(self.scope, error)


def _cache_down(scope: str, error: Exception) -> None:
    """The counters' cache (Redis in the distributed setup) is unreachable. Guessing stays as hard as the secrets
    make it (32 random bytes, one-time codes with their own try limits), so the request goes on unthrottled rather
    than failing: a Redis outage must not stop kiosks from taking tickets or customers from opening cards."""
    logger.warning("Throttle %s is not counting: its cache is unreachable (%s).", scope, error.__class__.__name__)


def client_of(request_or_scope: HttpRequest | Request | dict) -> str:
    """The client's IP address: ``REMOTE_ADDR`` of a (Django or DRF) request, or ``scope["client"][0]`` of an ASGI
    scope.

    Behind a reverse proxy this is the proxy's address unless Daphne runs with ``--proxy-headers``.
    """
    if not isinstance(request_or_scope, dict):
        return request_or_scope.META.get("REMOTE_ADDR") or "unknown"
    client = request_or_scope.get("client")
    return str(client[0]) if client else "unknown"


def wait_message(retry_after: int) -> str:
    """ "Too many attempts. Try again in N minutes." (seconds under a minute) in the active language."""
    if retry_after < 60:
        return ngettext(
            "Too many attempts. Try again in %(count)d second.",
            "Too many attempts. Try again in %(count)d seconds.",
            retry_after,
        ) % {"count": retry_after}
    minutes = math.ceil(retry_after / 60)
    return ngettext(
        "Too many attempts. Try again in %(count)d minute.",
        "Too many attempts. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def _wants_html(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("Accept", "")


def too_many(request: HttpRequest, retry_after: int, message: str | None = None) -> HttpResponse:
    """429 with ``Retry-After``: JSON ``{"error": …}`` for the API and scripts, a small page for browsers."""
    message = message or wait_message(retry_after)
    if _wants_html(request):
        html = render_to_string("salescard/too_many.html", {"message": message}, request=request)
        response: HttpResponse = HttpResponse(html, status=429)
    else:
        response = JsonResponse({"error": message}, status=429, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(retry_after)
    return response


class TooManyFailures(Throttled):
    """DRF's 429 with ``Retry-After`` and the throttle's message, for API views and authentication classes
    (the body is DRF's ``{"detail": …}`` like every other API error)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(detail=wait_message(retry_after))
        self.wait = retry_after
