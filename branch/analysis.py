"""Demand information for a branch task (SPEC B4, X2): the customer's behaviour → the one intent engine →
booked business, preference portrait, potential needs ranked by purchase probability, top 3 with a reason each.

Transactions, app browsing and searches reach the engine as behaviour events (usage data only under the
customer's consent, which the engine itself enforces); customer-service chats are the customer's chat messages.
Nothing here is a second model: the ranking is the intent engine's, the portrait is ``intent.portrait``.

Only products of the branch's organisation in the lines of business it serves (``Branch.lines_of_business``,
every line when empty) are ranked (issue 19): a 理财 ticket at a bank branch gets bank products.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from branch.models import Task
from crm.models import BehaviorEvent, ChatMessage, Customer, Product
from crm.tenancy import products_for
from intent.inference import latest_prediction, predict_intent, rank_products
from intent.models import IntentPrediction
from intent.portrait import build_portrait
from intent.ranking_scope import scoped_intents

FRESH_FOR = datetime.timedelta(hours=6)  # a branch visit is worth a fresh look; older predictions are redone
TOP = 3
NEEDS = 10  # how many potential needs the analysis ranks (B4); the top 3 are shown first
REASON = {
    "browsing_apps": "浏览与App使用都指向它",
    "browsing_user": "浏览记录与客户资料相符",
    "apps_user": "App使用习惯与客户资料相符",
    "fallback": "同等级客户最常购买",
    "ranking": "综合排序中的潜在需求",
}


@dataclass(frozen=True)
class Demand:
    recommendations: list[dict]
    info: dict


def analyse_demand(task: Task) -> Demand:
    customer = task.customer
    branch = task.branch
    lines = tuple(branch.lines_of_business or ())
    prediction = _prediction(customer)
    portrait = build_portrait(customer)
    catalogue = list(products_for(branch.organisation_id, lines))
    # The top 3 are the engine's stored intents (the same the card greets with) among the branch's products; the
    # ranked needs go on with the engine's ranking of the branch's other products.
    top = scoped_intents(customer, branch.organisation_id, lines, prediction=prediction, catalogue=catalogue)
    seen = {i["product_id"] for i in top}
    ranked = top
    if customer.organisation_id == branch.organisation_id:
        ranked = top + [
            r | {"association": "ranking"}
            for r in rank_products(customer, NEEDS, lines=lines)
            if r["product_id"] not in seen
        ]
    products = {p.pk: p for p in catalogue}
    needs = []
    for intent in ranked[:NEEDS]:
        product = products.get(intent["product_id"])
        if product is None:
            continue
        needs.append(
            {
                "rank": len(needs) + 1,
                "product_id": product.pk,
                "product": product.name,
                "category": product.category.name,
                "probability": intent.get("probability"),
                "reason": _reason(intent, product, task.business),
            }
        )
    info = {
        "booked_business": task.business,
        "level": portrait.level.level,
        "portrait": {
            "attributes": [f.as_dict() for f in portrait.attributes],
            "preferences": [f.as_dict() for f in portrait.preferences],
            "scenes": [f.as_dict() for f in portrait.consumption_scenes],
        },
        "needs": needs,
        "customer": customer_card(customer),
        "assets": {k: customer.assets.get(k, 0) for k in Customer.ASSET_CLASSES},
        "preferences": customer.preferences,
        "behaviour": _behaviour_summary(customer),
        "is_fallback": prediction.is_fallback or bool(top) and all(i.get("association") == "fallback" for i in top),
    }
    return Demand(recommendations=needs[:TOP], info=info)


def analyse_task(task_id: int) -> Task | None:
    """Analyse and store; returns None when the task is gone (the Celery task may run late)."""
    task = Task.objects.select_related("customer", "branch").filter(pk=task_id).first()
    if task is None:
        return None
    demand = analyse_demand(task)
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(
            recommendations=demand.recommendations, demand=demand.info, analysed_at=timezone.now()
        )
    task.refresh_from_db()
    return task


def customer_card(customer: Customer) -> dict:
    """B6 customer info: name, age, gender, residence, married."""
    return {
        "name": customer.name,
        "age": customer.age,
        "gender": customer.gender,
        "gender_label": str(customer.get_gender_display()),
        "residence": customer.residence,
        "married": customer.married,
    }


def _prediction(customer: Customer) -> IntentPrediction:
    stored = latest_prediction(customer)
    if stored is not None and stored.created_at >= timezone.now() - FRESH_FOR:
        return stored
    return predict_intent(customer)


def _reason(intent: dict, product: Product, business: str) -> str:
    if business and (business in product.name or business in product.category.name):
        return f"预约办理「{business}」"
    return REASON.get(intent.get("association", ""), "综合行为数据推荐")


def _behaviour_summary(customer: Customer) -> dict:
    since = timezone.now() - datetime.timedelta(days=365)
    events = BehaviorEvent.objects.filter(customer=customer, occurred_at__gte=since)
    return {
        "transactions": events.filter(kind=BehaviorEvent.Kind.TRANSACTION).count(),
        "searches": events.filter(kind=BehaviorEvent.Kind.SEARCH).count(),
        "browsing": events.filter(kind=BehaviorEvent.Kind.BROWSE).count(),
        "service_chats": ChatMessage.objects.filter(customer=customer, sent_at__gte=since).count(),
    }
