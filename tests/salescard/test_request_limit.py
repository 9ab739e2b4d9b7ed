"""The web process lets a few requests into Django at a time; the rest wait their turn, and say how long."""

from __future__ import annotations

import asyncio

from salescard.request_limit import RequestLimiter


class SlowApp:
    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0

    async def __call__(self, scope, receive, send) -> None:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        await asyncio.sleep(0.01)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": [(b"server-timing", b"app;dur=10")]})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await app({"type": "http", "path": path}, None, send)
    return sent


async def test_at_most_the_limit_is_inside_and_the_wait_is_reported() -> None:
    inner = SlowApp()
    limited = RequestLimiter(inner, limit=2, exempt_prefixes=("/static/",))

    responses = await asyncio.gather(*(call(limited, "/c/token/") for _ in range(8)))

    assert inner.most_inside == 2
    waits = []
    for sent in responses:
        headers = sent[0]["headers"]
        timings = [value.decode() for name, value in headers if name == b"server-timing"]
        assert timings[0] == "app;dur=10" and timings[1].startswith("queue;dur=")
        waits.append(float(timings[1].split("=")[1]))
    assert max(waits) >= 25  # the last pair waited for three pairs of 10 ms


async def test_static_files_and_sockets_are_not_limited() -> None:
    inner = SlowApp()
    limited = RequestLimiter(inner, limit=1, exempt_prefixes=("/static/", "/speech/"))

    await asyncio.gather(*(call(limited, "/static/salescard/card.css") for _ in range(5)))

    assert inner.most_inside == 5
