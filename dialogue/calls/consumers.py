"""``/ws/calls/live/``: live capture of a call from the salesperson's microphone (SPEC V1, V2, V7, V8).

Signed-in salespeople and managers only (close 4401 / 4403). Protocol:
- ``{"action": "start", "customer": id, "language": "zh-hans"|"yue"|"en", "channels": 1|2}`` →
  ``{"type": "started", "call": id}`` (refused with an error frame without the customer's call-recording consent);
- binary frames: little-endian 16-bit PCM, 16 kHz, up to 256 KB each; mono by default, or with ``channels: 2``
  interleaved stereo: the promoter's own microphone (the salesperson) on channel 0, the line (the customer) on 1;
  then each segment says who spoke and suggestions follow only the customer's;
- ``{"action": "stop"}`` → the waiting speech is recognised, then ``{"type": "stopped", "call": id, "duration"}``.
Server frames while the call runs: ``segment`` (a recognised sentence with its emotions and sound information) and
``suggestions`` (the top replies after it); the same go to the salesperson's ``sales.<user_id>`` group for the call
page. ``error`` frames for bad frames, in the page's language (the language cookie, else Accept-Language); the
connection stays open. A dropped connection ends the call the same way
as a stop: what arrived is kept and processed.

Recognition runs in a worker thread, one utterance after another, so frames keep arriving while Whisper decodes.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from typing import Any

from channels.db import database_sync_to_async
from django.utils import translation

from base.background import run_in_background
from base.frames import JsonFramesConsumer, admit
from base.socket_auth import socket_language
from crm.access import can_use_terminal
from dialogue.calls.live_capture import LiveCall, StreamError, start_live_call
from dialogue.calls.models import Call
from dialogue.calls.pushes import segment_frame
from dialogue.calls.recordings import CallRefusedError
from dialogue.calls.suggestions import suggestion_frame
from dialogue.speech.utterances import Utterance

logger = logging.getLogger(__name__)


def _in_thread(function):  # noqa: ANN001, ANN202 - a sync function → an awaitable running off the event loop
    return database_sync_to_async(function, thread_sensitive=False)


class CallCaptureConsumer(JsonFramesConsumer):
    live: LiveCall | None = None
    language: str | None = None  # set once the salesperson is admitted

    async def connect(self) -> None:
        if await admit(self, can_use_terminal) is None:
            return
        self.language = socket_language(self.scope)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.worker: asyncio.Task | None = None
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if self.language is None:  # a refused client's frames, sent before it read the close: nothing to do
            return
        with translation.override(self.language):  # error frames in the salesperson's language
            if bytes_data is not None:
                await self._audio(bytes_data)
                return
            await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content: Any, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "start":
            await self._start(content)
        elif action == "stop":
            await self._stop()
        else:
            await self.send_error('Unknown frame: send {"action": "start", "customer": id} or {"action": "stop"}.')

    async def disconnect(self, code: int) -> None:
        """A dropped connection ends the call like a stop: what arrived is kept and processed."""
        if self.live is not None:
            self._end()

    def _end(self) -> tuple[LiveCall, Future]:
        """Hand the call's end to a background thread: the utterances still queued, the speech not yet cut, the
        recording, the status. The server may end this socket's instance before Whisper is done (a dropped
        connection, a shutdown); the thread finishes regardless. An utterance being recognised finishes in its
        thread first (``LiveCall``'s lock); its segments reach the call page through the terminal group."""
        live, self.live = self.live, None
        if self.worker is not None:
            self.worker.cancel()
        waiting = []
        while not self.queue.empty():
            waiting.append(self.queue.get_nowait())
        return live, run_in_background(live.finish, waiting, live=True)

    async def _start(self, content: dict) -> None:
        if self.live is not None:
            await self.send_error("A call is already being captured: stop it first.")
            return
        try:
            self.live = await database_sync_to_async(start_live_call)(
                self.scope["user"],
                content.get("customer"),
                content.get("language", "zh-hans"),
                content.get("channels", 1),
            )
        except CallRefusedError as error:
            await self.send_error(str(error))
            return
        self.worker = asyncio.create_task(self._recognise_in_turn(self.live))
        await self.send_json({"type": "started", "call": self.live.call.pk})

    async def _audio(self, data: bytes) -> None:
        if self.live is None:
            await self.send_error('Send {"action": "start", "customer": id} before the audio.')
            return
        try:
            utterances = self.live.receive(data)
        except StreamError as error:
            await self.send_error(str(error))
            return
        for utterance in utterances:
            self.queue.put_nowait(utterance)

    async def _stop(self) -> None:
        if self.live is None:
            await self.send_error("No call is being captured.")
            return
        live, ending = self._end()
        await asyncio.wrap_future(ending)
        call = await database_sync_to_async(Call.objects.get)(pk=live.call.pk)
        await self.send_json({"type": "stopped", "call": call.pk, "duration": call.duration})

    async def _recognise_in_turn(self, live: LiveCall) -> None:
        while True:
            utterance = await self.queue.get()
            try:
                stored = await _in_thread(_recognise_frames)(live, utterance)
            except Exception:  # one bad utterance must not end the call
                logger.exception("Recognising an utterance of call %s failed", live.call.pk)
                await self._safe_send({"type": "error", "message": "An utterance could not be recognised."})
                continue
            for frames in stored:
                for frame in frames:
                    await self._safe_send(frame)

    async def _safe_send(self, frame: dict) -> None:
        try:
            await self.send_json(frame)
        except Exception:  # noqa: BLE001 - the browser went away; the call is still processed and pushed
            pass


def _recognise_frames(live: LiveCall, utterance: Utterance) -> list[list[dict]]:
    call_id = live.call.pk
    return [
        [
            {"type": "segment", "call": call_id, "segment": segment_frame(segment)},
            {
                "type": "suggestions",
                "call": call_id,
                "segment": segment.index,
                "suggestions": [suggestion_frame(s) for s in suggestions],
            },
        ]
        for segment, suggestions in live.recognise(utterance)
    ]


class CallFramesMixin:
    """The call page's frames (SPEC V8) on the sales terminal's socket (``salescard.consumers.SalesConsumer``): the
    handlers of the events ``dialogue.calls.pushes`` sends to ``sales.<user_id>`` and ``sales.managers``."""

    async def call_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "call.status", "call": event["call"]})

    async def call_segment(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "call.segment", "call": event["call_id"], "segment": event["segment"]})

    async def call_suggestions(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "call.suggestions",
                "call": event["call_id"],
                "segment": event["segment"],
                "suggestions": event["suggestions"],
            }
        )
