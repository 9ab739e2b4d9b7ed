"""The demo's 30 days of activity (issue 21): a first `make run` shows the demo managers a dashboard with figures in
every card, chat, hand-off and branch section, each company its own; added once; the customers' printed links kept."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from crm.models import User
from dialogue.models import Conversation, Message
from dialogue.score_explanations import explain_scores
from salescard.models import CardLink

pytestmark = pytest.mark.django_db


def test_the_demo_managers_see_their_own_companys_activity_added_once(client: Client) -> None:
    call_command("seed_demo", customers=60, seed=7, verbosity=0)
    call_command("ensure_demo_cards", base_url="http://127.0.0.1:9000", stdout=None)
    call_command("ensure_demo_branch", base_url="http://127.0.0.1:9000", stdout=None)
    printed = dict(CardLink.objects.filter(customer__isnull=False).values_list("customer_id", "token"))
    call_command("seed_demo_activity", "--if-empty")

    for manager in User.objects.filter(role=User.Role.MANAGER, organisation__isnull=False):
        client.force_login(manager)
        tables = {t.key: t for t in client.get("/manage/").context["tables"]}
        assert tables["funnel"].rows[0]["links"] > 0 and tables["funnel"].rows[2]["links"] > 0
        assert tables["emotion"].rows and tables["trajectory"].rows
        conversations = Conversation.objects.filter(customer__organisation=manager.organisation).count()
        assert dict((str(k), v) for k, v in tables["handoffs"].summary)["会话"] == conversations
    bank_manager = User.objects.get(username="manager")
    client.force_login(bank_manager)
    assert client.get("/manage/").context["tables"][5].rows  # the bank branch's tasks

    # Added once; the links make run printed stay the customers' live links.
    before = Conversation.objects.count()
    call_command("seed_demo_activity", "--if-empty")
    assert Conversation.objects.count() == before
    for customer_id, token in printed.items():
        assert CardLink.objects.get(customer_id=customer_id, revoked_at__isnull=True).token == token

    # Every demo message explains its K like a live one.
    for message in Message.objects.filter(sender=Message.Sender.CUSTOMER)[:50]:
        k = explain_scores(message)["K"]
        assert k["alpha"] * k["A"] + k["beta"] * k["B"] == pytest.approx(message.satisfaction, abs=1e-3)
