"""The card's HTTP side: the page, friendly 404/410, the consent notice of a generic link, card events,
the vCard, QR codes and the avatar's speech."""

from __future__ import annotations

import json

import pytest
import vobject
from django.urls import reverse

from base.tts import speech_url
from crm.models import BehaviorEvent, Consent, Customer
from salescard.card_access import public_link
from salescard.cards import issue_link, revoke_link
from salescard.models import CardEvent, CardLink, CardVisit
from tests.factories import CustomerFactory
from tests.needs import needs
from tests.salescard.conftest import bound_browser

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def page_of(link) -> str:
    return reverse("card", args=[link.token])


def test_the_card_page_shows_the_greeting_details_and_the_intended_product(client, link, sofa):
    response = client.get(page_of(link))

    assert response.status_code == 200
    html = response.content.decode()
    visit = CardVisit.objects.get()
    assert visit.greeting in html
    assert "陈静" in html and "13802561174" in html and "家居生活馆" in html
    assert 'class="product intended"' in html and sofa.name in html
    data = json.loads(html.split('<script id="card-data" type="application/json">')[1].split("</script>")[0])
    assert data["greeting"]["speech"].startswith("/speech/")
    assert data["socket"] == f"/ws/card/{link.token}/"
    assert data["products"][str(sofa.pk)]["narration"]
    assert len(data["suggestions"]) >= 3  # 猜你想问 from the sofa's FAQs


def test_customer_text_is_escaped_on_the_page(client, card, sofa):
    customer = CustomerFactory(owner=card.salesperson, name=SCRIPT, gender="unknown")
    link = issue_link(card, customer)

    html = client.get(page_of(link)).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html or "\\u003Cscript\\u003E" in html


def test_unknown_revoked_and_expired_links_get_friendly_pages(client, link):
    missing = client.get(reverse("card", args=["no-such-token"]))
    assert missing.status_code == 404
    assert "Card not found" in missing.content.decode() or "名片" in missing.content.decode()
    revoke_link(link)
    gone = client.get(page_of(link))
    assert gone.status_code == 410
    assert not CardVisit.objects.exists()


def test_a_visitor_agrees_to_the_notice_and_becomes_a_lead(client, visitor_link, card):
    notice = client.get(page_of(visitor_link))
    assert notice.status_code == 200 and b'name="agree"' in notice.content

    response = client.post(page_of(visitor_link), {"name": "李先生", "phone": "13912345678", "agree": "on"})

    lead = Customer.objects.get(name="李先生")
    assert lead.owner == card.salesperson and lead.source == Customer.Source.CARD
    personal = CardLink.objects.get(customer=lead)
    assert response.status_code == 302 and response["Location"] == page_of(personal)
    assert lead.has_consent(Consent.Purpose.CONTACT)
    assert not lead.has_consent(Consent.Purpose.USAGE_DATA)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"name": "李先生", "phone": "13912345678"},  # did not agree
        {"name": "", "agree": "on"},  # no name
        {"name": "李先生", "phone": "call me", "agree": "on"},  # not a phone number
        {"name": "李" * 101, "agree": "on"},  # too long
    ],
)
def test_a_bad_notice_form_is_refused_and_creates_nobody(client, visitor_link, form):
    before = Customer.objects.count()
    response = client.post(page_of(visitor_link), form)
    assert response.status_code == 400
    assert b"form-error" in response.content
    assert Customer.objects.count() == before


