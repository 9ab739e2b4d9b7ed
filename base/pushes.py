"""Pushing to the sockets: one rule for every notifier — persist first, then push.

``push_after_commit(group, frame)`` sends the frame to a channel-layer group once the current transaction commits
(at once outside a transaction), so a client never hears of a row it cannot read yet, and a rolled-back change is
never announced. ``push_now`` is the same for code that already runs after the commit (a socket consumer's own
handler, a background task). ``build_after_commit(build)`` is for frames read from the rows just written: ``build``
runs after the commit and returns the ``(group, frame)`` pairs to send, in order.

A push is a courtesy to whoever is listening, never part of the change: with no channel layer configured nothing is
sent, and a layer that cannot be reached (or a frame that fails to build) is logged, never raised into the request,
the task or the socket that made the change. A client that missed a frame catches up when it reconnects.

Frames are typed: each notifier defines a ``TypedDict`` per frame kind next to it, whose ``type`` names the
consumer's handler (``"profile.changed"`` → ``profile_changed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# A frame as the channel layer takes it: a mapping whose "type" names the handler. Every frame kind is a TypedDict
# (which a Mapping[str, object] accepts, where a dict[str, Any] would not).
Frame = Mapping[str, object]
Groups = str | Iterable[str]


def push_after_commit(group: Groups, frame: Frame) -> None:
    """Send ``frame`` to ``group`` (or to each of several groups) once the current transaction commits."""
    transaction.on_commit(lambda: push_now(group, frame))


def build_after_commit(build: Callable[[], Iterable[tuple[str, Frame]]]) -> None:
    """After the commit, send each ``(group, frame)`` that ``build`` returns; ``build`` may read the committed rows."""
    transaction.on_commit(lambda: _build_and_push(build))


def push_now(group: Groups, frame: Frame) -> bool:
    """Send ``frame`` to ``group`` (or to each of several groups) now; for code already after the commit. True when
    the layer took every frame; False with no layer, or when it could not be reached (logged)."""
    groups = [group] if isinstance(group, str) else list(group)
    return _send([(name, frame) for name in groups])


def _build_and_push(build: Callable[[], Iterable[tuple[str, Frame]]]) -> None:
    try:
        pushes = list(build())
    except Exception:  # the change is committed; its listeners catch up when they reconnect
        logger.exception("Building the frames to push failed")
        return
    _send(pushes)


def _send(pushes: list[tuple[str, Frame]]) -> bool:
    if not pushes:
        return True
    layer = get_channel_layer()
    if layer is None:
        return False
    send = async_to_sync(layer.group_send)
    sent = True
    for group, frame in pushes:
        try:
            send(group, dict(frame))
        except Exception:  # an unreachable layer must not fail the request that made the change
            logger.exception("Could not push %s to %s", frame.get("type"), group)
            sent = False
    return sent
