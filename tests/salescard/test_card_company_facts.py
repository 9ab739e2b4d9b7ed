"""The company's address, opening hours and service line on the card (issue 17 items 3 and 6, S8 region 2): shown to
the customer, to a visitor on the public link and on a personal link opened elsewhere, escaped, in the card's
language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crm.models import CompanyFact, Organisation
from salescard.card_access import public_link
from tests.salescard.conftest import bound_browser

pytestmark = pytest.mark.django_db

ADDRESS = "南山区科技园路 1 号好家居大厦 <b>3 楼</b>"


@pytest.fixture
def organisation(card):
    home = Organisation.objects.create(name="好家居生活馆", phone="400-820-6688")
    facts = [
        (CompanyFact.Topic.ADDRESS, "zh-hans", ADDRESS),
        (CompanyFact.Topic.HOURS, "zh-hans", "展厅每天 10:00–21:30 营业，节假日照常开门。"),
        (CompanyFact.Topic.PHONE, "zh-hans", "门店电话 400-820-6688（每天 9:00–22:00）。"),
        (CompanyFact.Topic.HOURS, "en", "The showrooms are open every day 10:00–21:30, holidays included."),
        (CompanyFact.Topic.DELIVERY, "zh-hans", "深圳市内三天送达。"),  # answered in the chat, not listed
    ]
    for topic, language, text in facts:
        CompanyFact.objects.create(organisation=home, topic=topic, language=language, text=text)
    card.salesperson.organisation = home
    card.salesperson.save()
    card.save()  # a card belongs to its salesperson's company (issue 19)
    return home


def facts_of(html: str) -> str:
    assert 'id="company-facts"' in html
    return html.split('id="company-facts"')[1].split("</dl>")[0]


def test_the_customer_sees_address_hours_and_service_line_escaped(link, organisation):
    html = bound_browser(link).get(reverse("card", args=[link.token])).content.decode()

    facts = facts_of(html)
    assert "地址" in facts and "营业时间" in facts and "客服电话" in facts
    assert "展厅每天 10:00–21:30 营业" in facts and 'href="tel:400-820-6688"' in facts
    assert "&lt;b&gt;3 楼&lt;/b&gt;" in facts and "<b>" not in facts
    assert "深圳市内三天送达" not in html


def test_an_english_customer_reads_the_english_fact_and_the_mandarin_one_where_no_english_is_written(
    link, customer, organisation
):
    customer.language = "en"
    customer.save()

    facts = facts_of(bound_browser(link).get(reverse("card", args=[link.token])).content.decode())

    assert "Opening hours" in facts and "The showrooms are open every day" in facts
    assert "Service line" in facts and "门店电话" in facts


def test_a_visitor_on_the_public_link_sees_the_facts_with_the_consent_notice(card, link, organisation):
    html = Client().get(reverse("card", args=[public_link(card).token])).content.decode()

    assert "展厅每天 10:00–21:30 营业" in facts_of(html)


def test_a_personal_link_on_another_browser_shows_the_facts_but_nothing_of_the_customer(link, customer, organisation):
    bound_browser(link)

    html = Client().get(reverse("card", args=[link.token])).content.decode()

    assert "verify/send" in html and customer.name not in html
    assert "展厅每天 10:00–21:30 营业" in facts_of(html)


def test_a_card_without_an_organisation_lists_no_facts(link):
    html = bound_browser(link).get(reverse("card", args=[link.token])).content.decode()

    assert 'id="company-facts"' not in html
