"""Sockets of the project package: the card chat ``/ws/card/<token>/``, the sales terminal ``/ws/sales/`` and
the operations socket ``/ws/ops/`` (managers watch pipeline probes complete in real time).

Ops socket:

Frames from the client: ``{"action": "probe", "queues": ["inference", …]}`` (queues optional).
Frames to the client: ``{"type": "probes.requested", "probes": […]}``, ``{"type": "probe.completed",
"probe": {…}}`` and ``{"type": "error", "message": "…"}``.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from base.frames import JsonFramesConsumer, admit
from base.socket_auth import (
    CLOSE_FORBIDDEN,
    CLOSE_GONE,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_MANY,
    CLOSE_UNAUTHENTICATED,
    refuse,
)
from base.throttle import client_of
from crm.access import can_use_terminal
from dialogue import presence
from dialogue.calls.consumers import CallFramesMixin
from dialogue.conversation_pushes import group_for_conversation
from dialogue.handoff_delivery import group_for_salesperson, manager_group_of
from dialogue.text import MAX_REPLY_CHARS
from salescard.card_access import DEVICE_COOKIE, device_from_cookie
from salescard.card_chat import (
    ChatClosedError,
    ChatRefusedError,
    NotTheCustomerError,
    continue_session,
    customer_says,
    customer_view,
    missed_messages,
    open_session,
)
from salescard.card_views import token_throttle
from salescard.cards import LinkGoneError, LinkNotFoundError
from salescard.notify import OPS_GROUP
from salescard.pipeline import ALL_QUEUES, describe_probe
from salescard.services import ui_language
from salescard.tasks import request_probes
from salescard.terminal import watchable_messages


class OpsConsumer(JsonFramesConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, CLOSE_UNAUTHENTICATED)
            return
        if not user.is_manager:
            await refuse(self, CLOSE_FORBIDDEN)
            return
        await self.channel_layer.group_add(OPS_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(OPS_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict) or content.get("action") != "probe":
            await self.send_error('Unknown frame: send {"action": "probe", "queues": [...]}.')
            return
        queues = content.get("queues", list(ALL_QUEUES))
        if not isinstance(queues, list) or not queues or not all(q in ALL_QUEUES for q in queues):
            await self.send_error(f"queues must be a non-empty list drawn from {', '.join(ALL_QUEUES)}.")
            return
        probes = await database_sync_to_async(request_probes)(self.scope["user"], queues)
        await self.send_json({"type": "probes.requested", "probes": [describe_probe(p) for p in probes]})

    async def probe_completed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "probe.completed", "probe": event["probe"]})


# The card's error frames, shown to the customer as they are: in the card's language (issue 17 item 6).
CARD_ERRORS = {
    "binary": gettext_noop("The chat only takes text messages."),
    "frame too large": gettext_noop("The message is too long: at most %(limit)s characters."),
    "unknown": gettext_noop("The chat did not understand this request. Reload the page to go on."),
    "after": gettext_noop("The chat could not fetch the earlier messages. Reload the page to see them."),
    "not text": gettext_noop("Send the message as text."),
    "empty": gettext_noop("Write a message first."),
    "too long": gettext_noop("The message is too long: %(count)s characters, at most %(limit)s."),
}


def card_error(language: str, key: str, **values: object) -> str:
    """An error frame's text in the card's UI language (``language``: the customer's zh-hans, yue or en)."""
    with override(ui_language(language)):
        return _(CARD_ERRORS[key]) % values if values else _(CARD_ERRORS[key])


class CardChatConsumer(JsonFramesConsumer):
    """``/ws/card/<token>/``: the customer's chat on the card (S9, S11–S14). The link's token is the credential.

    Client frames: ``{"action": "resume", "after": <last message id>}`` (sent on every (re)connect) and
    ``{"action": "say", "text": "…"}``. Server frames: ``ready``, ``message``, ``state``, ``suggestions``, ``error``.
    Close codes: 4403 a personal link on a browser not bound to it, 4404 unknown link, 4410 revoked or expired link,
    4429 too many unknown links from this client.
    """

    async def connect(self) -> None:
        token = self.scope["url_route"]["kwargs"]["token"]
        device = device_from_cookie((self.scope.get("cookies") or {}).get(DEVICE_COOKIE))
        throttle, client = token_throttle(), client_of(self.scope)
        if await database_sync_to_async(throttle.retry_after)(client) is not None:
            await refuse(self, CLOSE_TOO_MANY)
            return
        try:
            self.session = await database_sync_to_async(open_session)(token, device)
        except LinkNotFoundError:
            await database_sync_to_async(throttle.failed)(client)
            await refuse(self, CLOSE_NOT_FOUND)
            return
        except LinkGoneError:
            await refuse(self, CLOSE_GONE)
            return
        except NotTheCustomerError:
            await refuse(self, CLOSE_FORBIDDEN)
            return
        self.group = group_for_conversation(self.session.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "ready", "state": self.session.state})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def send_card_error(self, key: str, **values: object) -> None:
        # A frame may still arrive on a socket refused before its session was known: answer in the default language.
        session = getattr(self, "session", None)
        await self.send_error(card_error(session.language if session else settings.LANGUAGE_CODE, key, **values))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if text_data is None:
            await self.send_card_error("binary")
        elif len(text_data) > self.max_frame_chars:
            await self.send_card_error("frame too large", limit=MAX_REPLY_CHARS)
        else:
            await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content: Any, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "resume":
            after = content.get("after", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self.send_card_error("after")
                return
            for message in await database_sync_to_async(missed_messages)(self.session, after):
                await self.send_json({"type": "message", "message": message})
        elif action == "say":
            refusal = _text_refusal(content.get("text"))
            if refusal is not None:
                await self.send_card_error(refusal[0], **refusal[1])
                return
            try:
                try:
                    await database_sync_to_async(customer_says)(self.session, content.get("text"))
                except ChatClosedError:  # the salesperson closed the chat: this message starts a new one
                    await self._continue()
                    await database_sync_to_async(customer_says)(self.session, content.get("text"))
            except ChatRefusedError as error:
                await self.send_error(str(error))
        else:
            await self.send_card_error("unknown")

    async def _continue(self) -> None:
        """A message after the salesperson closed the chat starts a new conversation: follow it."""
        fresh = await database_sync_to_async(continue_session)(self.session)
        if fresh.conversation_id == self.session.conversation_id:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        self.session, self.group = fresh, group_for_conversation(fresh.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "state", "state": fresh.state, "salesperson": ""})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", "message": customer_view(self.session, event["message"])})

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "state": event["state"], "salesperson": event["salesperson"]})

    async def chat_suggestions(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "suggestions", "suggestions": event["suggestions"]})


