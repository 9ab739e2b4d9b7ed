"""What one card message costs the database (issue 18): the path of the card's socket — ``customer_says`` through
the analysis, the reply plan, the hand-off and the pushes after commit — reads the conversation row at most once
per step, and the whole message stays within a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogue.models import Conversation
from salescard.card_access import bind, new_device_id
from salescard.card_chat import customer_says, open_session
from salescard.cards import issue_link
from salescard.models import CardDevice, SmartCard
from salescard.services import assemble_card
from tests.conftest import reseed_migrated_defaults
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale

# Autocommit, as on the socket: the pushes and the hand-off delivery run after each commit and are counted too.
pytestmark = pytest.mark.django_db(transaction=True)

READS_CONVERSATION = re.compile(r'^\s*SELECT\b.*?\bFROM\s+"dialogue_conversation"', re.IGNORECASE | re.DOTALL)
# The queries of one message, measured with SQLite, the in-memory layer and eager tasks: 15 for a product question
# (18 in a fresh test database, whose caches are cold), 33 for "转人工" (the hand-off, its push message and its
# in-app delivery), 14 for "谢谢" — before issue 18 they were 18 (21), 41 and 17, with the conversation row read 5, 6
# and 5 times. A little room, not a licence to grow.
MOST_QUERIES = {"沙发可以拆洗吗？": 20, "转人工": 36, "谢谢": 16}


def conversation_reads(queries: list[dict]) -> list[str]:
    """The queries that read the conversation row itself (a join through it in another table's query is not one)."""
    return [q["sql"] for q in queries if READS_CONVERSATION.match(q["sql"])]


@pytest.fixture
def session():
    reseed_migrated_defaults()
    salesperson = UserFactory(role="sales", first_name="静", last_name="陈")
    card = SmartCard.objects.create(salesperson=salesperson, display_name="陈静", company="家居生活馆")
    product = sofa_on_sale()
    link = issue_link(card, CustomerFactory(owner=salesperson))
    conversation = assemble_card(link).conversation
    Conversation.objects.filter(pk=conversation.pk).update(product=product)
    device = new_device_id()
    bind(link, device, CardDevice.How.FIRST_OPEN)
    session = open_session(link.token, device)
    customer_says(session, "你好")  # the first message loads the word lists, the knowledge base and the models
    return session


@pytest.mark.parametrize("text", list(MOST_QUERIES))
def test_one_card_message_reads_its_conversation_once_per_step(session, text):
    with CaptureQueriesContext(connection) as captured:
        analysis = customer_says(session, text)

    reads = conversation_reads(captured.captured_queries)
    joins = [q for q in captured.captured_queries if '"dialogue_conversation"' in q["sql"].split(" WHERE ")[0]]
    print(f"{text}: {len(captured.captured_queries)} queries, {len(reads)} conversation reads, {len(joins)} joining it")
    assert analysis.message_id and bool(analysis.handoff_id) == (text == "转人工")
    # One read to analyse the message, one under the lock that writes the turn; the pushes reuse the locked row.
    assert len(reads) <= 2, "\n".join(reads)
    assert len(captured.captured_queries) <= MOST_QUERIES[text]
