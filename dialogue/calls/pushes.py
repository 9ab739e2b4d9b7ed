"""What the salesperson's call page sees change (SPEC V8): frames pushed to ``sales.<user_id>`` (and
``managers.<organisation id>``) once the rows they describe are committed (``base.pushes``). Frames:
``call.status`` (status, progress, error), ``call.segment`` (one segment with its emotions) and
``call.suggestions`` (the top replies after a segment)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from base.pushes import Frame, push_after_commit
from dialogue.calls.models import Call, CallSegment, ReplySuggestion
from dialogue.calls.suggestions import suggestion_frame
from dialogue.handoff_delivery import group_for_salesperson, managers_groups_for

SEGMENT_FIELDS = (
    "index", "start", "end", "text", "emotion", "emotion_scores", "first_emotion", "second_scores", "keywords",
    "situation", "scene", "relation", "sound", "speaker",
)  # fmt: skip


class CallStatus(TypedDict):
    type: Literal["call.status"]
    call: dict[str, Any]  # status_frame


class CallSegmentFrame(TypedDict):
    type: Literal["call.segment"]
    call_id: int
    segment: dict[str, Any]  # segment_frame


class CallSuggestions(TypedDict):
    type: Literal["call.suggestions"]
    call_id: int
    segment: int
    suggestions: list[dict[str, Any]]  # suggestions.suggestion_frame


def segment_frame(segment: CallSegment) -> dict[str, Any]:
    return {name: getattr(segment, name) for name in SEGMENT_FIELDS}


def status_frame(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk, "status": call.status, "progress": call.progress, "error": call.error,
        "duration": call.duration, "source": call.source,
    }  # fmt: skip


def _push(call: Call, frame: Frame) -> None:
    """To the call's salesperson and to the managers (who may open any call page), after commit."""
    groups = managers_groups_for(call.customer.organisation_id)
    groups += [group_for_salesperson(call.salesperson_id)] if call.salesperson_id else []
    push_after_commit(groups, frame)


def announce_status(call: Call) -> None:
    _push(call, CallStatus(type="call.status", call=status_frame(call)))


def announce_segment(call: Call, segment: CallSegment, suggestions: list[ReplySuggestion]) -> None:
    _push(call, CallSegmentFrame(type="call.segment", call_id=call.pk, segment=segment_frame(segment)))
    _push(
        call,
        CallSuggestions(
            type="call.suggestions",
            call_id=call.pk,
            segment=segment.index,
            suggestions=[suggestion_frame(s) for s in suggestions],
        ),
    )
