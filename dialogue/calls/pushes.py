"""What the salesperson's call page sees change (SPEC V8): frames pushed to ``sales.<user_id>`` (and
``sales.managers``) after the rows they describe are committed. Frames: ``call.status`` (status, progress,
error), ``call.segment`` (one segment with its emotions) and ``call.suggestions`` (the top replies after a
segment)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dialogue.calls.models import Call, CallSegment, ReplySuggestion
from dialogue.conversation_pushes import MANAGERS_GROUP
from dialogue.handoff_delivery import group_for_salesperson

SEGMENT_FIELDS = (
    "index", "start", "end", "text", "emotion", "emotion_scores", "first_emotion", "second_scores", "keywords",
    "situation", "scene", "relation", "sound",
)  # fmt: skip


def segment_frame(segment: CallSegment) -> dict[str, Any]:
    return {name: getattr(segment, name) for name in SEGMENT_FIELDS}


def status_frame(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk, "status": call.status, "progress": call.progress, "error": call.error,
        "duration": call.duration, "source": call.source,
    }  # fmt: skip


def _send(call: Call, event: dict[str, Any]) -> None:
    """To the call's salesperson and to the managers (who may open any call page)."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [MANAGERS_GROUP] + ([group_for_salesperson(call.salesperson_id)] if call.salesperson_id else [])
    for group in groups:
        async_to_sync(layer.group_send)(group, event)


def announce_status(call: Call) -> None:
    _send(call, {"type": "call.status", "call": status_frame(call)})


def announce_segment(call: Call, segment: CallSegment, suggestions: list[ReplySuggestion]) -> None:
    from dialogue.calls.suggestions import suggestion_frame

    _send(call, {"type": "call.segment", "call_id": call.pk, "segment": segment_frame(segment)})
    _send(
        call,
        {
            "type": "call.suggestions",
            "call_id": call.pk,
            "segment": segment.index,
            "suggestions": [suggestion_frame(s) for s in suggestions],
        },
    )
