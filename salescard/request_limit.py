"""At most ``WEB_MAX_CONCURRENT_REQUESTS`` HTTP requests inside Django at a time in one web process.

Django runs each request's synchronous code in a thread of its own under ASGI. Python threads share one
interpreter lock, and SQLite lets one writer in at a time, so fifty requests running at once do not finish
sooner than a few running at once: each takes fifty times as long, and writers queue on the database lock (up
to its busy timeout). Here the others wait their turn in the event loop instead (first come, first served),
which keeps the time a request spends in Django close to its own work. The wait is reported next to Django's
time as ``Server-Timing: queue;dur=<ms>``. WebSockets are not limited (their consumers are async), nor are
files streamed to the client (static files, media, the avatar's speech): a slow phone downloading audio must
not hold a place that a page is waiting for.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any


class RequestLimiter:
    def __init__(self, app: Any, limit: int, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.limit = limit
        self.exempt_prefixes = exempt_prefixes
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created inside the server's event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        queued = time.perf_counter()
        async with self._semaphore:
            waited = f"queue;dur={(time.perf_counter() - queued) * 1000:.2f}".encode()

            async def send_with_wait(message: dict) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), (b"server-timing", waited)]}
                await send(message)

            await self.app(scope, receive, send_with_wait)
