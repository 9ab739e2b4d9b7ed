"""The last 30 days of activity behind the demo managers' dashboard (issue 21): card links shared to demo customers,
the visits, the chats with their analysed messages, hand-offs, purchase offers and clicks, and the bank branch's
tasks with their feedback. Without it a first ``make run`` would show a manager a dashboard of empty sections.

Rows are written directly (not by replaying the bot), deterministically from a seed, spread over the days before
now; each customer message carries an analysis consistent with its K (K = α·A + β·B with the default weights) so the
terminal's "why?" explains it like a live one. Only customers without a card link get one, so the links
``ensure_demo_cards`` printed stay the customers' live links. ``seed_activity`` does nothing when any conversation
exists already (``--if-empty``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from branch.models import Branch, Task, TaskFeedback
from crm.models import Customer, Product
from dialogue.config import ScoringValues
from dialogue.models import Conversation, HandOff, Message
from dialogue.score_explanations import scoring_weights
from salescard.cards import issue_link
from salescard.models import CardEvent, CardLink, CardVisit, SmartCard

DAYS = 30
LINKS_PER_SALESPERSON = 24
TASKS_PER_BRANCH = 40

# What a demo customer says, by emotion: text, positive words, negative words, purchase-intent words.
LINES = {
    "joyful": ("这个看起来不错，挺喜欢的", ["不错", "喜欢"], [], []),
    "excited": ("太好了！我想买，怎么下单？", ["太好了"], [], ["想买", "怎么下单"]),
    "calm": ("请问有什么优惠吗？", [], [], []),
    "lost": ("我有点不明白，这两个有什么区别？", [], ["不明白"], []),
    "low": ("唉，价格还是有点高", [], ["有点高"], []),
    "angry": ("太差了，到现在还没人处理，我要投诉！", [], ["太差", "投诉"], []),
}
EMOTION_WEIGHTS = {"calm": 30, "joyful": 20, "excited": 10, "lost": 12, "low": 15, "angry": 13}


@dataclass
class ActivityReport:
    links: int = 0
    visits: int = 0
    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    tasks: int = 0
    skipped: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)


def seed_activity(seed: int = 7, if_empty: bool = True) -> ActivityReport:
    if if_empty and Conversation.objects.exists():
        return ActivityReport(skipped=True)
    rng = random.Random(seed)
    now = timezone.now()
    report = ActivityReport()
    with transaction.atomic():
        for card in SmartCard.objects.select_related("salesperson").order_by("pk"):
            _card_activity(card, rng, now, report)
        for branch in Branch.objects.order_by("pk"):
            _branch_activity(branch, rng, now, report)
    return report


def _when(rng: random.Random, now, days: int = DAYS):
    return now - timedelta(days=rng.uniform(0.2, days))


def _card_activity(card: SmartCard, rng: random.Random, now, report: ActivityReport) -> None:
    salesperson = card.salesperson
    products = list(Product.objects.filter(organisation=card.organisation_id, is_active=True).order_by("pk")[:20])
    customers = (
        Customer.objects.filter(owner=salesperson)
        .exclude(pk__in=CardLink.objects.filter(customer__isnull=False).values("customer_id"))
        .order_by("pk")[:LINKS_PER_SALESPERSON]
    )
    cfg = ScoringValues()
    for customer in customers:
        shared_at = _when(rng, now)
        link = issue_link(card, customer)
        CardLink.objects.filter(pk=link.pk).update(created_at=shared_at)
        report.links += 1
        if rng.random() > 0.75 or not products:
            continue
        product = rng.choice(products)
        opened_at = shared_at + timedelta(minutes=rng.uniform(2, 600))
        visit = CardVisit.objects.create(
            link=link, customer=customer, language="zh-hans", product=product, opened_at=opened_at
        )
        report.visits += 1
        if rng.random() > 0.6:
            continue
        chat = Conversation.objects.create(
            customer=customer, salesperson=salesperson, product=product, state=Conversation.State.CLOSED
        )
        CardVisit.objects.filter(pk=visit.pk).update(conversation=chat)
        report.conversations += 1
        moment = opened_at + timedelta(minutes=1)
        emotions = rng.choices(list(EMOTION_WEIGHTS), weights=list(EMOTION_WEIGHTS.values()), k=rng.randint(1, 4))
        for emotion in emotions:
            _customer_message(chat, emotion, moment, cfg, report)
            moment += timedelta(minutes=rng.uniform(0.5, 4))
        last = emotions[-1]
        if last == "angry" or (last in ("low", "lost") and rng.random() < 0.5) or rng.random() < 0.1:
            reason = HandOff.Reason.LOW_SATISFACTION if last in ("angry", "low") else HandOff.Reason.REQUESTED
            escalated = [{"to": "manager", "at": moment.isoformat()}] if rng.random() < 0.2 else []
            handoff = HandOff.objects.create(
                conversation=chat, reason=reason, status=HandOff.Status.CLOSED, escalations=escalated
            )
            HandOff.objects.filter(pk=handoff.pk).update(
                created_at=moment, accepted_at=moment + timedelta(seconds=rng.uniform(15, 420))
            )
            report.handoffs += 1
        elif last in ("excited", "joyful") and product.purchase_url:
            offer = Message.objects.create(
                conversation=chat,
                sender=Message.Sender.BOT,
                text=f"点页面上的购买入口就能办理{product.name}。",
                actions=[{"type": "offer_purchase_link", "product_id": product.pk, "url": product.purchase_url}],
            )
            Message.objects.filter(pk=offer.pk).update(created_at=moment)
            if rng.random() < 0.45:
                event = CardEvent.objects.create(
                    link=link, customer=customer, kind=CardEvent.Kind.PURCHASE_CLICKED, detail=str(product.pk)
                )
                CardEvent.objects.filter(pk=event.pk).update(occurred_at=moment + timedelta(minutes=1))


def _customer_message(chat: Conversation, emotion: str, moment, cfg: ScoringValues, report: ActivityReport) -> None:
    text, positive, negative, intent = LINES[emotion]
    tokens = max(len(text) // 2, 1)
    a = min(1.0, len(positive) / tokens)
    b = min(1.0, len(negative) / tokens)
    k = round(cfg.alpha * a + cfg.beta * b, 4)
    c = sum(len(word) for word in intent)
    p = round(min(1.0, cfg.gamma * c / len(text)), 4)
    analysis = {
        "positive_share": round(a, 4),
        "negative_share": round(b, 4),
        "intent_chars": c,
        "reply_chars": len(text),
        "matched": {"positive": positive, "negative": negative, "purchase_intent": intent},
        "lexicon_rule": "dissatisfied" if emotion == "angry" else "excited" if emotion == "excited" else "calm",
        "model_scores": {},
        "model_version": "",
        "reason_words": [],
        "weights": scoring_weights(cfg, None),  # what the terminal explains K with
        "demo": True,
    }
    message = Message.objects.create(
        conversation=chat,
        sender=Message.Sender.CUSTOMER,
        text=text,
        language="zh-hans",
        emotion=emotion,
        satisfaction=k,
        deal_rate=p,
        analysis=analysis,
    )
    Message.objects.filter(pk=message.pk).update(created_at=moment)
    report.messages += 1


def _branch_activity(branch: Branch, rng: random.Random, now, report: ActivityReport) -> None:
    customers = list(Customer.objects.filter(organisation=branch.organisation_id).order_by("pk")[:200])
    products = list(Product.objects.filter(organisation=branch.organisation_id, is_active=True).order_by("pk")[:20])
    if not customers or not products:
        return
    tiers = [TaskFeedback.Tier.VERY_ACCURATE, TaskFeedback.Tier.ACCURATE, TaskFeedback.Tier.INACCURATE,
             TaskFeedback.Tier.NO_PURCHASE]  # fmt: skip
    scores = {TaskFeedback.Tier.VERY_ACCURATE: 1.0, TaskFeedback.Tier.ACCURATE: 0.6, TaskFeedback.Tier.INACCURATE: 0.0,
              TaskFeedback.Tier.NO_PURCHASE: 0.0}  # fmt: skip
    for _ in range(TASKS_PER_BRANCH):
        created = _when(rng, now)
        task = Task.objects.create(branch=branch, customer=rng.choice(customers), status=Task.Status.DONE)
        accepted = created + timedelta(seconds=rng.uniform(8, 240))
        Task.objects.filter(pk=task.pk).update(
            created_at=created, accepted_at=accepted, started_at=accepted, ended_at=accepted + timedelta(minutes=12)
        )
        tier = rng.choices(tiers, weights=[35, 25, 15, 25])[0]
        bought = rng.choice(products) if tier != TaskFeedback.Tier.NO_PURCHASE else None
        TaskFeedback.objects.create(
            task=task,
            success=bought is not None,
            purchased_product=bought,
            tier=tier,
            match_score=scores[tier],
        )
        report.tasks += 1
