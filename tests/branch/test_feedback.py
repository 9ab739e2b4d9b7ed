"""Ending a task (B8): the SPEC's match tiers, the preference overlap, the intent engine's feedback, refusals,
and accuracy per branch and week."""

from __future__ import annotations

import pytest

from branch.feedback import FeedbackRefusedError, accuracy_by_branch_and_week, end_task, match, start_task
from branch.models import Task, TaskFeedback
from branch.tokens import register_wearable
from intent.models import IntentFeedback
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(branch, branch_staff):
    """A task with three recommendations and two more listed needs, taken by a watch."""
    wearable, _ = register_wearable("watch-7", staff=branch_staff)
    products = [ProductFactory(name=f"产品{i}") for i in range(6)]
    needs = [{"product_id": p.pk, "product": p.name} for p in products[:5]]
    customer = CustomerFactory(preferences={"风格": ["稳健"], "渠道": ["手机银行"]})
    task = Task.objects.create(
        branch=branch,
        customer=customer,
        status=Task.Status.VIEWED,
        wearable=wearable,
        recommendations=needs[:3],
        demand={"needs": needs, "preferences": customer.preferences, "portrait": {"preferences": []}},
    )
    return task, wearable, products


def test_tiers_follow_the_spec(taken):
    task, _, products = taken
    assert match(task, products[1].pk, []).tier == TaskFeedback.Tier.VERY_ACCURATE
    assert match(task, products[4].pk, []).tier == TaskFeedback.Tier.ACCURATE
    assert match(task, products[5].pk, []).tier == TaskFeedback.Tier.INACCURATE
    assert match(task, None, []).tier == TaskFeedback.Tier.NO_PURCHASE
    assert match(task, products[1].pk, []).score == 1.0
    assert match(task, products[4].pk, []).score == 0.6


def test_the_preference_overlap_counts_what_the_analysis_named(taken):
    task, _, products = taken
    half = match(task, products[0].pk, ["稳健", "高收益"])
    assert half.preference_overlap == 0.5
    assert half.score == pytest.approx(0.7 * 1.0 + 0.3 * 0.5)


def test_ending_stores_the_feedback_closes_the_task_and_teaches_the_engine(taken):
    task, wearable, products = taken
    start_task(wearable, task.pk)

    feedback = end_task(wearable, task.pk, success=True, product=products[2].pk, preferences=["手机银行"])

    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.ended_at is not None
    assert feedback.tier == TaskFeedback.Tier.VERY_ACCURATE and feedback.preference_overlap == 1.0
    learned = IntentFeedback.objects.get(customer=task.customer)
    assert learned.product == products[2] and learned.signal == IntentFeedback.Signal.PURCHASED
    assert learned.source == IntentFeedback.Source.BRANCH
    rows = accuracy_by_branch_and_week()
    assert rows[0]["tasks"] == 1 and rows[0]["accuracy"] == 1.0 and rows[0]["branch"] == task.branch.name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"success": "yes", "product": None, "preferences": []}, "success"),
        ({"success": True, "product": "3", "preferences": []}, "product"),
        ({"success": True, "product": 999999, "preferences": []}, "No such product"),
        ({"success": True, "product": None, "preferences": "稳健"}, "preferences"),
        ({"success": True, "product": None, "preferences": ["x" * 51]}, "preferences"),
    ],
)
def test_bad_feedback_is_refused_and_the_task_stays_open(taken, fields, message):
    task, wearable, _ = taken
    with pytest.raises(FeedbackRefusedError) as refused:
        end_task(wearable, task.pk, **fields)
    assert message in str(refused.value)
    task.refresh_from_db()
    assert task.status == Task.Status.VIEWED and not TaskFeedback.objects.exists()


def test_only_the_owner_ends_a_task_and_only_once(taken, branch_staff):
    task, wearable, _ = taken
    other, _ = register_wearable("watch-8", staff=branch_staff)
    with pytest.raises(FeedbackRefusedError):
        end_task(other, task.pk, success=False, product=None, preferences=[])
    end_task(wearable, task.pk, success=False, product=None, preferences=[])
    with pytest.raises(FeedbackRefusedError):
        end_task(wearable, task.pk, success=False, product=None, preferences=[])
    assert TaskFeedback.objects.count() == 1


def test_the_admin_shows_accuracy_per_branch_and_week(taken, client, manager):
    task, wearable, products = taken
    end_task(wearable, task.pk, success=True, product=products[4].pk, preferences=[])
    client.force_login(manager)

    page = client.get("/admin/branch/taskfeedback/").content.decode()

    assert 'id="accuracy"' in page and task.branch.name in page and "100%" in page


