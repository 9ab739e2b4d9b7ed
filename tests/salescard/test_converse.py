"""``manage.py converse`` (salescard/conversing.py): customer messages through the card chat's own path, one JSON
line each and a summary; bad input is refused with a clear message and stores nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm.models import Consent, Customer
from dialogue.models import Conversation, HandOff, Message
from dialogue.text import MAX_REPLY_CHARS
from salescard.card_access import public_link
from salescard.cards import issue_link
from salescard.models import CardVisit
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
TURN_KEYS = {"reply", "situation", "emotion", "K", "P", "handoff", "purchase", "behaviour", "ms"}


def converse(*args: str) -> list[dict]:
    out = StringIO()
    call_command("converse", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def stored() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Customer, Conversation, Message, CardVisit, HandOff))


def test_each_message_gets_a_json_line_then_a_summary(card, customer, sofa) -> None:
    chat = ("--card", card.salesperson.username, "--as", str(customer.pk), "--product", sofa.sku)

    lines = converse(*chat, "沙发可以拆洗吗？", "转人工")

    first, second, summary = lines
    assert TURN_KEYS <= first.keys() and TURN_KEYS <= second.keys()
    assert "拉链" in first["reply"]
    assert first["handoff"] is None and first["ms"] > 0
    assert second["handoff"] == HandOff.Reason.REQUESTED
    assert second["reply"]  # the customer is told a person is coming
    assert summary["summary"] is True
    assert (summary["messages"], summary["answered"], summary["handoffs"]) == (2, 2, 1)
    conversation = Conversation.objects.get(pk=summary["conversation_id"])
    assert (conversation.customer, conversation.product, conversation.channel) == (customer, sofa, "card")
    said = conversation.messages.filter(sender=Message.Sender.CUSTOMER).values_list("text", flat=True)
    assert list(said) == ["沙发可以拆洗吗？", "转人工"]


def test_a_buying_message_reports_the_purchase_offer(card, customer, sofa) -> None:
    chat = ("--card", card.salesperson.username, "--as", str(customer.pk), "--product", sofa.sku)

    turn, summary = converse(*chat, "我要买，现在就下单付款购买")

    assert turn["purchase"] is True
    assert summary["purchase_offers"] == 1


def test_without_a_customer_a_new_visitor_lead_of_the_public_link_speaks(card, sofa) -> None:
    before = set(Customer.objects.values_list("pk", flat=True))

    *_, summary = converse("--card", card.salesperson.username, "--language", "en", "Can the sofa cover be washed?")

    lead = Customer.objects.exclude(pk__in=before).get()
    assert (lead.owner, lead.source, lead.language) == (card.salesperson, Customer.Source.CARD, "en")
    assert lead.has_consent(Consent.Purpose.CONTACT)
    assert summary["customer_id"] == lead.pk
    assert Conversation.objects.get(pk=summary["conversation_id"]).language == "en"


def test_a_card_link_token_names_the_card(card, customer, sofa) -> None:
    *_, summary = converse("--card", public_link(card).token, "--as", customer.phone, "沙发多久能送到？")

    assert summary["customer_id"] == customer.pk
    assert Conversation.objects.get(pk=summary["conversation_id"]).salesperson == card.salesperson


def test_each_run_is_a_new_conversation_unless_continued(card, customer, sofa) -> None:
    base = ("--card", card.salesperson.username, "--as", str(customer.pk))
    first = converse(*base, "沙发多久能送到？")[-1]["conversation_id"]

    second = converse(*base, "沙发有几年质保？")[-1]["conversation_id"]
    continued = converse(*base, "--continue", "可以分期付款吗？")[-1]["conversation_id"]

    assert second != first
    assert continued == second
    assert Conversation.objects.get(pk=second).messages.filter(sender=Message.Sender.CUSTOMER).count() == 2


def test_the_card_rate_limit_does_not_stop_the_command(settings, card, customer, sofa) -> None:
    settings.CARD_CHAT_RATE = (2, 60)

    *turns, summary = converse("--card", card.salesperson.username, "--as", str(customer.pk), "你好", "在吗", "谢谢")

    assert summary["messages"] == 3 and len(turns) == 3


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--card", "nobody_here", "你好"), "No card"),
        (("--card", "{sales}", "--as", "99999", "你好"), "No customer"),
        (("--card", "{sales}", "--as", "{other}", "你好"), "belongs to"),
        (("--card", "{sales}", "--as", "{customer}", "   "), "empty"),
        (("--card", "{sales}", "--as", "{customer}", "好" * (MAX_REPLY_CHARS + 1)), "too long"),
        (("--card", "{sales}", "--as", "{customer}"), "at least one"),
        (("--card", "{sales}", "--as", "{customer}", "--product", "NO-SUCH-SKU", "你好"), "SKU"),
        (("--card", "{sales}", "--continue", "你好"), "--continue"),
        (("--card", "{sales}", "--as", "{fresh}", "--continue", "你好"), "no conversation"),
    ],
)
def test_bad_input_is_refused_clearly_and_stores_nothing(card, customer, sofa, args, error) -> None:
    other = CustomerFactory(owner=UserFactory(role="sales", username="sales_other"))
    fresh = CustomerFactory(owner=card.salesperson)
    values = {"sales": card.salesperson.username, "customer": customer.pk, "other": other.pk, "fresh": fresh.pk}
    before = stored()

    with pytest.raises(CommandError, match=error):
        converse(*(a.format(**values) for a in args))

    assert stored() == before


def test_a_personal_link_of_another_customer_is_refused(card, customer, sofa) -> None:
    someone = CustomerFactory(owner=card.salesperson)
    token = issue_link(card, someone).token
    before = stored()

    with pytest.raises(CommandError, match="personal link"):
        converse("--card", token, "--as", str(customer.pk), "你好")

    assert stored() == before
