"""The conversation engine on the distributed setup: messages, analyses and hand-offs stored in PostgreSQL,
the hand-off delivered by a separate Celery worker that pushes to the salesperson through the Redis channel
layer."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dialogue.analysis import analyze_reply, start_conversation
from dialogue.models import AnswerTemplate, Conversation, HandOff, Message, ScoringSettings, WordEntry
from dialogue.seeding import seed_defaults
from tests.factories import CustomerFactory, FAQFactory, ProductCategoryFactory, ProductFactory, UserFactory
from tests.servers import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conversation():
    # Transactional tests empty the tables between tests; put back what the data migration seeded.
    seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)
    salesperson = UserFactory(role="sales", username="sales-int", email="sales-int@example.cn")
    category = ProductCategoryFactory(code="sofa-int", name="沙发")
    product = ProductFactory(category=category, specs={"material": "科技布"})
    FAQFactory(category=category)
    customer = CustomerFactory(owner=salesperson)
    return start_conversation(customer, salesperson=salesperson, product=product, greeting="您好！")


def test_analysis_is_stored_on_postgres_and_a_worker_delivers_the_hand_off(conversation) -> None:
    answered = analyze_reply(conversation, "沙发可以拆洗吗？")
    assert answered.answer
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"sales.{conversation.salesperson_id}", channel)
    with celery_worker(queues="default") as worker:
        complaint = analyze_reply(conversation, "太贵了，质量很差，我非常不满意")
        handoff = HandOff.objects.get(pk=complaint.handoff_id)
        worker.wait_until(
            lambda: HandOff.objects.get(pk=handoff.pk).deliveries, timeout=60, what="delivering the hand-off"
        )
        assert "deliver_handoff_task" in worker.log_tail(200), "the worker, not this process, delivered it"
    pushed = async_to_sync(layer.receive)(channel)
    assert pushed["type"] == "handoff.created"
    assert pushed["push"]["reason"] == "low_satisfaction"
    handoff.refresh_from_db()
    assert handoff.deliveries["inapp"] == "pushed"
    assert Conversation.objects.get(pk=conversation.pk).state == Conversation.State.WAITING
    texts = list(conversation.messages.order_by("pk").values_list("sender", "text"))
    assert texts[:3] == [
        (Message.Sender.BOT, "您好！"),
        (Message.Sender.CUSTOMER, "沙发可以拆洗吗？"),
        (Message.Sender.BOT, answered.answer),
    ]
    assert Message.objects.get(pk=complaint.message_id).satisfaction < 0