# --- B7: what the customer says during the task --------------------------------------------------------------
@pytest.fixture
def started(branch, branch_staff):
    from tests.factories import ProductCategoryFactory

    wearable, _ = register_wearable("watch-live", staff=branch_staff)
    fund_category = ProductCategoryFactory(code="fund", name="基金")
    insurance = ProductCategoryFactory(code="insurance", name="保险")
    fund = ProductFactory(category=fund_category, name="稳健债券基金")
    deposit = ProductFactory(name="三年期大额存单")
    cover = ProductFactory(category=insurance, name="百万医疗险", price=300)
    needs = [
        {"product_id": fund.pk, "product": fund.name, "probability": 0.5, "reason": "r"},
        {"product_id": deposit.pk, "product": deposit.name, "probability": 0.3, "reason": "r"},
    ]
    task = Task.objects.create(
        branch=branch,
        customer=CustomerFactory(),
        status=Task.Status.STARTED,
        wearable=wearable,
        recommendations=needs,
        demand={"needs": needs},
    )
    return task, wearable, fund, deposit, cover


def test_a_rejected_product_drops_and_an_interesting_category_comes_in(started):
    from branch.demand import add_segment

    task, wearable, fund, deposit, cover = started

    _, update = add_segment(task, wearable.pk, "基金我不要，对保险比较感兴趣")

    ids = [r["product_id"] for r in update.recommendations]
    assert ids == [cover.pk, deposit.pk, fund.pk]
    assert {a["signal"] for a in update.adjustments} == {"reject", "interest"}
    task.refresh_from_db()
    assert task.recommendations == update.recommendations


def test_negated_rejection_and_unrelated_words_change_nothing(started):
    from branch.demand import add_segment
    from branch.models import DemandUpdate

    task, wearable, *_ = started
    assert add_segment(task, wearable.pk, "不是不要基金，我再想想")[1] is None
    assert add_segment(task, wearable.pk, "今天天气不错")[1] is None
    assert not DemandUpdate.objects.exists()
    assert task.segments.count() == 2


def test_a_keyword_without_a_name_refers_to_the_product_talked_about_last(started):
    from branch.demand import add_segment

    task, wearable, fund, deposit, _ = started
    assert add_segment(task, wearable.pk, "这个债券基金收益怎么样？")[1] is None
    _, update = add_segment(task, wearable.pk, "算了，不考虑了")

    assert [r["product_id"] for r in update.recommendations] == [deposit.pk, fund.pk]


@pytest.mark.parametrize("text", ["", "   ", 42, "很" * 2001])
def test_bad_segments_are_refused_and_nothing_is_stored(started, text):
    from branch.demand import SegmentRefusedError, add_segment

    task, wearable, *_ = started
    with pytest.raises(SegmentRefusedError):
        add_segment(task, wearable.pk, text)
    assert not task.segments.exists()


def test_products_are_recognised_by_their_short_name_and_within_their_clause(started):
    from branch.demand import catalogue_targets, read_adjustments

    task, _, fund, deposit, cover = started
    found, last = read_adjustments("大额存单不考虑，但是对百万医疗险很感兴趣", catalogue_targets(task.branch))

    assert [(a.signal, a.target.id) for a in found] == [("reject", deposit.pk), ("interest", cover.pk)]
    assert last.id == cover.pk


# --- B5: reminders and escalation -------------------------------------------------------------------------------
def test_an_untaken_task_is_reminded_then_escalated_to_the_branch_manager_once(branch, settings, mailoutbox):
    import datetime

    from django.utils import timezone

    from branch.escalation import sweep_unaccepted

    settings.BRANCH_ACK_SECONDS = 60
    settings.BRANCH_REMINDERS_BEFORE_ESCALATION = 1
    branch.manager.email = "manager@example.cn"
    branch.manager.save()
    task = Task.objects.create(branch=branch, customer=CustomerFactory(), analysed_at=timezone.now())
    start = task.created_at

    assert sweep_unaccepted(start + datetime.timedelta(seconds=30)) == []
    assert sweep_unaccepted(start + datetime.timedelta(seconds=61)) == [(task.pk, "reminded")]
    assert sweep_unaccepted(start + datetime.timedelta(seconds=90)) == []
    assert sweep_unaccepted(start + datetime.timedelta(seconds=121)) == [(task.pk, "escalated")]
    assert sweep_unaccepted(start + datetime.timedelta(seconds=300)) == []
    task.refresh_from_db()
    assert task.reminded == 1 and task.escalated_at is not None
    assert len(mailoutbox) == 1 and "无人接单" in mailoutbox[0].subject


def test_an_accepted_task_is_never_reminded(taken):
    import datetime

    from django.utils import timezone

    from branch.escalation import sweep_unaccepted

    task, *_ = taken
    assert sweep_unaccepted(timezone.now() + datetime.timedelta(hours=1)) == []
