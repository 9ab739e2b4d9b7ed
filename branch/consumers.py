"""``/ws/wearable/``: the staff smartwatch's long connection (SPEC B1, B2, B5).

Protocol (JSON frames):
- The watch connects, then sends ``{"action": "auth", "token": "<device token>"}`` within ``WATCH_AUTH_SECONDS``
  (a browser cannot set headers on a WebSocket, and a token in the URL would land in access logs).
  Close codes: 4401 no or unknown token (or too late), 4403 revoked or expired token (``DEVICE_TOKEN_DAYS``), 4408
  silent for longer than ``WATCH_TIMEOUT_SECONDS``, 4429 too many unknown tokens from this client
  (``THROTTLE_DEVICE_TOKENS``): an error frame with the message and ``retry_after`` (seconds) comes first.
- The server answers ``{"type": "ready", "wearable", "branch", "branches", "categories", "heartbeat": {"interval",
  "timeout"}}`` (branches and category names of the watch's organisation only)
  and, when the watch is bound, sends every open task of its branch it has not acknowledged (``task`` frames).
- Heartbeats both ways: the server sends ``{"type": "ping"}`` every interval; the watch answers ``{"action":
  "pong"}`` and may send ``{"action": "ping"}`` itself (answered with ``pong``). Any frame counts as a sign of life.
- ``{"action": "bind", "branch": "<code>"}`` → ``bound`` and the branch's open tasks;
  ``{"action": "ack", "task": id}``; ``{"action": "accept", "task": id}`` → ``accepted`` to the winner and
  ``taken`` to every watch of the branch; ``{"action": "start", "task": id}`` and ``{"action": "end", "task": id,
  "success": bool, "product": id or null, "preferences": [...]}`` (B8) → ``ended`` with the match tier and score,
  and ``status`` to the branch; ``{"action": "segment", "task": id, "text": "…"}`` during a started task (B7) →
  ``recommendations`` when the customer's words change the top 3.
- A malformed or unknown frame gets ``{"type": "error", "message"}``; the connection stays open.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone, translation

from base.frames import JsonFramesConsumer
from base.socket_auth import CLOSE_FORBIDDEN, CLOSE_TOO_MANY, CLOSE_UNAUTHENTICATED, socket_language
from base.throttle import FailureThrottle, client_of, wait_message
from branch.delivery import TaskRefusedError, accept, acknowledge, bind, frame_of, missed_frames
from branch.demand import SegmentRefusedError, add_segment, audio_task, hear
from branch.feedback import FeedbackRefusedError, end_task, start_task
from branch.models import Branch, Task, Wearable
from branch.tokens import wearable_for_token
from branch.watch_pushes import announce_status, announce_taken, group_for_branch
from crm.models import ProductCategory
from dialogue.speech.utterances import StreamError, UtteranceCutter, pcm16_to_float

CLOSE_SILENT = 4408
LAST_SEEN_EVERY = 60.0  # seconds between last-seen writes, so 1,000 idle watches do not write every heartbeat


class WearableConsumer(JsonFramesConsumer):
    wearable: Wearable | None = None
    group: str | None = None
    max_frame_chars = 96_000  # an audio frame: about 2 s of 16 kHz PCM in base64

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hearing: dict[int, tuple] = {}  # task id → (task, language, UtteranceCutter)

    async def connect(self) -> None:
        await self.accept()
        self.last_heard = self.last_ping = time.monotonic()
        self.last_seen_saved = 0.0
        self.watchdog = asyncio.create_task(self._watch())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "watchdog", None):
            self.watchdog.cancel()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        self.last_heard = time.monotonic()
        action = content.get("action") if isinstance(content, dict) else None
        if self.wearable is None:
            await self._authenticate(content if action == "auth" else None)
            return
        handler = {
            "ping": self._ping,
            "pong": self._pong,
            "bind": self._bind,
            "ack": self._ack,
            "accept": self._accept,
            "start": self._start,
            "segment": self._segment,
            "audio": self._audio,
            "end": self._end,
        }.get(action)
        if handler is None:
            await self.send_error(
                "Unknown frame: send an action of ping, pong, bind, ack, accept, start, segment, audio or end."
            )
            return
        await handler(content)

    # --- authentication and heartbeats ---------------------------------------------------------------------
    async def _authenticate(self, content: dict | None) -> None:
        token = content.get("token") if content else None
        wearable, wait = await database_sync_to_async(_admit_watch)(token, client_of(self.scope))
        if wait is not None:
            with translation.override(socket_language(self.scope)):
                message = wait_message(wait)
            await self.send_json({"type": "error", "message": message, "retry_after": wait})
            await self.close(code=CLOSE_TOO_MANY)
            return
        if wearable is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if wearable.is_revoked or wearable.token_expired:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.wearable = wearable
        branches, categories = await database_sync_to_async(_branches_and_categories)(wearable)
        await self.send_json(
            {
                "type": "ready",
                "wearable": wearable.device_id,
                "branch": wearable.branch.code if wearable.branch_id else None,
                "branches": branches,
                "categories": categories,
                "heartbeat": {"interval": settings.WATCH_HEARTBEAT_SECONDS, "timeout": settings.WATCH_TIMEOUT_SECONDS},
            }
        )
        await self._touch(force=True)
        if wearable.branch_id:
            await self._join_branch()

    async def _watch(self) -> None:
        """Ping every interval; close a watch that stayed silent past the timeout (or never authenticated)."""
        started = time.monotonic()
        while True:
            await asyncio.sleep(min(settings.WATCH_HEARTBEAT_SECONDS, settings.WATCH_AUTH_SECONDS, 5))
            now = time.monotonic()
            if self.wearable is None and now - started > settings.WATCH_AUTH_SECONDS:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            if now - self.last_heard > settings.WATCH_TIMEOUT_SECONDS:
                await self.close(code=CLOSE_SILENT)
                return
            if self.wearable is not None and now - self.last_ping >= settings.WATCH_HEARTBEAT_SECONDS:
                self.last_ping = now
                await self.send_json({"type": "ping"})

    async def _ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})
        await self._touch()

    async def _pong(self, content: dict) -> None:
        await self._touch()

    async def _touch(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last_seen_saved >= LAST_SEEN_EVERY:
            self.last_seen_saved = now
            await database_sync_to_async(_save_last_seen)(self.wearable.pk)

    # --- branch and tasks ------------------------------------------------------------------------------------
    async def _bind(self, content: dict) -> None:
        try:
            branch = await database_sync_to_async(bind)(self.wearable, content.get("branch"))
        except TaskRefusedError as error:
            await self.send_error(str(error))
            return
        await self.send_json({"type": "bound", "branch": branch.code, "name": branch.name})
        await self._join_branch()

    async def _join_branch(self) -> None:
        group = group_for_branch(self.wearable.branch_id)
        if self.group and self.group != group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        for frame in await database_sync_to_async(missed_frames)(self.wearable):
            await self.send_json({"type": "task", "task": frame})

    async def _ack(self, content: dict) -> None:
        try:
            await database_sync_to_async(acknowledge)(self.wearable, content.get("task"))
        except TaskRefusedError as error:
            await self.send_error(str(error))

    async def _accept(self, content: dict) -> None:
        try:
            task = await database_sync_to_async(accept)(self.wearable, content.get("task"))
        except TaskRefusedError as error:
            await self.send_error(str(error))
            return
        frame = await database_sync_to_async(frame_of)(task.pk)
        await self.send_json({"type": "accepted", "task": frame})
        await database_sync_to_async(announce_taken)(task.branch_id, task.pk, self.wearable.pk, frame["taken_by"])

    async def _start(self, content: dict) -> None:
        try:
            task = await database_sync_to_async(start_task)(self.wearable, content.get("task"))
        except FeedbackRefusedError as error:
            await self.send_error(str(error))
            return
        await database_sync_to_async(announce_status)(task.branch_id, task.pk, task.status)

    async def _segment(self, content: dict) -> None:
        """``{"action": "segment", "task": id, "text": "…"}`` (B7) → ``recommendations`` when the top 3 changed."""
        try:
            update = await database_sync_to_async(_add_segment)(self.wearable, content.get("task"), content.get("text"))
        except (SegmentRefusedError, TaskRefusedError) as error:
            await self.send_error(str(error))
            return
        if update is not None:
            await self.send_json(
                {"type": "recommendations", "task": update.task_id, "recommendations": update.recommendations}
            )

    async def _audio(self, content: dict) -> None:
        """``{"action": "audio", "task": id, "pcm": "<base64 of 16 kHz mono 16-bit PCM>"}`` during a started task
        (B7): cut at pauses and recognised by the call assistant's speech service → ``transcript`` per sentence and
        ``recommendations`` when the top 3 changed."""
        task_id = content.get("task")
        try:
            data = base64.b64decode(content.get("pcm") or "", validate=True)
            samples = pcm16_to_float(data)
            if task_id not in self.hearing:
                self.hearing[task_id] = (*await database_sync_to_async(audio_task)(self.wearable.pk, task_id),
                                         UtteranceCutter())  # fmt: skip
        except (binascii.Error, StreamError) as error:
            await self.send_error(f"pcm: {error}" if isinstance(error, binascii.Error) else str(error))
            return
        except SegmentRefusedError as error:
            await self.send_error(str(error))
            return
        await self._hear(task_id, self.hearing[task_id][2].feed(samples))

    async def _hear(self, task_id: int, utterances: list) -> None:
        task, language, _ = self.hearing[task_id]
        for utterance in utterances:
            try:
                heard = await database_sync_to_async(hear, thread_sensitive=False)(
                    task, self.wearable.pk, utterance.samples, utterance.start, language
                )
            except SegmentRefusedError as error:
                await self.send_error(str(error))
                return
            for said, update in heard:
                await self.send_json({"type": "transcript", "task": task_id, "text": said})
                if update is not None:
                    await self.send_json(
                        {"type": "recommendations", "task": task_id, "recommendations": update.recommendations}
                    )

    async def _end(self, content: dict) -> None:
        """``{"action": "end", "task", "success", "product": id or null, "preferences": [...]}`` (B8)."""
        if content.get("task") in self.hearing:  # what the watch heard last still counts
            await self._hear(content["task"], self.hearing[content["task"]][2].flush())
            self.hearing.pop(content["task"], None)
        try:
            feedback = await database_sync_to_async(end_task)(
                self.wearable,
                content.get("task"),
                success=content.get("success"),
                product=content.get("product"),
                preferences=content.get("preferences", []),
            )
        except FeedbackRefusedError as error:
            await self.send_error(str(error))
            return
        await self.send_json(
            {"type": "ended", "task": feedback.task_id, "tier": feedback.tier, "match_score": feedback.match_score}
        )
        await database_sync_to_async(announce_status)(self.wearable.branch_id, feedback.task_id, "done")

    # --- pushed by the server ----------------------------------------------------------------------------------
    async def task_offered(self, event: dict[str, Any]) -> None:
        """The frame arrives finished and the delivery is already recorded: no database call per watch."""
        await self.send_json({"type": "task", "task": event["task"], "reminder": event.get("reminder", False)})

    async def task_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "status", "task": event["task_id"], "status": event["status"]})

    async def task_taken(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "taken",
                "task": event["task_id"],
                "by": event["by"],
                "mine": event["wearable_id"] == self.wearable.pk,
            }
        )


def _admit_watch(token: object, client: str) -> tuple[Wearable | None, int | None]:
    """(the watch holding ``token`` or None, None), or (None, seconds to wait) for a client that guessed too often.

    Once blocked, not even a correct token is looked at until the window ends; revoked tokens are real tokens, not
    guesses, so only unknown ones count.
    """
    guesses = FailureThrottle("device-tokens", *settings.THROTTLE_DEVICE_TOKENS)
    wait = guesses.retry_after(client)
    if wait is not None:
        return None, wait
    wearable = wearable_for_token(token)
    if wearable is None:
        guesses.failed(client)
    return wearable, None


def _branches_and_categories(wearable: Wearable) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The branches a watch may bind to and the category names it shows: its own organisation's only (issue 19)."""
    organisation = wearable.organisation_id
    branches = [{"code": b.code, "name": b.name} for b in Branch.objects.of(organisation).filter(is_active=True)]
    return branches, dict(ProductCategory.objects.of(organisation).values_list("code", "name"))


def _save_last_seen(wearable_id: int) -> None:
    Wearable.objects.filter(pk=wearable_id).update(last_seen_at=timezone.now())


def _add_segment(wearable: Wearable, task_id: object, text: object):  # noqa: ANN202 - DemandUpdate or None
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise TaskRefusedError("task must be a task id.")
    task = Task.objects.filter(pk=task_id, wearable=wearable).first()
    if task is None:
        raise TaskRefusedError("No such task of yours.")
    return add_segment(task, wearable.pk, text)[1]
