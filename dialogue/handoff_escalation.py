"""A hand-off nobody accepts moves on (issue 17 item 1): to the next colleague, then the managers, and the customer is
told each time.

A pending hand-off offered to someone who has not accepted within ``handoff_accept_seconds`` (manager-editable) is
offered to the next person: the customer's linked colleagues by closeness (SPEC P4) who use the sales terminal,
then the managers, skipping everyone it was offered to before. When nobody is left it stays with the last one and
the customer is asked to leave a number. Each move is a conditional update on ``offered_at``, so several processes
sweeping at once move a hand-off once.

The sweep is a periodic job every ``HANDOFF_SWEEP_SECONDS`` (``salescard.housekeeping``: in the web process on the
embedded default, from Celery beat in the distributed setup), and runs when a customer writes to a waiting chat and
from ``manage.py sweep_handoffs``.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from crm import tenancy
from crm.im_profile.closeness import rank_staff
from crm.models import User
from dialogue import chat_notes
from dialogue.config import ScoringValues, get_scoring
from dialogue.conversation_pushes import publish_messages
from dialogue.handoff import build_push_message, deliver_after_commit
from dialogue.models import Conversation, HandOff, Message, ScoringSettings, Situation

logger = logging.getLogger(__name__)
TERMINAL_ROLES = (User.Role.SALES, User.Role.MANAGER)


@dataclass(frozen=True)
class Escalation:
    handoff_id: int
    conversation_id: int
    to: int | None  # the user it is offered to now; None when nobody was left
    message_id: int | None  # the note the customer got


def next_candidates(handoff: HandOff) -> list[User]:
    """Who the hand-off may go to next, best first: linked colleagues by closeness, then the managers."""
    tried = {step.get("user") for step in handoff.escalations} | {handoff.assignee_id}
    customer = handoff.conversation.customer
    colleagues = [c.staff for c in rank_staff(customer) if c.staff.role in TERMINAL_ROLES]
    managers = list(tenancy.managers_of(customer.organisation_id))  # the customer's company's only
    seen: set[int] = set()
    ordered = []
    for user in [*colleagues, *managers]:
        if user.pk in tried or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        ordered.append(user)
    return ordered


def escalate(handoff: HandOff, now: datetime.datetime) -> Escalation | None:
    """Offer one overdue hand-off to the next person and tell the customer; None when another process did it."""
    candidates = next_candidates(handoff)
    target = candidates[0] if candidates else None
    previous = handoff.assignee
    with transaction.atomic():
        history = [
            *handoff.escalations,
            {"user": handoff.assignee_id, "offered_at": handoff.offered_at.isoformat() if handoff.offered_at else ""},
        ]
        moved = HandOff.objects.filter(
            pk=handoff.pk, status=HandOff.Status.PENDING, offered_at=handoff.offered_at
        ).update(
            assignee=target or previous,
            offered_at=now,
            escalations=history,
        )
        if not moved:
            return None
        conversation = handoff.conversation
        language = conversation.language
        recent = list(
            conversation.messages.filter(sender=Message.Sender.BOT).order_by("-pk").values_list("text", flat=True)[:3]
        )
        if target is not None:
            text = chat_notes.pick(
                "passed_on",
                language,
                recent,
                previous=_name(previous) or chat_notes.someone(language),
                colleague=_name(target),
            )
        else:
            text = chat_notes.pick("nobody_free", language, recent)
        note = Message.objects.create(
            conversation=conversation,
            sender=Message.Sender.BOT,
            text=text,
            language=language,
            situation=Situation.ACKNOWLEDGE,
        )
        if target is not None:
            push = build_push_message(conversation, handoff.reason, handoff.detail, target)
            push["escalated"] = True
            push["previous"] = {"id": previous.pk, "name": _name(previous)} if previous else None
            HandOff.objects.filter(pk=handoff.pk).update(push_message=push)
            deliver_after_commit(handoff.pk)
        publish_messages(conversation.pk, [note.pk])
    logger.info("Hand-off %s offered to %s after %s did not accept", handoff.pk, target, previous)
    return Escalation(handoff.pk, conversation.pk, target.pk if target else None, note.pk)


def sweep_handoffs(now: datetime.datetime | None = None) -> list[Escalation]:
    """Move every pending hand-off that waited longer than the accept time (a nobody-left one is not moved again)."""
    now = now or timezone.now()
    # Each organisation may set its own accept time (issue 19): the shortest bounds the query, each hand-off is then
    # held to its organisation's.
    shortest = ScoringSettings.objects.aggregate(least=Min("handoff_accept_seconds"))["least"]
    window = datetime.timedelta(seconds=shortest or ScoringValues().handoff_accept_seconds)
    overdue = (
        HandOff.objects.filter(
            status=HandOff.Status.PENDING,
            offered_at__lte=now - window,
            conversation__state=Conversation.State.WAITING,
        )
        .select_related("conversation__customer", "assignee")
        .order_by("offered_at")[:100]
    )
    done = []
    for handoff in overdue:
        if handoff.escalations and handoff.escalations[-1].get("user") == handoff.assignee_id:
            continue  # nobody was left last time: the customer was told, the hand-off stays
        accept = get_scoring(handoff.conversation.customer.organisation_id).handoff_accept_seconds
        if handoff.offered_at > now - datetime.timedelta(seconds=accept):
            continue  # its organisation gives more time to accept
        result = escalate(handoff, now)
        if result is not None:
            done.append(result)
    return done


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username
