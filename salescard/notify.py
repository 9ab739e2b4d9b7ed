"""Pushes to the operations socket group (``ops``), after commit (``base.pushes``)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from base.pushes import push_after_commit

OPS_GROUP = "ops"


class ProbeCompleted(TypedDict):
    type: Literal["probe.completed"]
    probe: dict[str, Any]  # salescard.pipeline.describe_probe


def probe_completed(probe: dict[str, Any]) -> None:
    """Tell every connected operations socket, once the probe's row commits, that a probe finished."""
    push_after_commit(OPS_GROUP, ProbeCompleted(type="probe.completed", probe=probe))
