"""base/pushes.py: a frame goes out after the commit and only then; a rollback pushes nothing; no layer or an
unreachable one never fails the change."""

from __future__ import annotations

import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from base import pushes
from base.pushes import build_after_commit, push_after_commit, push_now

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit: on_commit runs at the real commit


@pytest.fixture
def listening():
    """A channel joined to the groups "g.1" and "g.2"; returns a function that drains what it received."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for group in ("g.1", "g.2"):
        async_to_sync(layer.group_add)(group, channel)

    async def drain() -> list[dict]:
        frames = []
        while True:
            try:
                frames.append(await asyncio.wait_for(layer.receive(channel), 0.05))
            except TimeoutError:
                return frames

    yield async_to_sync(drain)
    for group in ("g.1", "g.2"):
        async_to_sync(layer.group_discard)(group, channel)


def test_a_push_waits_for_the_commit(listening):
    with transaction.atomic():
        push_after_commit("g.1", {"type": "thing.changed", "id": 1})
        assert listening() == []
    assert listening() == [{"type": "thing.changed", "id": 1}]


def test_outside_a_transaction_it_goes_at_once_and_to_every_group(listening):
    push_after_commit(["g.1", "g.2"], {"type": "thing.changed", "id": 2})
    assert listening() == [{"type": "thing.changed", "id": 2}] * 2


def test_a_rollback_pushes_nothing(listening):
    with pytest.raises(RuntimeError), transaction.atomic():
        push_after_commit("g.1", {"type": "thing.changed", "id": 3})
        build_after_commit(lambda: [("g.1", {"type": "thing.built"})])
        raise RuntimeError("the change fails")
    assert listening() == []


def test_frames_built_after_the_commit_go_in_order(listening):
    seen: list[str] = []
    with transaction.atomic():
        build_after_commit(lambda: seen.append("built") or [("g.1", {"type": "a"}), ("g.2", {"type": "b"})])
        assert seen == []
    assert seen == ["built"]
    assert listening() == [{"type": "a"}, {"type": "b"}]


def test_push_now_does_not_wait(listening):
    with transaction.atomic():
        assert push_now("g.2", {"type": "thing.now"}) is True
        assert listening() == [{"type": "thing.now"}]


def test_no_channel_layer_is_fine(settings):
    settings.CHANNEL_LAYERS = {}
    assert get_channel_layer() is None
    push_after_commit("g.1", {"type": "thing.changed"})
    assert push_now("g.1", {"type": "thing.changed"}) is False


def test_an_unreachable_layer_or_a_broken_frame_is_logged_not_raised(monkeypatch, caplog):
    class Down:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(pushes, "get_channel_layer", lambda: Down())
    with caplog.at_level(logging.ERROR, logger="base.pushes"), transaction.atomic():
        push_after_commit("g.1", {"type": "thing.changed"})
        build_after_commit(lambda: 1 / 0)
    assert push_now("g.1", {"type": "thing.now"}) is False
    assert [r.getMessage() for r in caplog.records] == [
        "Could not push thing.changed to g.1",
        "Building the frames to push failed",
        "Could not push thing.now to g.1",
    ]
