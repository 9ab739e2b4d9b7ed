"""Ending a task (SPEC B8): success, the product actually bought and the actual preferences → the match score →
the intent engine's feedback (X2), and accuracy over time per branch for the admin.

Tiers follow the SPEC: the bought product among the top 3 recommendations is very accurate (1.0), elsewhere in
the ranked needs accurate (0.6), absent inaccurate (0.0). The preference overlap is the share of the actual
preferences that the analysis had named (portrait and profile). The match score is 0.7 × tier + 0.3 × overlap
when preferences were given, else the tier alone; a visit without a purchase scores the overlap (or 0).

The product bought must be one of the branch's organisation (issue 19); the engine learns it for that
organisation's model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import TruncWeek
from django.utils import timezone

from branch.models import Task, TaskFeedback, Wearable
from crm.models import Organisation, Product
from crm.tenancy import scoped
from intent.feedback import record_feedback
from intent.models import IntentFeedback

TIER_VALUE = {
    TaskFeedback.Tier.VERY_ACCURATE: 1.0,
    TaskFeedback.Tier.ACCURATE: 0.6,
    TaskFeedback.Tier.INACCURATE: 0.0,
    TaskFeedback.Tier.NO_PURCHASE: 0.0,
}
TIER_WEIGHT = 0.7
MAX_PREFERENCES = 20
MAX_PREFERENCE_CHARS = 50


class FeedbackRefusedError(ValueError):
    """The feedback cannot be taken; the message says why."""


@dataclass(frozen=True)
class Match:
    tier: str
    preference_overlap: float | None
    score: float


def match(task: Task, product_id: int | None, preferences: list[str]) -> Match:
    top3 = [r["product_id"] for r in task.recommendations[:3]]
    listed = [n["product_id"] for n in task.demand.get("needs", [])] or top3
    if product_id is None:
        tier = TaskFeedback.Tier.NO_PURCHASE
    elif product_id in top3:
        tier = TaskFeedback.Tier.VERY_ACCURATE
    elif product_id in listed:
        tier = TaskFeedback.Tier.ACCURATE
    else:
        tier = TaskFeedback.Tier.INACCURATE
    overlap = preference_overlap(predicted_preferences(task), preferences) if preferences else None
    if product_id is None:
        score = overlap or 0.0
    elif overlap is None:
        score = TIER_VALUE[tier]
    else:
        score = TIER_WEIGHT * TIER_VALUE[tier] + (1 - TIER_WEIGHT) * overlap
    return Match(tier, overlap, round(score, 4))


def predicted_preferences(task: Task) -> set[str]:
    named: set[str] = set()
    for values in (task.demand.get("preferences") or {}).values():
        named.update(str(v) for v in (values if isinstance(values, list) else [values]))
    for feature in (task.demand.get("portrait") or {}).get("preferences", []):
        named.add(str(feature.get("value", "")))
    return {n.strip() for n in named if n and n.strip()}


def preference_overlap(predicted: set[str], actual: list[str]) -> float:
    actual_set = {a.strip() for a in actual if a.strip()}
    if not actual_set:
        return 0.0
    hits = sum(1 for a in actual_set if any(a in p or p in a for p in predicted))
    return round(hits / len(actual_set), 4)


def end_task(
    wearable: Wearable, task_id: object, *, success: object, product: object, preferences: object
) -> TaskFeedback:
    """The watch that owns the task ends it with feedback; the intent engine learns what was bought."""
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise FeedbackRefusedError("task must be a task id.")
    if not isinstance(success, bool):
        raise FeedbackRefusedError("success must be true or false.")
    if product is not None and (not isinstance(product, int) or isinstance(product, bool)):
        raise FeedbackRefusedError("product must be a product id or null.")
    if (
        not isinstance(preferences, list)
        or len(preferences) > MAX_PREFERENCES
        or not all(isinstance(p, str) and len(p) <= MAX_PREFERENCE_CHARS for p in preferences)
    ):
        raise FeedbackRefusedError(
            f"preferences must be a list of at most {MAX_PREFERENCES} texts of {MAX_PREFERENCE_CHARS} characters."
        )
    # Only a product of the watch's organisation: another company's product does not exist here (issue 19).
    bought = Product.objects.filter(pk=product, organisation=wearable.organisation_id).first() if product else None
    if product is not None and bought is None:
        raise FeedbackRefusedError("No such product.")
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("customer").filter(pk=task_id).first()
        if task is None or task.wearable_id != wearable.pk:
            raise FeedbackRefusedError("Only the watch that took the task can end it.")
        if task.status not in Task.OPEN:
            raise FeedbackRefusedError("This task has ended already.")
        result = match(task, bought.pk if bought else None, preferences)
        feedback = TaskFeedback.objects.create(
            task=task,
            success=success,
            purchased_product=bought,
            actual_preferences=preferences,
            tier=result.tier,
            preference_overlap=result.preference_overlap,
            match_score=result.score,
        )
        task.status, task.ended_at = Task.Status.DONE, timezone.now()
        task.save(update_fields=["status", "ended_at"])
        if bought is not None:
            record_feedback(task.customer, bought, IntentFeedback.Signal.PURCHASED, IntentFeedback.Source.BRANCH)
    return feedback


def start_task(wearable: Wearable, task_id: object) -> Task:
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise FeedbackRefusedError("task must be a task id.")
    updated = Task.objects.filter(
        pk=task_id, wearable=wearable, status__in=(Task.Status.VIEWED, Task.Status.PENDING)
    ).update(status=Task.Status.STARTED, started_at=timezone.now())
    if not updated:
        raise FeedbackRefusedError("Only the watch that took the task can start it, once.")
    return Task.objects.get(pk=task_id)


def accuracy_by_branch_and_week(organisation: Organisation | int | None = None) -> list[dict]:
    """Per branch and week: tasks with feedback, the share rated very accurate or accurate, the mean score (of
    ``organisation``'s branches; every branch when None, for a superuser)."""
    rows: dict[tuple, dict] = defaultdict(lambda: {"tasks": 0, "accurate": 0, "score": 0.0})
    feedback = (
        scoped(TaskFeedback.objects.all(), organisation)
        .annotate(week=TruncWeek("created_at"))
        .values("task__branch__name", "week", "tier", "match_score")
    )
    for row in feedback:
        key = (row["task__branch__name"], row["week"])
        rows[key]["tasks"] += 1
        rows[key]["accurate"] += row["tier"] in (TaskFeedback.Tier.VERY_ACCURATE, TaskFeedback.Tier.ACCURATE)
        rows[key]["score"] += row["match_score"]
    return [
        {
            "branch": branch,
            "week": week.date() if hasattr(week, "date") else week,
            "tasks": value["tasks"],
            "accuracy": round(value["accurate"] / value["tasks"], 3),
            "mean_score": round(value["score"] / value["tasks"], 3),
        }
        for (branch, week), value in sorted(rows.items(), key=lambda item: (item[0][0], item[0][1]), reverse=False)
    ]