def test_card_events_are_stored_and_mirrored(customer_client, link, customer, sofa):
    client = customer_client
    url = reverse("card-event", args=[link.token])
    response = client.post(url, {"kind": "tab_viewed", "detail": "products"}, content_type="application/json")
    assert response.status_code == 201
    client.post(url, {"kind": "purchase_clicked", "product_id": sofa.pk}, content_type="application/json")

    assert set(CardEvent.objects.values_list("kind", flat=True)) == {"tab_viewed", "purchase_clicked"}
    clicked = BehaviorEvent.objects.get(customer=customer, kind=BehaviorEvent.Kind.PRODUCT_CLICK)
    assert clicked.product == sofa


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "opened"},  # the server records openings itself
        {"kind": "hacked"},
        {"kind": "shared", "detail": "x" * 201},
        {"kind": "purchase_clicked", "product_id": "1"},
        ["not", "an", "object"],
    ],
)
def test_bad_card_events_are_refused(client, link, payload):
    response = client.post(reverse("card-event", args=[link.token]), payload, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert not CardEvent.objects.exists()


def test_the_customer_can_grant_and_withdraw_usage_consent_on_the_card(customer_client, link, customer):
    client = customer_client
    url = reverse("card-consent", args=[link.token])
    assert client.post(url, {"usage_data": True}, content_type="application/json").status_code == 200
    assert customer.has_consent(Consent.Purpose.USAGE_DATA)
    client.post(url, {"usage_data": False}, content_type="application/json")
    assert not customer.has_consent(Consent.Purpose.USAGE_DATA)
    assert client.post(url, {"usage_data": "yes"}, content_type="application/json").status_code == 400
    assert customer.consents.count() == 2


def test_the_vcard_is_version_3_with_the_chinese_name(customer_client, link):
    response = customer_client.get(reverse("card-vcard", args=[link.token]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    card = vobject.readOne(response.content.decode("utf-8"))
    assert card.version.value == "3.0"
    assert card.fn.value == "陈静"
    assert card.n.value.family == "陈" and card.n.value.given == "静"
    assert card.tel.value == "13802561174"
    assert card.email.value == "chenjing@example.cn"
    assert card.org.value == ["家居生活馆"]
    assert card.title.value == "高级顾问"
    # The contact file is passed on: it carries the card's public link, never the customer's personal one.
    assert link.token not in response.content.decode()
    assert card.url.value.endswith(page_of(public_link(link.card)))
    assert CardEvent.objects.filter(kind=CardEvent.Kind.CONTACT_SAVED).exists()


def test_qr_codes_of_the_card_and_of_a_purchase_link(client, link, sofa):
    card_qr = client.get(reverse("card-qr", args=[link.token]))
    assert card_qr.status_code == 200 and card_qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in card_qr.content
    product_qr = client.get(reverse("card-qr", args=[link.token]) + f"?product={sofa.pk}")
    assert product_qr.status_code == 200 and product_qr.content != card_qr.content
    assert client.get(reverse("card-qr", args=[link.token]) + "?product=abc").status_code == 400


def test_speech_urls_cannot_be_forged(client):
    url = speech_url("您好", "zh-hans")
    forged = url.replace("/speech/", "/speech/x")
    assert client.get(forged).status_code == 404


@needs(binary="espeak-ng", reason="make run and make test install it")
def test_speech_is_rendered_once_and_cached(client, settings):
    url = speech_url("您好，欢迎光临。", "zh-hans")

    first = client.get(url)
    audio = b"".join(first.streaming_content)

    assert first.status_code == 200 and first["Content-Type"] == "audio/wav"
    assert audio.startswith(b"RIFF") and len(audio) > 10_000
    assert len(list(settings.TTS_CACHE_DIR.rglob("*.wav"))) == 1
    assert b"".join(client.get(url).streaming_content) == audio
    assert len(list(settings.TTS_CACHE_DIR.rglob("*.wav"))) == 1


def test_the_page_gives_its_scripts_a_csrf_token_and_forged_posts_are_refused(link):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(page_of(link))
    token = page.cookies["csrftoken"].value
    url = reverse("card-event", args=[link.token])

    forged = browser.post(url, {"kind": "shared"}, content_type="application/json", HTTP_X_CSRFTOKEN="forged")
    genuine = browser.post(url, {"kind": "shared"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert forged.status_code == 403 and genuine.status_code == 201
    assert CardEvent.objects.filter(kind="shared").count() == 1


def test_a_cantonese_speaker_reads_traditional_chinese_and_an_english_speaker_english(client, card, sofa):
    cantonese = issue_link(card, CustomerFactory(owner=card.salesperson, language="yue"))
    english = issue_link(card, CustomerFactory(owner=card.salesperson, language="en", name="Emma Li"))

    hant = client.get(page_of(cantonese)).content.decode()
    en = client.get(page_of(english)).content.decode()

    assert "和我聊一聊" in hant and "存入通訊錄" in hant and 'lang="zh-hant"' in hant
    assert "Chat with me" in en and "Save to contacts" in en and 'lang="en"' in en


def test_a_manager_uploads_a_3d_face_in_the_admin_and_the_card_uses_it(client, manager, card, link, english):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.salescard.test_cards import MESH, glb

    client.force_login(manager)
    url = reverse("admin:salescard_smartcard_change", args=[card.pk])
    form = {
        "salesperson": card.salesperson.pk,
        "display_name": card.display_name,
        "theme": "classic",
        "phone": card.phone,
        "email": card.email,
    }

    refused = client.post(url, {**form, "avatar_model": SimpleUploadedFile("face.png", b"\x89PNG\r\n")})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    card.refresh_from_db()
    assert not card.avatar_model

    saved = client.post(url, {**form, "avatar_model": SimpleUploadedFile("head.glb", glb(MESH))})
    assert saved.status_code == 302
    card.refresh_from_db()
    data = bound_browser(link).get(page_of(link)).content.decode()  # the customer's phone, not the manager's
    assert card.avatar_model.url in data
