"""Delivering a hand-off to the salesperson (SPEC S13) through pluggable notifiers, after commit.

In-app push to the salesperson's terminal group ``sales.<user_id>`` always (to the managers' when nobody owns
the chat); e-mail through Django's e-mail
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

from crm.models import User
from dialogue.models import HandOff
from dialogue.sms import sms_backend

logger = logging.getLogger(__name__)


def group_for_salesperson(user_id: int) -> str:
    return f"sales.{user_id}"


def push_to_salesperson(user_id: int, message: dict[str, Any]) -> None:
    """Send ``message`` (its ``type`` names the consumer handler) to every open terminal of the salesperson."""
    async_to_sync(get_channel_layer().group_send)(group_for_salesperson(user_id), message)


def _inapp(handoff: HandOff, recipients: list[User]) -> str:
    for user in recipients:
        push_to_salesperson(
            user.pk, {"type": "handoff.created", "handoff_id": handoff.pk, "push": handoff.push_message}
        )
    return "pushed"


def _email(handoff: HandOff, recipients: list[User]) -> str:
    addresses = [user.email for user in recipients if user.email]
    if not addresses:
        return "skipped: no e-mail address"
    push = handoff.push_message
    send_mail(push["title"], push["text"], None, addresses)
    return "sent"


def _sms(handoff: HandOff, recipients: list[User]) -> str:
    phones = [user.phone for user in recipients if user.phone]
    if not phones:
        return "skipped: no phone number"
    backend = sms_backend()
    return ", ".join(backend.send(phone, handoff.push_message["title"]) for phone in phones)


def recipients_of(handoff: HandOff) -> list[User]:
    """The conversation's salesperson; a chat nobody owns (a card visitor without an owner) goes to the managers."""
    salesperson = handoff.conversation.salesperson
    if salesperson is not None and salesperson.is_active:
        return [salesperson]
    return list(User.objects.filter(role=User.Role.MANAGER, is_active=True).order_by("pk"))


NOTIFIERS: dict[str, Callable[[HandOff, list[User]], str]] = {"inapp": _inapp, "email": _email, "sms": _sms}


def deliver_handoff(handoff_id: int) -> dict[str, str]:
    """Send the hand-off on every configured channel; store and return each channel's result."""
    handoff = HandOff.objects.select_related("conversation__salesperson").filter(pk=handoff_id).first()
    if handoff is None:
        return {}
    recipients = recipients_of(handoff)
    if not recipients:
        HandOff.objects.filter(pk=handoff.pk).update(deliveries={"inapp": "skipped: nobody to notify"})
        return {"inapp": "skipped: nobody to notify"}
    channels = ["inapp", *(c for c in settings.HANDOFF_CHANNELS if c != "inapp")]
    results: dict[str, str] = {}
    for channel in channels:
        notifier = NOTIFIERS.get(channel)
        if notifier is None:
            results[channel] = "skipped: unknown channel"
            continue
        try:
            results[channel] = notifier(handoff, recipients)
        except Exception as error:  # one broken channel must not stop the others
            logger.exception("Hand-off %s: %s delivery failed", handoff.pk, channel)
            results[channel] = f"failed: {error}"
    HandOff.objects.filter(pk=handoff.pk).update(deliveries=results)
    return results
