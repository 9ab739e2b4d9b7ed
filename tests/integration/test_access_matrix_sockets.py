"""The socket cells of the access matrix (``salescard.access_matrix``) on the distributed setup: a Daphne process,
Redis as the channel layer and PostgreSQL. Each principal opens each socket for real, with its own cookies, headers
and auth frame; the first answer is a frame (accepted) or the matrix's close code, and a refused socket writes
nothing. One server serves every cell; a failure lists the cells that disagree."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from salescard.access_matrix import ACCEPT, SOCKET_ENTRIES, Principal
from tests.conftest import reseed_migrated_defaults
from tests.security.test_access_matrix import SOCKET_PROBES
from tests.security.world import build_world, first_frame, row_counts
from tests.servers import daphne_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


async def first_answer(url: str, headers: dict[str, str], frame: str) -> tuple[str, str]:
    """``accept`` and the frame when the server's first message is a frame, else the close code."""
    try:
        async with websockets.connect(url, additional_headers=headers, open_timeout=15) as socket:
            try:
                await socket.send(frame)
                async with asyncio.timeout(15):
                    answer = await socket.recv()
            except ConnectionClosed as closed:
                return str(closed.rcvd.code if closed.rcvd else closed.code), ""
            return ACCEPT, str(answer)[:200]
    except InvalidStatus as refused:
        return f"handshake {refused.response.status_code}", ""


def test_every_socket_cell_holds_on_redis(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    reseed_migrated_defaults()
    world = build_world()
    for principal in Principal:
        world.client(principal)  # staff sign in before the server is asked

    disagree = []
    # Every principal connects from 127.0.0.1: the guessing throttles (their own tests) would answer 429 midway.
    generous = {
        name: "1000/60" for name in ("THROTTLE_CARD_TOKENS", "THROTTLE_DEVICE_TOKENS", "THROTTLE_SIDEBAR_TOKENS")
    }
    with daphne_server(**generous) as base:
        for entry in SOCKET_ENTRIES:
            probe = SOCKET_PROBES[entry.group]
            for principal in Principal:
                url = base.replace("http", "ws") + probe.path.format(**world.values(principal))
                headers = {**world.socket_headers(principal), "Origin": base}
                before = row_counts()
                shown, answer = asyncio.run(first_answer(url, headers, first_frame(probe, world, principal)))
                expected = entry.cells[principal]
                if shown != expected:
                    disagree.append(f"{entry.group} × {principal}: expected {expected}, got {shown} {answer}")
                elif expected != ACCEPT and row_counts() != before:
                    disagree.append(f"{entry.group} × {principal}: refused, but rows changed")

    assert not disagree, "\n".join(disagree)
