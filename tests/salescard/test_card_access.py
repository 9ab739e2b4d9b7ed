"""A forwarded card leaks nothing (SPEC X3, S8–S10): public links for what is passed on, personal links bound to the
customer's browser, the "是本人？" code, re-issuing, throttling of guessed tokens and codes, and closed chats."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue.models import Conversation
from dialogue.sms import ConsoleSmsBackend
from salescard.card_access import DEVICE_COOKIE, device_from_cookie, public_link
from salescard.models import CardCode, CardDevice, CardEvent, CardLink, CardVisit
from salescard.services import assemble_card
from salescard.sharing import qr_svg
from tests.factories import UserFactory
from tests.salescard.conftest import bound_browser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the throttles count in the cache
    ConsoleSmsBackend.sent.clear()
    yield
    cache.clear()


def page_of(link: CardLink) -> str:
    return reverse("card", args=[link.token])


def last_code(phone: str) -> str:
    sent_to, text = ConsoleSmsBackend.sent[-1]
    assert sent_to == phone
    return re.search(r"\b(\d{6})\b", text).group(1)


def second_browser_with_code(link: CardLink, phone: str) -> tuple[Client, str, str]:
    """The customer's phone opened the link first; a second browser asked for a code: (browser, code, a wrong one)."""
    Client().get(page_of(link))
    laptop = Client()
    laptop.get(page_of(link))
    assert laptop.post(reverse("card-verify-send", args=[link.token])).status_code == 303
    code = last_code(phone)
    return laptop, code, "123456" if code != "123456" else "654321"


def test_everything_the_card_offers_to_pass_on_carries_the_public_link(link, customer, card):
    browser = Client()
    html = browser.get(page_of(link)).content.decode()
    public = public_link(card)
    public_url = f"http://testserver/c/{public.token}/"
    data = re.search(r'<script id="card-data" type="application/json">(.*?)</script>', html, re.S).group(1)

    assert public.customer_id is None and public.token != link.token
    assert public_url in data and f'"shareUrl": "{public_url}"' in data  # Share and Copy link
    assert f"/c/{public.token}/qr.svg" in html  # the share panel's QR code
    assert reverse("card-qr", args=[link.token]) not in html
    for token in (link.token, public.token):  # whichever link the QR or vCard is fetched through
        assert browser.get(reverse("card-qr", args=[token])).content == qr_svg(public_url)
        vcard = browser.get(reverse("card-vcard", args=[token])).content.decode()
        assert public_url in vcard and link.token not in vcard


def test_the_public_link_opens_as_a_new_visitor_with_the_consent_notice(link, card):
    public = public_link(card)
    response = Client().get(page_of(public))
    assert response.status_code == 200
    assert "Agree and open the card" in response.content.decode() or "同意" in response.content.decode()
    assert public_link(card) == public  # the same public link every time


def test_the_first_opening_binds_the_browser_and_another_browser_sees_nothing_of_the_customer(link, customer):
    first = Client()
    own = first.get(page_of(link))
    assert own.status_code == 200 and own["Referrer-Policy"] == "no-referrer"
    cookie = own.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert device_from_cookie(cookie.value) is not None
    assert CardDevice.objects.filter(link=link, how=CardDevice.How.FIRST_OPEN).count() == 1
    visit = CardVisit.objects.get(link=link)
    greeting = visit.greeting
    assert greeting in own.content.decode()

    visits_before = CardVisit.objects.count()
    other = Client().get(page_of(link))
    html = other.content.decode()
    assert other.status_code == 200
    assert customer.name not in html and greeting not in html and 'id="messages"' not in html
    assert visit.product.name not in html  # no intent data
    assert 'action="/c/' in html and "verify/send" in html  # "是本人？"
    assert customer.phone[-4:] in html and customer.phone not in html  # only the last digits of the phone
    assert CardVisit.objects.count() == visits_before  # not an opening of the customer
    assert CardDevice.objects.filter(link=link).count() == 1

    assert 'id="messages"' in first.get(page_of(link)).content.decode()  # the own browser still opens the chat
    assert CardVisit.objects.count() == visits_before + 1


def test_a_signed_in_salesperson_does_not_bind_the_customers_link(client, link, customer, salesperson):
    client.force_login(salesperson)
    html = client.get(page_of(link)).content.decode()
    assert customer.name not in html and not CardDevice.objects.filter(link=link).exists()
    assert bound_browser(link).get(page_of(link)).status_code == 200


