"""The background thread of the embedded default: what its work pushes runs on the event loop that handed it over,
where the in-memory channel layer's sockets wait."""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync, sync_to_async

from base.background import run_in_background


async def _loop_of_a_push() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


async def test_pushes_from_work_handed_over_by_a_socket_run_on_its_loop() -> None:
    loops: list = []
    run_in_background(lambda: loops.append(async_to_sync(_loop_of_a_push)()))
    await asyncio.wrap_future(run_in_background(lambda: None))
    assert loops == [asyncio.get_running_loop()]


async def test_pushes_from_work_handed_over_by_a_request_thread_run_on_its_loop() -> None:
    loops: list = []
    await sync_to_async(lambda: run_in_background(lambda: loops.append(async_to_sync(_loop_of_a_push)())))()
    await asyncio.wrap_future(run_in_background(lambda: None))
    assert loops == [asyncio.get_running_loop()]


def test_work_handed_over_without_a_loop_still_runs() -> None:
    loops: list = []
    run_in_background(lambda: loops.append(async_to_sync(_loop_of_a_push)())).result(timeout=10)
    assert len(loops) == 1