def _text_refusal(text: object) -> tuple[str, dict[str, object]] | None:
    """Why a "say" frame's text cannot be a message (the card's error key and its values), or None."""
    if not isinstance(text, str):
        return "not text", {}
    stripped = text.strip()
    if not stripped:
        return "empty", {}
    if len(stripped) > MAX_REPLY_CHARS:
        return "too long", {"count": len(stripped), "limit": MAX_REPLY_CHARS}
    return None


class SalesConsumer(CallFramesMixin, JsonFramesConsumer):
    """``/ws/sales/``: the salesperson's terminal (S13). Signed-in salespeople and managers only.

    It joins the inbox groups (``sales.<user_id>``, and ``managers.<organisation id>`` for managers). Client frames:
    ``{"action": "watch", "conversation": <id>, "after": <last message id>}`` to follow one conversation live
    (missed messages first) and ``{"action": "unwatch"}``. Server frames: ``handoff``, ``conversation``,
    ``message`` (with the analysis), ``state``, ``error``, and for the call page ``call.status``, ``call.segment`` and
    ``call.suggestions`` (``dialogue.calls.pushes``).
    """

    async def connect(self) -> None:
        user = await admit(self, can_use_terminal)
        if user is None:
            return
        # A manager hears only their organisation's hand-offs, chats and calls (issue 19).
        self.groups_joined = [group_for_salesperson(user.pk)] + ([manager_group_of(user)] if user.is_manager else [])
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.watching: str | None = None
        await self.accept()
        await database_sync_to_async(presence.arrived)(user.pk, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []) + ([self.watching] if getattr(self, "watching", None) else []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "groups_joined"):
            await database_sync_to_async(presence.left)(self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "watch":
            conversation_id, after = content.get("conversation"), content.get("after", 0)
            if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (conversation_id, after)):
                await self.send_error("conversation and after must be ids (numbers).")
                return
            missed = await database_sync_to_async(watchable_messages)(self.scope["user"], conversation_id, after)
            if missed is None:
                await self.send_error("No such conversation among yours.")
                return
            await self._unwatch()
            self.watching = group_for_conversation(conversation_id)
            await self.channel_layer.group_add(self.watching, self.channel_name)
            for message in missed:
                await self.send_json({"type": "message", "conversation_id": conversation_id, "message": message})
        elif action == "unwatch":
            await self._unwatch()
        elif action == "ping":  # the terminal is open: its user is online (e-mail and SMS wait)
            await database_sync_to_async(presence.seen)(self.scope["user"].pk, self.channel_name)
            await self.send_json({"type": "pong"})
        else:
            await self.send_error(
                'Unknown frame: send {"action": "watch", "conversation": <id>} or {"action": "unwatch"}.'
            )

    async def _unwatch(self) -> None:
        if self.watching:
            await self.channel_layer.group_discard(self.watching, self.channel_name)
            self.watching = None

    async def handoff_created(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "handoff", "handoff_id": event["handoff_id"], "push": event["push"]})

    async def branch_escalated(self, event: dict[str, Any]) -> None:
        """A branch task nobody took (the branch manager's terminal)."""
        await self.send_json(
            {"type": "escalation", "task": event["task_id"], "branch": event["branch"], "text": event["text"]}
        )

    async def conversation_updated(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "conversation", "conversation": event["conversation"]})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "message", "conversation_id": event["conversation_id"], "message": event["message"]}
        )

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "state",
                "conversation_id": event["conversation_id"],
                "state": event["state"],
                "salesperson": event["salesperson"],
            }
        )

    async def chat_suggestions(self, event: dict[str, Any]) -> None:
        """The customer's chips; the terminal does not show them."""
