"""Queue tickets (SPEC B3): a customer takes a number → a target customer → a task for the branch's watches.

A ticket is idempotent on (branch, number, day): the kiosk may send it again and gets the same task. The
customer is found by the hash of their ID number (from earlier tickets), then by phone; otherwise a walk-in
lead is created. The analysis runs after commit on the ``inference`` queue (in the web process's background thread
on the embedded default, so the kiosk is answered at once), and the task is pushed to the branch's watches when it
is ready.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from branch.models import Branch, QueueTicket, Task
from branch.tasks import enqueue_analysis
from crm import tenancy
from crm.models import Customer, phone_validator

MAX_NUMBER_CHARS = 20
MAX_BUSINESS_CHARS = 100


class TicketRefusedError(ValueError):
    """The ticket cannot be taken; the message says which field is wrong."""


@dataclass(frozen=True)
class TakenTicket:
    ticket: QueueTicket
    task: Task
    created: bool


def id_number_hash(id_number: str) -> str:
    """ID numbers are never stored; the hash (with the secret key, so it cannot be looked up in a table of all
    ID numbers) recognises the customer at the next visit."""
    normalised = id_number.strip().upper()
    return hashlib.sha256(f"{settings.SECRET_KEY}:{normalised}".encode()).hexdigest()


def take_ticket(
    branch: Branch,
    *,
    number: str,
    id_number: str = "",
    phone: str = "",
    business: str = "",
    taken_at: datetime.datetime | None = None,
) -> TakenTicket:
    number, id_number, phone, business = (v.strip() for v in (number, id_number, phone, business))
    _validate(number, id_number, phone, business)
    taken_at = taken_at or timezone.now()
    day = timezone.localdate(taken_at)
    hashed = id_number_hash(id_number) if id_number else ""
    try:
        with transaction.atomic():
            existing = QueueTicket.objects.filter(branch=branch, number=number, day=day).select_related("task").first()
            if existing is not None:
                return TakenTicket(existing, existing.task, False)
            customer = identify_customer(hashed, phone, number, branch.organisation_id)
            ticket = QueueTicket.objects.create(
                branch=branch,
                number=number,
                day=day,
                customer=customer,
                id_number_hash=hashed,
                phone=phone,
                business=business,
                taken_at=taken_at,
            )
            task = Task.objects.create(
                branch=branch,
                customer=customer,
                ticket=ticket,
                business=business,
                reminders=list(settings.BRANCH_REMINDERS),
            )
    except IntegrityError:  # the same ticket arrived twice at once: the other request created it
        ticket = QueueTicket.objects.select_related("task").get(branch=branch, number=number, day=day)
        return TakenTicket(ticket, ticket.task, False)
    enqueue_analysis(task.pk)
    return TakenTicket(ticket, task, True)


def identify_customer(hashed_id: str, phone: str, number: str, organisation: int) -> Customer:
    """The customer of the branch's organisation with this ID number (an earlier ticket) or phone, else a new one
    there: a customer known to two companies is two customers (issue 19)."""
    if hashed_id:
        earlier = tenancy.scoped(QueueTicket.objects.filter(id_number_hash=hashed_id), organisation)
        earlier = earlier.select_related("customer").first()
        if earlier is not None:
            return earlier.customer
    if phone:
        known = Customer.objects.of(organisation).filter(phone=phone).order_by("pk").first()
        if known is not None:
            return known
    return Customer.objects.create(
        name=f"到店客户 {number}", phone=phone, source=Customer.Source.BRANCH, organisation_id=organisation
    )


def set_target_customer(branch: Branch, customer: Customer, business: str = "") -> Task:
    """Staff name the customer by hand (from the watch or the admin): a task without a ticket."""
    if len(business) > MAX_BUSINESS_CHARS:
        raise TicketRefusedError(f"business: at most {MAX_BUSINESS_CHARS} characters.")
    if customer.organisation_id != branch.organisation_id:
        raise TicketRefusedError("customer: no such customer.")  # another company's customer is nobody here
    with transaction.atomic():
        task = Task.objects.create(
            branch=branch, customer=customer, business=business, reminders=list(settings.BRANCH_REMINDERS)
        )
    enqueue_analysis(task.pk)
    return task


def _validate(number: str, id_number: str, phone: str, business: str) -> None:
    if not number:
        raise TicketRefusedError("number: the ticket number is required.")
    if len(number) > MAX_NUMBER_CHARS:
        raise TicketRefusedError(f"number: at most {MAX_NUMBER_CHARS} characters.")
    if not id_number and not phone:
        raise TicketRefusedError("id_number or phone: one of them identifies the customer.")
    if id_number and not (6 <= len(id_number) <= 30 and id_number.replace("-", "").isalnum()):
        raise TicketRefusedError("id_number: 6–30 letters and digits.")
    if phone:
        try:
            phone_validator(phone)
        except Exception as error:  # noqa: BLE001 - Django's ValidationError; the message is what matters
            raise TicketRefusedError("phone: not a phone number.") from error
    if len(business) > MAX_BUSINESS_CHARS:
        raise TicketRefusedError(f"business: at most {MAX_BUSINESS_CHARS} characters.")
