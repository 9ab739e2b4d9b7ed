"""``/ws/customers/<id>/``: a profile sidebar's live connection (SPEC P6).

Authenticated by the session or ``Authorization: Token`` (see ``base.socket_auth``), or — from a sidebar framed
in an IM client, which has no cookie — by a first frame ``{"type": "auth", "token": "<access token>"}`` within
``WATCH_AUTH_SECONDS``. Only staff linked to the customer and managers join ``customer.<id>``.

Server frames: ``profile`` (``{"sections": {...}}``; every section on joining, the changed ones afterwards),
``erased`` (the customer's data was erased; the socket closes), ``pong``, ``error``.
Close codes: 4401 no or bad credentials, 4403 not linked to the customer, 4404 no such customer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from base.frames import JsonFramesConsumer
from base.socket_auth import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED
from crm.access import can_edit_customers, customer_exists_for
from crm.im_profile.pushes import group_for_customer
from crm.im_profile.sidebar_tokens import read_token
from salescard.sidebar import sections, visible_customer


@database_sync_to_async
def _authorise(user, customer_id: int) -> int:
    """0 when ``user`` may follow the customer, else the close code."""
    if not can_edit_customers(user):
        return CLOSE_FORBIDDEN
    if visible_customer(user, customer_id) is not None:
        return 0
    # Another organisation's customer does not exist for this user (issue 19): 4404, as for no customer at all.
    return CLOSE_FORBIDDEN if customer_exists_for(user, customer_id) else CLOSE_NOT_FOUND


@database_sync_to_async
def _sections(user, customer_id: int, names: list[str] | None) -> dict[str, Any] | None:
    customer = visible_customer(user, customer_id)
    return sections(customer, user, names) if customer else None


class ProfileConsumer(JsonFramesConsumer):
    user = None
    customer_id = 0
    joined = False
    _auth_timer: asyncio.Task | None = None

    async def connect(self) -> None:
        self.customer_id = int(self.scope["url_route"]["kwargs"]["customer_id"])
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self._join(user)
        else:
            self._auth_timer = asyncio.ensure_future(self._expect_auth())

    async def _expect_auth(self) -> None:
        await asyncio.sleep(settings.WATCH_AUTH_SECONDS)
        if not self.joined:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _join(self, user) -> None:
        refusal = await _authorise(user, self.customer_id)
        if refusal:
            await self.close(code=refusal)
            return
        self.user = user
        self.joined = True
        await self.channel_layer.group_add(group_for_customer(self.customer_id), self.channel_name)
        await self._send_sections(None)

    async def disconnect(self, code: int) -> None:
        if self._auth_timer:
            self._auth_timer.cancel()
        if self.joined:
            await self.channel_layer.group_discard(group_for_customer(self.customer_id), self.channel_name)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict):
            await self.send_error('Send a JSON object such as {"type": "ping"}.')
            return
        kind = content.get("type")
        if kind == "auth" and not self.joined:
            grant = await database_sync_to_async(read_token)(content.get("token"), link=False)
            if grant is None or grant[1] != self.customer_id:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            await self._join(grant[0])
        elif not self.joined:
            await self.send_error('Authenticate first: {"type": "auth", "token": "…"}.')
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "refresh":
            await self._send_sections(None)
        else:
            await self.send_error(f"Unknown frame type {kind!r}: send ping or refresh.")

    async def _send_sections(self, names: list[str] | None) -> None:
        data = await _sections(self.user, self.customer_id, names)
        if data is None:  # no longer linked (friendship removed, customer erased)
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({"type": "profile", "sections": data})

    async def profile_changed(self, event: dict[str, Any]) -> None:
        await self._send_sections(event["sections"])

    async def profile_erased(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "erased"})
        await self.close()
