"""Queue tickets (B3): idempotent per branch, number and day; the customer found by ID hash or phone, or a
walk-in lead; bad tickets refused with the field that is wrong."""

from __future__ import annotations

import pytest

from branch.models import QueueTicket, Task
from branch.tickets import TicketRefusedError, take_ticket
from crm.models import Customer
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_background")]


def test_a_ticket_becomes_an_analysed_task(branch, sofa, django_capture_on_commit_callbacks):
    customer = CustomerFactory(phone="13912345678")

    with django_capture_on_commit_callbacks(execute=True):
        taken = take_ticket(branch, number="A012", phone="13912345678", business="理财")

    task = Task.objects.get(pk=taken.task.pk)
    assert taken.created and task.customer == customer and task.business == "理财"
    assert task.analysed_at is not None
    assert 1 <= len(task.recommendations) <= 3
    assert all(r["reason"] and r["product"] for r in task.recommendations)
    assert task.demand["customer"]["name"] == customer.name
    assert set(task.demand["assets"]) == set(Customer.ASSET_CLASSES)
    assert task.reminders == ["vibrate", "voice", "ring", "text"]


def test_the_same_ticket_twice_is_the_same_task(branch, sofa):
    first = take_ticket(branch, number="A012", phone="13912345678")
    again = take_ticket(branch, number="A012", phone="13912345678")
    assert not again.created and again.task.pk == first.task.pk
    assert QueueTicket.objects.count() == 1 and Task.objects.count() == 1


def test_the_id_number_recognises_the_customer_next_time_and_is_never_stored(branch, sofa):
    first = take_ticket(branch, number="A001", id_number="440305199001011234")
    second = take_ticket(branch, number="A002", id_number="440305199001011234")
    assert second.ticket.customer_id == first.ticket.customer_id
    assert first.ticket.customer.source == Customer.Source.BRANCH  # a walk-in lead
    assert "440305199001011234" not in first.ticket.id_number_hash


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "A" * 21}, "number"),
        ({"number": "A1"}, "id_number or phone"),
        ({"number": "A1", "phone": "call me"}, "phone"),
        ({"number": "A1", "id_number": "12<script>"}, "id_number"),
        ({"number": "A1", "phone": "13912345678", "business": "x" * 101}, "business"),
    ],
)
def test_bad_tickets_are_refused_and_nothing_is_stored(branch, fields, field):
    with pytest.raises(TicketRefusedError) as refused:
        take_ticket(branch, **fields)
    assert str(refused.value).startswith(field)
    assert not QueueTicket.objects.exists() and not Task.objects.exists()


def test_the_demo_branch_prints_a_watch_url_and_a_working_ticket_command(capsys, sofa):
    from django.core.management import call_command

    from branch.models import Wearable
    from branch.tokens import branch_for_kiosk_token, wearable_for_token

    CustomerFactory(phone="13912345678")
    call_command("ensure_demo_branch", base_url="http://127.0.0.1:9000")
    call_command("ensure_demo_branch", base_url="http://127.0.0.1:9000")  # again: fresh tokens, same rows

    printed = capsys.readouterr().out.split("ensure_demo_branch")[-1]
    last = printed.strip().splitlines()[-3:]
    device_token = last[0].split("#token=")[1]
    kiosk_token = last[2].split("Kiosk ")[1].split("'")[0]
    assert Wearable.objects.count() == 2  # 赵磊's and 孙丽's
    assert wearable_for_token(device_token).device_id == "demo-watch-1"
    assert branch_for_kiosk_token(kiosk_token).code == "sz-nanshan"
    assert "http://127.0.0.1:9000/api/branch/tickets/" in last[2]


def test_the_analysis_ranks_more_needs_than_the_top_3(branch, sofa, django_capture_on_commit_callbacks):
    from tests.factories import ProductFactory

    for i in range(6):
        ProductFactory(name=f"理财产品{i}", category=sofa.category)
    CustomerFactory(phone="13912345678")

    with django_capture_on_commit_callbacks(execute=True):
        taken = take_ticket(branch, number="A020", phone="13912345678")

    task = Task.objects.get(pk=taken.task.pk)
    needs = task.demand["needs"]
    assert len(task.recommendations) == 3 and len(needs) > 3
    assert [n["product_id"] for n in needs[:3]] == [r["product_id"] for r in task.recommendations]
    assert len({n["product_id"] for n in needs}) == len(needs)  # no product twice
    assert [n["rank"] for n in needs] == list(range(1, len(needs) + 1))
