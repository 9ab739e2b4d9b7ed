"""The managers' dashboard figures (issue 21) against a small world counted by hand: every aggregate, the filters,
and that another organisation's rows never count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from base.model_gate import judge, record_verdict
from branch.models import Branch, Task, TaskFeedback
from crm.models import BehaviorEvent
from dialogue.calls.models import Call, CallSegment, ReplyScript, ReplySuggestion
from intent.models import IntentFeedback, IntentModelVersion, IntentPrediction
from salescard import dashboard_figures as figures
from salescard.dashboard_figures import Filters
from tests.dashboard_world import DAY, at, filters, stamp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # labels read in English here


def column(table, key: str) -> list:
    return [row[key] for row in table.rows]


def test_the_card_funnel_counts_links_shared_in_the_range_and_each_later_step(world) -> None:
    table = figures.card_funnel(filters(world))
    assert column(table, "links") == [5, 4, 3, 2, 1, 1]
    assert column(table, "of_shared") == [1.0, 0.8, 0.6, 0.4, 0.2, 0.2]


def test_the_funnel_narrows_to_a_salesperson_and_a_line(world) -> None:
    assert column(figures.card_funnel(filters(world, salesperson=world.chen.pk)), "links") == [1, 1, 1, 1, 0, 0]
    assert column(figures.card_funnel(filters(world, line="home")), "links") == [4, 3, 2, 1, 1, 1]


def test_a_superuser_above_every_organisation_sees_the_strangers_link_too(world) -> None:
    everyone = Filters(None, DAY, DAY + timedelta(days=6))
    assert column(figures.card_funnel(everyone), "links")[:2] == [6, 5]


def test_handoffs_by_reason_with_the_wait_percentiles_and_the_bots_share(world) -> None:
    table = figures.handoffs(filters(world))
    by_reason = {row["reason"]: row for row in table.rows}
    assert by_reason["Satisfaction below the threshold"] == {
        "reason": "Satisfaction below the threshold",
        "handoffs": 1,
        "accepted": 1,
        "escalated": 1,
    }
    assert by_reason["The customer asked for a person"]["handoffs"] == 1
    summary = {str(label): value for label, value in table.summary}
    assert summary["hand-offs"] == 2
    assert summary["time to accept, p50 (s)"] == 60.0
    assert summary["time to accept, p90 (s)"] == 300.0
    assert summary["escalated to someone else"] == 1
    # Three conversations with customer messages, two handed off: the bot answered one alone.
    assert summary["conversations"] == 3
    assert summary["share answered by the bot alone"] == pytest.approx(0.333)


def test_emotion_per_day_counts_each_emotion_and_averages_k(world) -> None:
    table = figures.emotion_over_time(filters(world))
    rows = {row["day"]: row for row in table.rows}
    assert (
        rows["2026-11-10"]["messages"] == 2 and rows["2026-11-10"]["angry"] == 1 and rows["2026-11-10"]["joyful"] == 1
    )
    assert rows["2026-11-10"]["mean_k"] == 0.0
    assert rows["2026-11-12"]["calm"] == 2 and rows["2026-11-12"]["mean_k"] == 0.5
    banking = figures.emotion_over_time(filters(world, line="banking"))
    assert [row["day"] for row in banking.rows] == ["2026-11-12"]


def test_trajectories_say_which_conversations_ended_better_or_worse(world) -> None:
    table = figures.emotion_trajectories(filters(world))
    paths = {(row["start"], row["end"]): row for row in table.rows}
    assert paths[("Angry", "Joyful")]["direction"] == "better"
    assert paths[("Angry", "Joyful")]["k_start"] == -1.0 and paths[("Angry", "Joyful")]["k_end"] == 1.0
    assert paths[("Calm", "Angry")]["direction"] == "worse"
    assert paths[("Calm", "Calm")]["direction"] == "same"
    summary = {str(label): value for label, value in table.summary}
    assert summary == {"conversations": 3, "ended better": 0.333, "ended worse": 0.333}


def test_intent_hit_rates_per_version_count_only_predictions_a_purchase_judged(world) -> None:
    a, b, c, d, e = world.customers
    version = IntentModelVersion.objects.create(organisation=world.org, version="v7", path="x", sha256="0")

    def predict(who, products, version=None):
        intents = [{"product_id": p.pk, "product": p.name, "probability": 0.3} for p in products]
        row = IntentPrediction.objects.create(customer=who, model_version=version, intents=intents)
        stamp(row, "created_at", at(0))
        return row

    predict(a, [world.sofa, world.bed], version)  # a buys the sofa: first intent right
    predict(b, [world.bed, world.sofa], version)  # b buys the sofa: in the top 3, not first
    predict(c, [world.bed], version)  # c buys nothing: not judged
    predict(d, [world.bed], None)  # the cold-start ranking; d buys the fund: a miss
    bought = BehaviorEvent.objects.create(customer=a, kind=BehaviorEvent.Kind.TRANSACTION, product=world.sofa)
    stamp(bought, "occurred_at", at(2))
    feedback = IntentFeedback.objects.create(
        customer=b, product=world.sofa, signal=IntentFeedback.Signal.PURCHASED, source="staff"
    )
    stamp(feedback, "created_at", at(3))
    late = BehaviorEvent.objects.create(customer=c, kind=BehaviorEvent.Kind.TRANSACTION, product=world.bed)
    stamp(late, "occurred_at", at(0) + timedelta(days=45))  # outside the 30 days: does not judge
    fund = BehaviorEvent.objects.create(customer=d, kind=BehaviorEvent.Kind.TRANSACTION, product=world.fund)
    stamp(fund, "occurred_at", at(1))

    rows = {row["version"]: row for row in figures.intent_hits(filters(world)).rows}
    assert rows["v7"] == {"version": "v7", "predictions": 3, "judged": 2, "hit_rate_1": 0.5, "hit_rate_3": 1.0}
    assert rows["cold-start ranking"]["judged"] == 1 and rows["cold-start ranking"]["hit_rate_3"] == 0.0


def test_branch_tasks_per_week_with_match_tiers_and_wait(world) -> None:
    a, b, c, d, e = world.customers
    north = Branch.objects.create(organisation=world.org, code="n", name="北门店", lines_of_business=["home"])
    south = Branch.objects.create(organisation=world.org, code="s", name="南门店", lines_of_business=["banking"])
    tiers = [(north, a, "very_accurate", 1.0, 30), (north, b, "inaccurate", 0.0, 90), (south, c, None, None, None)]
    for where, who, tier, score, wait in tiers:
        task = Task.objects.create(branch=where, customer=who)
        stamp(task, "created_at", at(1))
        if wait is not None:
            Task.objects.filter(pk=task.pk).update(accepted_at=at(1) + timedelta(seconds=wait))
        if tier:
            TaskFeedback.objects.create(task=task, success=True, tier=tier, match_score=score)

    table = figures.branch_tasks(filters(world))
    rows = {row["branch"]: row for row in table.rows}
    assert rows["北门店"]["week"] == "2026-11-09"  # the Monday
    assert (rows["北门店"]["tasks"], rows["北门店"]["very_accurate"], rows["北门店"]["inaccurate"]) == (2, 1, 1)
    assert rows["北门店"]["mean_score"] == 0.5
    assert rows["南门店"]["tasks"] == 1 and rows["南门店"]["accepted"] == 0
    summary = {str(label): value for label, value in table.summary}
    assert summary["tasks"] == 3 and summary["time to accept, p50 (s)"] == 30.0
    assert summary["time to accept, p90 (s)"] == 90.0
    assert [row["branch"] for row in figures.branch_tasks(filters(world, branch=south.pk)).rows] == ["南门店"]
    assert [row["branch"] for row in figures.branch_tasks(filters(world, line="home")).rows] == ["北门店"]


def test_call_suggestions_by_kind_with_use_ratings_and_deals(world) -> None:
    a, *_ = world.customers
    won = Call.objects.create(customer=a, salesperson=world.liu, recording="calls/a.wav", outcome="deal")
    lost = Call.objects.create(customer=a, salesperson=world.chen, recording="calls/b.wav", outcome="no_deal")
    sorry = ReplyScript.objects.create(key="d-sorry", kind=ReplyScript.Kind.APOLOGY_REMEDY, text="抱歉")
    step = ReplyScript.objects.create(key="d-step", kind=ReplyScript.Kind.NEXT_STEP, text="约个时间")
    now = timezone.now()

    def said(call):
        return CallSegment.objects.create(call=call, index=0, start=0, end=2, text="太慢了", first_emotion="angry")

    heard, heard_lost = said(won), said(lost)
    ReplySuggestion.objects.create(call=won, segment=heard, script=sorry, rank=1, score=1, used_at=now, rating=80)
    ReplySuggestion.objects.create(call=won, segment=heard, script=step, rank=2, score=1)
    ReplySuggestion.objects.create(
        call=lost, segment=heard_lost, script=sorry, rank=1, score=1, used_at=now, rating=40, sent_at=now
    )
    ReplySuggestion.objects.filter(call__in=[won, lost]).update(created_at=at(2))
    Call.objects.filter(pk__in=[won.pk, lost.pk]).update(created_at=at(2))

    table = figures.call_suggestions(filters(world))
    rows = {row["kind"]: row for row in table.rows}
    apology = rows["Apology and a remedy"]
    assert (apology["shown"], apology["used"], apology["sent"], apology["rated"]) == (2, 2, 1, 2)
    assert apology["mean_rating"] == 60.0 and apology["used_in_deals"] == 1
    assert rows["Next step (visit, appointment, quote)"]["used"] == 0
    assert dict((str(k), v) for k, v in table.summary) == {"calls": 2, "deals": 1}
    only_chen = figures.call_suggestions(filters(world, salesperson=world.chen.pk))
    assert [row["shown"] for row in only_chen.rows] == [1]


def test_models_show_every_version_with_its_verdict_and_other_organisations_are_left_out(world) -> None:
    mine = IntentModelVersion.objects.create(organisation=world.org, version="v7", path="x", sha256="0")
    record_verdict(mine, judge("ndcg@3", 0.5, {"popularity": 0.4}, split="held-out customers"))
    IntentModelVersion.objects.create(organisation=world.other, version="theirs", path="y", sha256="0")
    rows = figures.model_versions(filters(world)).rows
    intent_rows = [row for row in rows if row["model"] == "intent"]
    assert [row["version"] for row in intent_rows] == ["v7"]
    assert intent_rows[0]["against_baselines"] == "✓ NDCG@3 0.500 vs popularity 0.400"


def test_csv_rows_follow_the_columns_and_leave_missing_values_empty(world) -> None:
    table = figures.card_funnel(filters(world, salesperson=world.stranger.pk))
    lines = list(table.csv_rows())
    assert lines[0] == ["step", "card links", "share of links shared"]
    assert lines[1] == ["shared", 0, ""]
