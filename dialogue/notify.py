"""Delivering a hand-off to the salesperson (SPEC S13) through pluggable notifiers, after commit.

In-app push to the salesperson's terminal group ``sales.<user_id>`` always; e-mail through Django's e-mail
backend and SMS through ``dialogue.sms`` when ``HANDOFF_CHANNELS`` lists them. Each channel's result is stored
on the hand-off row, so a failed e-mail is visible and never blocks the in-app push.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail

from dialogue.models import HandOff
from dialogue.sms import sms_backend

logger = logging.getLogger(__name__)


def group_for_salesperson(user_id: int) -> str:
    return f"sales.{user_id}"


def push_to_salesperson(user_id: int, message: dict[str, Any]) -> None:
    """Send ``message`` (its ``type`` names the consumer handler) to every open terminal of the salesperson."""
    async_to_sync(get_channel_layer().group_send)(group_for_salesperson(user_id), message)


def _inapp(handoff: HandOff) -> str:
    push_to_salesperson(
        handoff.conversation.salesperson_id,
        {"type": "handoff.created", "handoff_id": handoff.pk, "push": handoff.push_message},
    )
    return "pushed"


def _email(handoff: HandOff) -> str:
    address = handoff.conversation.salesperson.email
    if not address:
        return "skipped: the salesperson has no e-mail address"
    push = handoff.push_message
    send_mail(push["title"], push["text"], None, [address])
    return "sent"


def _sms(handoff: HandOff) -> str:
    phone = handoff.conversation.salesperson.phone
    if not phone:
        return "skipped: the salesperson has no phone number"
    return sms_backend().send(phone, handoff.push_message["title"])


NOTIFIERS: dict[str, Callable[[HandOff], str]] = {"inapp": _inapp, "email": _email, "sms": _sms}


def deliver_handoff(handoff_id: int) -> dict[str, str]:
    """Send the hand-off on every configured channel; store and return each channel's result."""
    handoff = HandOff.objects.select_related("conversation__salesperson").filter(pk=handoff_id).first()
    if handoff is None or handoff.conversation.salesperson_id is None:
        return {}
    channels = ["inapp", *(c for c in settings.HANDOFF_CHANNELS if c != "inapp")]
    results: dict[str, str] = {}
    for channel in channels:
        notifier = NOTIFIERS.get(channel)
        if notifier is None:
            results[channel] = "skipped: unknown channel"
            continue
        try:
            results[channel] = notifier(handoff)
        except Exception as error:  # one broken channel must not stop the others
            logger.exception("Hand-off %s: %s delivery failed", handoff.pk, channel)
            results[channel] = f"failed: {error}"
    HandOff.objects.filter(pk=handoff.pk).update(deliveries=results)
    return results
