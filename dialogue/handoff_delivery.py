"""Delivering a hand-off to the salesperson (SPEC S13) through pluggable notifiers, after commit.

In-app push always: to the terminal group of the person it is offered to (``sales.<user_id>``) and to the managers'
group (managers see every hand-off). E-mail through Django's e-mail backend and SMS through ``dialogue.sms``, when
``HANDOFF_CHANNELS`` lists them, only reach a person who is not online in the terminal (``dialogue.presence``), and at
most once per conversation in ``HANDOFF_NOTIFY_BATCH_SECONDS``: a customer who keeps the chat busy does not flood
the salesperson's phone. Each channel's result is stored on the hand-off row, so a failed e-mail is visible and never
blocks the in-app push.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any, Literal, TypedDict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from base.pushes import Frame, push_after_commit, push_now
from crm import tenancy
from crm.models import User
from dialogue.models import HandOff
from dialogue.presence import online_users
from dialogue.sms import sms_backend

logger = logging.getLogger(__name__)


def managers_groups_for(organisation_id: int | None) -> list[str]:
    """The terminals of the managers of one organisation (``managers.<id>``) and of superusers above them all: managers
    see their own organisation's hand-offs, conversations and calls, never another's (issue 19)."""
    return tenancy.managers_groups(organisation_id)


def manager_group_of(user: User) -> str:
    """The managers' group a manager's terminal joins."""
    return tenancy.managers_group(user.organisation_id)


def group_for_salesperson(user_id: int) -> str:
    return f"sales.{user_id}"


class HandoffCreated(TypedDict):
    type: Literal["handoff.created"]
    handoff_id: int
    push: dict[str, Any]  # HandOff.push_message (dialogue.handoff.build_push_message)


def push_to_salesperson(user_id: int, frame: Frame) -> None:
    """Send ``frame`` (its ``type`` names the consumer handler) to every open terminal of the salesperson, once the
    current transaction commits."""
    push_after_commit(group_for_salesperson(user_id), frame)


def _inapp(handoff: HandOff, recipients: list[User]) -> str:
    """Runs after the hand-off's commit (from its task), so it pushes now and can tell whether the push went out."""
    frame = HandoffCreated(type="handoff.created", handoff_id=handoff.pk, push=handoff.push_message)
    # Managers get it once, through their group.
    organisation = handoff.conversation.customer.organisation_id
    groups = [
        *(group_for_salesperson(user.pk) for user in recipients if not user.is_manager),
        *managers_groups_for(organisation),
    ]
    return "pushed" if push_now(groups, frame) else "failed: the channel layer could not be reached"


def _quiet_reason(handoff: HandOff, recipients: list[User], channel: str) -> str | None:
    """Why an e-mail or SMS is not sent now: everyone is online, or this conversation was told a moment ago."""
    online = online_users(user.pk for user in recipients)
    if recipients and all(user.pk in online for user in recipients):
        return "skipped: online in the terminal"
    window = timezone.now() - datetime.timedelta(seconds=settings.HANDOFF_NOTIFY_BATCH_SECONDS)
    earlier = HandOff.objects.filter(conversation_id=handoff.conversation_id, created_at__gte=window).exclude(
        pk=handoff.pk
    )
    for deliveries in earlier.values_list("deliveries", flat=True):
        if str((deliveries or {}).get(channel, "")).startswith("sent"):
            return "skipped: batched with this conversation's earlier notice"
    return None


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
    return ", ".join(backend.send(phone, _sms_text(handoff.push_message)) for phone in phones)


def _sms_text(push: dict) -> str:
    text = push.get("summary") or push["title"]
    return text if len(text) <= 200 else text[:199] + "…"


def recipients_of(handoff: HandOff) -> list[User]:
    """The person it is offered to (by default the conversation's salesperson); with nobody, the managers of the
    customer's organisation."""
    organisation = handoff.conversation.customer.organisation_id
    for person in (handoff.assignee, handoff.conversation.salesperson):
        if person is not None and person.is_active and person.organisation_id in (organisation, None):
            return [person]
    return list(tenancy.managers_of(organisation))


NOTIFIERS: dict[str, Callable[[HandOff, list[User]], str]] = {"inapp": _inapp, "email": _email, "sms": _sms}


def deliver_handoff(handoff_id: int) -> dict[str, str]:
    """Send the hand-off on every configured channel; store and return each channel's result."""
    handoff = (
        HandOff.objects.select_related("conversation__salesperson", "conversation__customer", "assignee")
        .filter(pk=handoff_id)
        .first()
    )
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
        quiet = _quiet_reason(handoff, recipients, channel) if channel != "inapp" else None
        if quiet is not None:
            results[channel] = quiet
            continue
        try:
            results[channel] = notifier(handoff, recipients)
        except Exception as error:  # one broken channel must not stop the others
            logger.exception("Hand-off %s: %s delivery failed", handoff.pk, channel)
            results[channel] = f"failed: {error}"
    HandOff.objects.filter(pk=handoff.pk).update(deliveries=results)
    return results
