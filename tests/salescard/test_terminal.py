"""The sales terminal's pages: sign-in, who sees which conversations, the conversation view, sharing a card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogue.analysis import analyze_reply, start_conversation
from salescard.models import CardLink
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(customer, salesperson, sofa):
    conversation = start_conversation(customer, salesperson=salesperson, product=sofa, greeting="您好！")
    analyze_reply(conversation, "太贵了，质量也很差，我非常不满意！")
    return conversation


def test_the_terminal_asks_to_sign_in_and_refuses_other_roles(client):
    response = client.get(reverse("sales-inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("sales-login"))
    client.force_login(UserFactory(role="branch_staff"))
    assert client.get(reverse("sales-inbox")).status_code == 403


def test_a_salesperson_signs_in_and_sees_the_waiting_customer_first(client, salesperson, chat, sofa):
    quiet = start_conversation(CustomerFactory(owner=salesperson, name="赵安静"), salesperson=salesperson, product=sofa)
    salesperson.set_password("s3cret-pass")
    salesperson.save()

    signed_in = client.post(reverse("sales-login"), {"username": salesperson.username, "password": "s3cret-pass"})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("sales-inbox")
    html = client.get(reverse("sales-inbox")).content.decode()

    assert html.index(chat.customer.name) < html.index(quiet.customer.name)
    assert f'data-id="{chat.pk}"' in html and "state-waiting" in html


def test_a_wrong_password_shows_an_error(client, salesperson):
    response = client.post(reverse("sales-login"), {"username": salesperson.username, "password": "nope"})
    assert response.status_code == 200 and b'role="alert"' in response.content


def test_salespeople_see_only_their_customers_and_managers_see_all(client, chat, manager):
    colleague = UserFactory(role="sales")
    client.force_login(colleague)
    assert chat.customer.name not in client.get(reverse("sales-inbox")).content.decode()
    assert client.get(reverse("sales-conversation", args=[chat.pk])).status_code == 404

    client.force_login(manager)
    assert chat.customer.name in client.get(reverse("sales-inbox")).content.decode()
    assert client.get(reverse("sales-conversation", args=[chat.pk])).status_code == 200


def test_the_conversation_view_shows_the_analysis_intent_and_push_message(client, salesperson, chat):
    client.force_login(salesperson)

    response = client.get(reverse("sales-conversation", args=[chat.pk]))

    assert response.status_code == 200
    view = response.context["view"]
    complaint = next(m for m in view.messages if m["sender"] == "customer")
    assert complaint["satisfaction"] < 0 and complaint["emotion"] and "deal_rate" in complaint
    assert view.pending is not None and view.push_message["conversation_id"] == chat.pk
    html = response.content.decode()
    assert view.push_message["title"] in html
    assert 'id="messages-data"' in html


def test_customer_text_is_escaped_in_the_terminal(client, salesperson, sofa):
    customer = CustomerFactory(owner=salesperson, name="<script>alert(1)</script>")
    conversation = start_conversation(customer, salesperson=salesperson, product=sofa)
    analyze_reply(conversation, "<img src=x onerror=alert(2)> 太差了，我非常不满意")
    client.force_login(salesperson)

    for url in (reverse("sales-inbox"), reverse("sales-conversation", args=[conversation.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_sharing_gives_the_customers_personal_link_and_qr(client, salesperson, customer, sofa):
    from salescard.models import SmartCard

    SmartCard.objects.create(salesperson=salesperson, display_name="陈静")
    client.force_login(salesperson)

    response = client.post(reverse("sales-share"), {"customer": customer.pk})

    link = CardLink.objects.get(customer=customer)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("card", args=[link.token]) in html and "data:image/svg+xml" in html  # the personal link's QR
    client.post(reverse("sales-share"), {"customer": customer.pk})
    assert CardLink.objects.filter(customer=customer).count() == 1  # the same live link again


def test_sharing_refuses_strangers_and_salespeople_without_a_card(client, salesperson, customer):
    client.force_login(salesperson)
    assert client.post(reverse("sales-share"), {"customer": customer.pk}).status_code == 409
    stranger = CustomerFactory(owner=UserFactory(role="sales"))
    assert client.post(reverse("sales-share"), {"customer": stranger.pk}).status_code == 400
    assert client.post(reverse("sales-share"), {"customer": "abc"}).status_code == 400
    assert not CardLink.objects.exists()