def test_the_code_sent_to_the_phone_binds_a_second_browser(link, customer):
    Client().get(page_of(link))  # the customer's phone
    laptop = Client()
    laptop.get(page_of(link))
    sent = laptop.post(reverse("card-verify-send", args=[link.token]))
    assert sent.status_code == 303 and sent["Location"] == page_of(link)
    code = last_code(customer.phone)
    assert code not in CardCode.objects.get(link=link).code_hash  # only a keyed hash is stored
    form = laptop.get(page_of(link)).content.decode()
    assert 'name="code"' in form and customer.name not in form

    wrong = laptop.post(reverse("card-verify", args=[link.token]), {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and CardCode.objects.get(link=link).attempts == 1
    assert CardDevice.objects.filter(link=link).count() == 1

    right = laptop.post(reverse("card-verify", args=[link.token]), {"code": code})
    assert right.status_code == 303
    assert CardDevice.objects.filter(link=link, how=CardDevice.How.SMS_CODE).count() == 1
    page = laptop.get(page_of(link))
    assert customer.name in page.content.decode() or 'id="messages"' in page.content.decode()
    # A used code does not serve twice.
    again = Client()
    again.get(page_of(link))
    assert again.post(reverse("card-verify", args=[link.token]), {"code": code}).status_code == 400


def test_a_code_expires_and_allows_a_bounded_number_of_tries(link, customer, settings):
    settings.CARD_CODE_TRIES = 2
    laptop, code, bad = second_browser_with_code(link, customer.phone)
    for _ in range(2):
        assert laptop.post(reverse("card-verify", args=[link.token]), {"code": bad}).status_code == 400
    assert laptop.post(reverse("card-verify", args=[link.token]), {"code": code}).status_code == 400  # spent
    assert not CardDevice.objects.filter(link=link, how=CardDevice.How.SMS_CODE).exists()

    CardCode.objects.all().delete()
    settings.CARD_CODE_INTERVAL_SECONDS = 1
    laptop.post(reverse("card-verify-send", args=[link.token]))
    code = last_code(customer.phone)
    CardCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert laptop.post(reverse("card-verify", args=[link.token]), {"code": code}).status_code == 400


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", "12 456"])
def test_malformed_codes_get_a_form_error(link, customer, code):
    Client().get(page_of(link))
    laptop = Client()
    laptop.get(page_of(link))
    laptop.post(reverse("card-verify-send", args=[link.token]))
    response = laptop.post(reverse("card-verify", args=[link.token]), {"code": code})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_codes_are_rate_limited_per_link(link, customer, settings):
    Client().get(page_of(link))
    laptop = Client()
    laptop.get(page_of(link))
    assert laptop.post(reverse("card-verify-send", args=[link.token])).status_code == 303
    too_soon = laptop.post(reverse("card-verify-send", args=[link.token]))
    assert too_soon.status_code == 429 and int(too_soon["Retry-After"]) > 0
    assert len(ConsoleSmsBackend.sent) == 1

    settings.CARD_CODE_INTERVAL_SECONDS = 1
    settings.CARD_CODES_PER_HOUR = 2
    CardCode.objects.update(sent_at=timezone.now() - datetime.timedelta(seconds=5))
    assert laptop.post(reverse("card-verify-send", args=[link.token])).status_code == 303
    CardCode.objects.update(sent_at=timezone.now() - datetime.timedelta(seconds=5))
    assert laptop.post(reverse("card-verify-send", args=[link.token])).status_code == 429
    assert len(ConsoleSmsBackend.sent) == 2


def test_a_customer_without_a_phone_is_told_to_ask_for_a_new_link(link, customer):
    customer.phone = ""
    customer.save()
    Client().get(page_of(link))
    laptop = Client()
    html = laptop.get(page_of(link)).content.decode()
    assert "verify/send" not in html
    assert laptop.post(reverse("card-verify-send", args=[link.token])).status_code == 409
    assert not ConsoleSmsBackend.sent


def test_wrong_codes_from_one_client_are_throttled_and_a_right_one_works_after_the_window(link, customer, settings):
    settings.THROTTLE_CARD_CODES = (3, 600)
    settings.CARD_CODE_TRIES = 10
    laptop, code, bad = second_browser_with_code(link, customer.phone)
    statuses = [laptop.post(reverse("card-verify", args=[link.token]), {"code": bad}).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    refused = laptop.post(reverse("card-verify", args=[link.token]), {"code": code}, HTTP_ACCEPT="text/html")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert not CardDevice.objects.filter(link=link, how=CardDevice.How.SMS_CODE).exists()

    cache.clear()  # the window is over
    assert laptop.post(reverse("card-verify", args=[link.token]), {"code": code}).status_code == 303


def test_unknown_tokens_from_one_client_are_throttled(link, settings):
    settings.THROTTLE_CARD_TOKENS = (3, 600)
    browser = Client()
    statuses = [browser.get(reverse("card", args=[f"guess-{n}"])).status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert browser.get(page_of(link)).status_code == 429  # even a real link waits for the window
    cache.clear()
    assert browser.get(page_of(link)).status_code == 200


def test_an_unbound_browser_cannot_post_events_or_change_consent(link, customer):
    Client().get(page_of(link))
    stranger = Client()
    events = CardEvent.objects.count()
    consents = customer.consents.count()
    assert (
        stranger.post(
            reverse("card-event", args=[link.token]), {"kind": "tab_viewed"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        stranger.post(
            reverse("card-consent", args=[link.token]), {"usage_data": False}, content_type="application/json"
        ).status_code
        == 403
    )
    stranger.get(reverse("card-vcard", args=[link.token]))
    assert CardEvent.objects.count() == events and customer.consents.count() == consents


def test_a_new_lead_is_bound_to_the_browser_that_agreed(visitor_link, card):
    browser = Client()
    response = browser.post(page_of(visitor_link), {"name": "李先生", "phone": "13912345678", "agree": "on"})
    personal = CardLink.objects.get(customer__name="李先生")
    assert response["Location"] == page_of(personal)
    assert CardDevice.objects.filter(link=personal, how=CardDevice.How.LEAD).exists()
    assert "李先生" in browser.get(page_of(personal)).content.decode()
    assert "李先生" not in Client().get(page_of(personal)).content.decode()


def test_the_salesperson_reissues_a_link_and_the_old_one_stops_at_once(client, link, customer, salesperson):
    own = bound_browser(link)
    assert own.get(page_of(link)).status_code == 200
    client.force_login(salesperson)
    response = client.post(reverse("sales-reissue-link", args=[customer.pk]))
    assert response.status_code == 200
    fresh = CardLink.objects.get(customer=customer, revoked_at__isnull=True)
    assert fresh.token != link.token and page_of(fresh) in response.content.decode()
    assert own.get(page_of(link)).status_code == 410
    assert Client().get(page_of(fresh)).status_code == 200  # a new first opening binds the new link


def test_only_the_customers_salespeople_may_reissue(client, link, customer):
    other_salesperson = UserFactory(role="sales")
    client.force_login(other_salesperson)
    assert client.post(reverse("sales-reissue-link", args=[customer.pk])).status_code in (400, 404)
    assert CardLink.objects.get(pk=link.pk).revoked_at is None
    anonymous = Client().post(reverse("sales-reissue-link", args=[customer.pk]))
    assert anonymous.status_code == 302 and "/sales/login/" in anonymous["Location"]


def test_closed_is_closed_for_the_salesperson(client, link, customer, salesperson):
    assembled = assemble_card(link)
    conversation = assembled.conversation
    client.force_login(salesperson)
    api = f"/api/dialogue/conversations/{conversation.pk}"
    assert client.post(f"{api}/close/").status_code == 200
    messages = conversation.messages.count()
    for action, body in (
        ("reply", {"text": "还在吗？"}),
        ("release", None),
        ("accept", None),
        ("analyze", {"text": "你好"}),
    ):
        response = client.post(
            f"{api}/{action}/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert response.status_code == 409, action
        assert response.json()["detail"]
    english = client.post(f"{api}/reply/", {"text": "hi"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert "closed" in english.json()["detail"]
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLOSED and conversation.messages.count() == messages


def test_the_terminal_marks_a_closed_chat_and_the_new_one_that_follows(client, link, customer, salesperson):
    from salescard.card_access import bind
    from salescard.card_chat import continue_session, open_session

    first = assemble_card(link).conversation
    Conversation.objects.filter(pk=first.pk).update(state=Conversation.State.CLOSED)
    device = "the-customers-phone"
    bind(link, device, CardDevice.How.FIRST_OPEN)
    fresh = continue_session(open_session(link.token, device))
    assert fresh.conversation_id != first.pk

    client.force_login(salesperson)
    closed_page = client.get(reverse("sales-conversation", args=[first.pk])).content.decode()
    assert 'data-state="closed"' in closed_page and 'id="closed-note"' in closed_page
    new_page = client.get(reverse("sales-conversation", args=[fresh.conversation_id])).content.decode()
    assert 'id="previous"' in new_page and reverse("sales-conversation", args=[first.pk]) in new_page
    inbox = client.get(reverse("sales-inbox")).content.decode()
    assert f"/sales/conversations/{fresh.conversation_id}/" in inbox


def test_the_admin_lists_the_browsers_bound_to_a_link(client, link, manager):
    bound_browser(link)
    client.force_login(manager)
    page = client.get(reverse("admin:salescard_cardlink_change", args=[link.pk])).content.decode()
    assert "首次打开" in page or "First opening" in page


def test_a_personal_link_expires_and_sharing_it_again_issues_a_new_one(link, card, customer, settings):
    from salescard.cards import issue_link

    assert link.expires_at is not None
    days = (link.expires_at - link.created_at).days
    assert settings.CARD_LINK_VALID_DAYS - 1 <= days <= settings.CARD_LINK_VALID_DAYS
    assert public_link(card).expires_at is None
    CardLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(page_of(link)).status_code == 410
    fresh = issue_link(card, customer)
    assert fresh.pk != link.pk and Client().get(page_of(fresh)).status_code == 200


def test_card_pages_send_no_referrer_and_their_form_pages_only_to_the_site(link, visitor_link):
    assert Client().get(page_of(visitor_link))["Referrer-Policy"] == "same-origin"  # the consent form
    assert Client().get(reverse("card", args=["no-such-link"]))["Referrer-Policy"] == "no-referrer"
    Client().get(page_of(link))
    assert Client().get(page_of(link))["Referrer-Policy"] == "same-origin"  # "是本人？" has forms
    assert bound_browser(link).get(page_of(link))["Referrer-Policy"] == "no-referrer"
