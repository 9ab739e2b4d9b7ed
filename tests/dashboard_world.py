"""A small world for the managers' dashboard tests (issue 21), counted by hand: two salespeople of one organisation
(home and banking lines), their card links, chats and hand-offs, and a stranger company whose rows never count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from crm.models import Organisation
from dialogue.models import Conversation, HandOff, Message
from salescard.cards import issue_link
from salescard.dashboard_figures import Filters
from salescard.models import CardEvent, CardLink, CardVisit, SmartCard
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory, UserFactory

DAY = date(2026, 11, 10)


def at(day_offset: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 11, 10, hour, minute) + timedelta(days=day_offset))


def stamp(row, field: str, when: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(**{field: when})


class World:
    """Two salespeople of one organisation (home and banking lines), and a stranger company with the same rows."""

    def __init__(self) -> None:
        self.org = Organisation.objects.create(name="好家居")
        self.other = Organisation.objects.create(name="别家")
        self.liu = UserFactory(username="liu", organisation=self.org, lines_of_business=["home"])
        self.chen = UserFactory(username="chen", organisation=self.org, lines_of_business=["banking"])
        self.stranger = UserFactory(username="stranger", organisation=self.other)
        home = ProductCategoryFactory(code="sofa-d", organisation=self.org, line_of_business="home")
        bank = ProductCategoryFactory(code="fund-d", organisation=self.org, line_of_business="banking")
        self.sofa = ProductFactory(category=home, organisation=self.org)
        self.bed = ProductFactory(category=home, organisation=self.org, name="床")
        self.fund = ProductFactory(category=bank, organisation=self.org, name="基金")


def customer(world: World, owner) -> object:
    return CustomerFactory(owner=owner, organisation=owner.organisation)


def conversation(owner, who, product, day: int, emotions: list[tuple[str, float]], offer: bool = False):
    chat = Conversation.objects.create(customer=who, salesperson=owner, product=product)
    for minute, (emotion, k) in enumerate(emotions):
        message = Message.objects.create(
            conversation=chat, sender=Message.Sender.CUSTOMER, text="…", emotion=emotion, satisfaction=k
        )
        stamp(message, "created_at", at(day, 10, minute))
    if offer:
        bot = Message.objects.create(
            conversation=chat,
            sender=Message.Sender.BOT,
            text="购买入口",
            actions=[{"type": "offer_purchase_link", "product_id": product.pk, "url": "https://x"}],
        )
        stamp(bot, "created_at", at(day, 11))
    return chat


def shared_link(owner, who, day: int) -> CardLink:
    card, _ = SmartCard.objects.get_or_create(salesperson=owner, defaults={"display_name": owner.username})
    link = issue_link(card, who)
    stamp(link, "created_at", at(day))
    return link


def visit(link: CardLink, chat=None) -> CardVisit:
    return CardVisit.objects.create(link=link, customer=link.customer, conversation=chat, language="zh-hans")


@pytest.fixture
def world() -> World:
    return build_world()


def build_world() -> World:
    w = World()
    # Cards: liu shares 4 links, chen 1, the stranger 1 (never counted).
    a, b, c, d = (customer(w, w.liu) for _ in range(4))
    e = customer(w, w.chen)
    # a: opened, chatted angry→joyful, offered, clicked the purchase link.
    chat_a = conversation(w.liu, a, w.sofa, 0, [("angry", -1.0), ("joyful", 1.0)], offer=True)
    link_a = shared_link(w.liu, a, 0)
    visit(link_a, chat_a)
    CardEvent.objects.create(link=link_a, customer=a, kind=CardEvent.Kind.PURCHASE_CLICKED)
    # b: opened, chatted calm→angry, handed off (low satisfaction), accepted after 60 s, escalated once.
    chat_b = conversation(w.liu, b, w.sofa, 1, [("calm", 0.0), ("angry", -2.0)])
    visit(shared_link(w.liu, b, 1), chat_b)
    handoff = HandOff.objects.create(
        conversation=chat_b, reason=HandOff.Reason.LOW_SATISFACTION, escalations=[{"to": "x"}]
    )
    stamp(handoff, "created_at", at(1, 10, 5))
    HandOff.objects.filter(pk=handoff.pk).update(accepted_at=at(1, 10, 6))
    # c: opened, no chat.  d: shared only.
    visit(shared_link(w.liu, c, 2))
    shared_link(w.liu, d, 3)
    # e (chen, banking): shared, chatted calm→calm about the fund, handed off on request, accepted after 300 s.
    chat_e = conversation(w.chen, e, w.fund, 2, [("calm", 0.5), ("calm", 0.5)])
    visit(shared_link(w.chen, e, 2), chat_e)
    requested = HandOff.objects.create(conversation=chat_e, reason=HandOff.Reason.REQUESTED)
    stamp(requested, "created_at", at(2, 10, 0))
    HandOff.objects.filter(pk=requested.pk).update(accepted_at=at(2, 10, 5))
    # Outside the range: a link shared a month earlier.
    shared_link(w.liu, customer(w, w.liu), -30)
    # The stranger's link and chat, in range.
    stranger_customer = CustomerFactory(owner=w.stranger, organisation=w.other)
    visit(shared_link(w.stranger, stranger_customer, 0), None)
    w.customers = (a, b, c, d, e)
    return w


def filters(world: World, **extra) -> Filters:
    return Filters(world.org.pk, DAY, DAY + timedelta(days=6), **extra)
