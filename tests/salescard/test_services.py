"""Opening a card: the S1→S10 pipeline, the stored visit, the conversation a reload continues, narrations."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from dialogue.models import Conversation, Message
from intent.models import IntentPrediction
from salescard.cards import issue_link
from salescard.models import CardEvent, CardVisit
from salescard.narration import narrate_case, narrate_product, narrate_site
from salescard.services import assemble_card
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def stored_prediction(customer, product, *, hours_old: float = 0) -> IntentPrediction:
    prediction = IntentPrediction.objects.create(
        customer=customer,
        intents=[{"product_id": product.pk, "product": product.name, "probability": 0.7, "association": "b×u"}],
        reasons=["test"],
    )
    if hours_old:
        IntentPrediction.objects.filter(pk=prediction.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours_old)
        )
    return prediction


def test_opening_greets_with_the_stored_intent_and_stores_the_visit(link, customer, sofa):
    stored_prediction(customer, sofa)

    assembled = assemble_card(link)

    assert sofa.name in assembled.greeting
    assert assembled.greeting.startswith("王女士")  # the customer is addressed politely, by surname
    visit = CardVisit.objects.get()
    assert visit.greeting == assembled.greeting
    assert visit.product == sofa
    assert visit.intents[0]["product_id"] == sofa.pk
    assert not visit.intent_was_inferred
    assert visit.personality and visit.communication_type
    assert assembled.products[0].product == sofa and assembled.products[0].intended
    assert CardEvent.objects.filter(link=link, kind=CardEvent.Kind.OPENED).count() == 1
    assert BehaviorEvent.objects.filter(customer=customer, kind=BehaviorEvent.Kind.CARD_OPEN).count() == 1


def test_a_stale_prediction_is_replaced_inline(link, customer, sofa, settings):
    settings.CARD_INTENT_MAX_AGE_HOURS = 24
    stored_prediction(customer, sofa, hours_old=30)

    assemble_card(link)

    assert IntentPrediction.objects.filter(customer=customer).count() == 2
    assert CardVisit.objects.get().intent_was_inferred


def test_the_visit_records_whether_usage_data_was_consented(link, customer, sofa):
    assemble_card(link)
    record_consent(customer, Consent.Purpose.USAGE_DATA, True, Consent.Source.CARD)
    assembled = assemble_card(link)

    assert assembled.usage_consent
    assert list(CardVisit.objects.order_by("opened_at", "pk").values_list("usage_consent", flat=True)) == [False, True]


def test_a_reload_continues_the_chat_and_greets_only_once_in_it(link, customer, sofa):
    first = assemble_card(link)
    Message.objects.create(conversation=first.conversation, sender=Message.Sender.CUSTOMER, text="沙发可以拆洗吗？")

    again = assemble_card(link)

    assert again.conversation.pk == first.conversation.pk
    assert [m.text for m in again.history] == [first.greeting, "沙发可以拆洗吗？"]
    assert CardVisit.objects.count() == 2


def test_a_closed_or_idle_chat_is_not_continued(link, customer, sofa, settings):
    first = assemble_card(link)
    Conversation.objects.filter(pk=first.conversation.pk).update(state=Conversation.State.CLOSED)
    second = assemble_card(link)
    assert second.conversation.pk != first.conversation.pk

    settings.CARD_CONVERSATION_IDLE_HOURS = 1
    Conversation.objects.filter(pk=second.conversation.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert assemble_card(link).conversation.pk != second.conversation.pk


def test_an_english_speaker_is_greeted_in_english(card, sofa):
    customer = CustomerFactory(owner=card.salesperson, language="en", name="Emma Li")
    assembled = assemble_card(issue_link(card, customer))
    assert assembled.language == "en"
    assert "Emma Li" in assembled.greeting


def test_a_generic_link_needs_the_consent_notice_first(visitor_link):
    with pytest.raises(ValueError):
        assemble_card(visitor_link)


def test_narrations_say_what_the_catalogue_says(sofa, card):
    mandarin = narrate_product(sofa, "zh-hans")
    assert sofa.name in mandarin and "售价" in mandarin
    english = narrate_product(sofa, "en")
    assert "priced at ¥" in english and "售价" not in english
    assert "家居生活馆" in narrate_site(card, "zh-hans")
    assert narrate_site(card, "yue").startswith("歡迎")
    told = narrate_case("陈女士的新家", "三个月完成全屋软装。", "zh-hans")
    assert told == "给您讲一个真实案例：陈女士的新家。三个月完成全屋软装。"
