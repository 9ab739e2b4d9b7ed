"""The figures of the managers' dashboard (issue 21): how the cards, the bot, the intent engine, the branches and the
call assistant perform, for one organisation, a date range and optional salesperson, branch and line of business.

Every figure is counted by the database (grouped and conditional aggregates, ``Exists`` subqueries, percentiles by
ordering), never by looping over rows in Python; what Python touches is the handful of grouped rows that come back.
Each section returns a ``Table``: the rows a chart draws and the page shows as numbers and CSV.

Which filters apply where (the page says it too):
- cards (funnel), hand-offs, emotion: salesperson and line of business (the conversation's product, or for links
  the card owner's lines);
- intent engine: salesperson (the customer's owner);
- branch: branch and line of business (the branch's lines);
- call assistant: salesperson;
- models: organisation only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from base.model_gate import Verdict
from base.verdict_labels import verdict_summary
from branch.models import Task, TaskFeedback
from crm.models import BehaviorEvent
from crm.tenancy import scoped
from dialogue.calls.models import Call, ReplyModelVersion, ReplyScript, ReplySuggestion
from dialogue.models import Conversation, Emotion, EmotionModelVersion, HandOff, Message
from intent.models import IntentFeedback, IntentModelVersion, IntentPrediction
from salescard.models import CardEvent, CardLink, CardVisit

# Emotions from most negative to most positive: the trajectory of a conversation is better when it ends higher.
VALENCE = {"angry": -2, "low": -1, "lost": -1, "calm": 0, "joyful": 1, "excited": 2}
PURCHASE_WINDOW = timedelta(days=30)  # a purchase within this time after a prediction judges it


@dataclass(frozen=True)
class Filters:
    """What the manager chose. ``organisation`` None: every organisation (a superuser above them all)."""

    organisation: int | None
    start: date
    end: date  # inclusive
    salesperson: int | None = None
    branch: int | None = None
    line: str = ""

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:  # exclusive
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def within(self, lookup: str) -> Q:
        return Q(**{f"{lookup}__gte": self.since, f"{lookup}__lt": self.until})


@dataclass
class Table:
    """One section's figures: column keys with their headings, rows of values (a chart reads the same rows)."""

    key: str
    title: Any
    columns: list[tuple[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: list[tuple[Any, Any]] = field(default_factory=list)  # (label, value) pairs shown above the table
    applies: Any = ""  # which filters apply

    def display_rows(self) -> list[list[tuple[Any, bool]]]:
        """Cells in column order as people read them (shares as percentages), each with whether it is a number."""
        return [[_shown(row.get(key)) for key, _ in self.columns] for row in self.rows]

    def summary_cells(self) -> list[tuple[Any, Any]]:
        return [(label, _shown(value)[0]) for label, value in self.summary]

    def csv_rows(self) -> Iterable[list[Any]]:
        yield [str(heading) for _, heading in self.columns]
        for row in self.rows:
            yield ["" if row.get(key) is None else row.get(key) for key, _ in self.columns]


class Share(float):
    """A share (0–1): a number to charts, sums and CSV, a percentage to people (``str``: "33.3%")."""

    def __str__(self) -> str:
        return f"{self * 100:.1f}%"


def _shown(value: Any) -> tuple[Any, bool]:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return (str(value) if isinstance(value, Share) else value), number


def _ratio(part: int | float, whole: int | float) -> Share | None:
    return Share(round(part / whole, 3)) if whole else None


def percentile(queryset: QuerySet, expression: Any, q: float) -> Any:
    """The nearest-rank ``q`` percentile of ``expression`` over ``queryset``, found by the database's ordering."""
    values = queryset.annotate(_value=expression).exclude(_value=None)
    n = values.count()
    if not n:
        return None
    rank = max(math.ceil(q * n) - 1, 0)
    return values.order_by("_value").values_list("_value", flat=True)[rank]


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds(), 1)


def _sells_line(lookup: str, line: str) -> Q:
    """Staff (or branches) at ``lookup`` that sell ``line``: it is in their lines, or they have none (every line of
    the company). The lines are a JSON list; matching its text with the quotes works the same on SQLite and
    PostgreSQL."""
    return Q(**{f"{lookup}__lines_of_business__icontains": f'"{line}"'}) | Q(**{f"{lookup}__lines_of_business": []})


def _of_conversations(queryset: QuerySet, f: Filters, path: str = "") -> QuerySet:
    """``queryset`` narrowed to the salesperson's conversations and the line of the conversation's product (``path``
    leads from its rows to the conversation, e.g. ``conversation__``)."""
    if f.salesperson:
        queryset = queryset.filter(**{f"{path}salesperson_id": f.salesperson})
    if f.line:
        queryset = queryset.filter(**{f"{path}product__category__line_of_business": f.line})
    return queryset


# --- Cards -----------------------------------------------------------------------------------------------------------


def card_funnel(f: Filters) -> Table:
    """Links shared in the range, and how many of them went on to each next step (a cohort funnel)."""
    links = scoped(CardLink.objects.filter(f.within("created_at")), f.organisation)
    if f.salesperson:
        links = links.filter(card__salesperson_id=f.salesperson)
    if f.line:
        links = links.filter(_sells_line("card__salesperson", f.line))
    visits = CardVisit.objects.filter(link=OuterRef("pk"))
    chatted = visits.filter(conversation__messages__sender=Message.Sender.CUSTOMER)
    offered = CardVisit.objects.filter(link=OuterRef("pk")).annotate(
        actions_text=Cast("conversation__messages__actions", TextField())
    )
    counts = links.aggregate(
        shared=Count("pk"),
        opened=Count("pk", filter=Q(Exists(visits))),
        chatted=Count("pk", filter=Q(Exists(chatted))),
        handed_off=Count("pk", filter=Q(Exists(visits.filter(conversation__handoffs__isnull=False)))),
        purchase_shown=Count("pk", filter=Q(Exists(offered.filter(actions_text__contains="offer_purchase_link")))),
        purchase_opened=Count(
            "pk",
            filter=Q(Exists(CardEvent.objects.filter(link=OuterRef("pk"), kind=CardEvent.Kind.PURCHASE_CLICKED))),
        ),
    )
    steps = [
        ("shared", _("shared")),
        ("opened", _("opened")),
        ("chatted", _("chatted")),
        ("handed_off", _("handed off")),
        ("purchase_shown", _("purchase view shown")),
        ("purchase_opened", _("purchase link opened")),
    ]
    rows = [
        {"step": str(label), "links": counts[key], "of_shared": _ratio(counts[key], counts["shared"])}
        for key, label in steps
    ]
    return Table(
        "funnel",
        _("Card funnel"),
        [("step", _("step")), ("links", _("card links")), ("of_shared", _("share of links shared"))],
        rows,
        applies=_("date shared, salesperson, line of business"),
    )


# --- The bot and hand-offs -------------------------------------------------------------------------------------------


def _conversations(f: Filters) -> QuerySet:
    """Conversations with a customer message in the range."""
    conversations = scoped(Conversation.objects.all(), f.organisation).filter(
        Exists(Message.objects.filter(conversation=OuterRef("pk"), sender=Message.Sender.CUSTOMER).filter(
            f.within("created_at")
        ))
    )  # fmt: skip
    return _of_conversations(conversations, f)


def handoffs(f: Filters) -> Table:
    handed = _of_conversations(
        scoped(HandOff.objects.filter(f.within("created_at")), f.organisation), f, "conversation__"
    )
    wait = ExpressionWrapper(F("accepted_at") - F("created_at"), output_field=DurationField())
    accepted = handed.filter(accepted_at__isnull=False)
    by_reason = {
        row["reason"]: row
        for row in handed.values("reason").annotate(
            n=Count("pk"),
            escalated=Count("pk", filter=~Q(escalations=[])),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        )
    }
    rows = [
        {
            "reason": str(label),
            "handoffs": by_reason.get(code, {}).get("n", 0),
            "accepted": by_reason.get(code, {}).get("accepted", 0),
            "escalated": by_reason.get(code, {}).get("escalated", 0),
        }
        for code, label in HandOff.Reason.choices
    ]
    conversations = _conversations(f).aggregate(
        n=Count("pk"), handed=Count("pk", filter=Q(Exists(HandOff.objects.filter(conversation=OuterRef("pk")))))
    )
    total = sum(row["handoffs"] for row in rows)
    bot_alone = _ratio(conversations["n"] - conversations["handed"], conversations["n"])
    summary = [
        (_("hand-offs"), total),
        (_("time to accept, p50 (s)"), _seconds(percentile(accepted, wait, 0.5))),
        (_("time to accept, p90 (s)"), _seconds(percentile(accepted, wait, 0.9))),
        (_("escalated to someone else"), sum(row["escalated"] for row in rows)),
        (_("conversations"), conversations["n"]),
        (_("share answered by the bot alone"), bot_alone),
    ]
    return Table(
        "handoffs",
        _("Hand-offs"),
        [
            ("reason", _("reason")),
            ("handoffs", _("hand-offs")),
            ("accepted", _("accepted")),
            ("escalated", _("escalated")),
        ],
        rows,
        summary,
        applies=_("date handed off, salesperson, line of business"),
    )


def emotion_over_time(f: Filters) -> Table:
    """Per day: customer messages, mean satisfaction K, and how many read as each emotion."""
    messages = scoped(Message.objects.filter(sender=Message.Sender.CUSTOMER), f.organisation).filter(
        f.within("created_at")
    )
    messages = _of_conversations(messages, f, "conversation__")
    per_emotion = {name: Count("pk", filter=Q(emotion=name)) for name in VALENCE}
    rows = [
        {
            "day": row["day"].isoformat(),
            "messages": row["messages"],
            "mean_k": None if row["mean_k"] is None else round(row["mean_k"], 3),
            **{name: row[name] for name in VALENCE},
        }
        for row in messages.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(messages=Count("pk"), mean_k=Avg("satisfaction"), **per_emotion)
        .order_by("day")
    ]
    columns = [("day", _("day")), ("messages", _("customer messages")), ("mean_k", _("mean satisfaction K"))]
    columns += [(name, label) for name, label in _emotion_labels()]
    return Table("emotion", _("Emotion and satisfaction over time"), columns, rows,
                 applies=_("date of the message, salesperson, line of business"))  # fmt: skip


def _emotion_labels() -> list[tuple[str, Any]]:
    labels = dict(Emotion.choices)
    return [(name, labels.get(name, name)) for name in VALENCE]


def emotion_trajectories(f: Filters) -> Table:
    """Each conversation's first and last customer emotion (a survey-free satisfaction signal beside K): how many
    conversations went each way, and whether they ended better, the same or worse."""
    customer_said = Message.objects.filter(conversation=OuterRef("pk"), sender=Message.Sender.CUSTOMER).exclude(
        emotion=""
    )
    first = customer_said.order_by("created_at", "pk")
    last = customer_said.order_by("-created_at", "-pk")
    paths = (
        _conversations(f)
        .annotate(
            start=Subquery(first.values("emotion")[:1]),
            end=Subquery(last.values("emotion")[:1]),
            k_start=Subquery(first.values("satisfaction")[:1]),
            k_end=Subquery(last.values("satisfaction")[:1]),
        )
        .exclude(start=None)
        .values("start", "end")
        .annotate(conversations=Count("pk"), k_start=Avg("k_start"), k_end=Avg("k_end"))
        .order_by("start", "end")
    )
    labels = dict(_emotion_labels())
    rows = []
    for row in paths:  # at most 36 grouped rows
        change = VALENCE.get(row["end"], 0) - VALENCE.get(row["start"], 0)
        rows.append(
            {
                "start": str(labels.get(row["start"], row["start"])),
                "end": str(labels.get(row["end"], row["end"])),
                "conversations": row["conversations"],
                "direction": str(_("better") if change > 0 else _("worse") if change < 0 else _("same")),
                "k_start": None if row["k_start"] is None else round(row["k_start"], 3),
                "k_end": None if row["k_end"] is None else round(row["k_end"], 3),
            }
        )
    rows.sort(key=lambda row: -row["conversations"])  # the commonest paths first
    total = sum(row["conversations"] for row in rows)
    better = sum(row["conversations"] for row in rows if row["direction"] == str(_("better")))
    worse = sum(row["conversations"] for row in rows if row["direction"] == str(_("worse")))
    return Table(
        "trajectory",
        _("Emotion from start to end of each conversation"),
        [
            ("start", _("emotion at the start")),
            ("end", _("emotion at the end")),
            ("conversations", _("conversations")),
            ("direction", _("ended")),
            ("k_start", _("mean K at the start")),
            ("k_end", _("mean K at the end")),
        ],
        rows,
        [
            (_("conversations"), total),
            (_("ended better"), _ratio(better, total)),
            (_("ended worse"), _ratio(worse, total)),
        ],
        applies=_("date of the messages, salesperson, line of business"),
    )


# --- Intent engine ---------------------------------------------------------------------------------------------------


def intent_hits(f: Filters) -> Table:
    """Per model version (or the cold-start ranking): predictions made in the range that a purchase judged (the
    customer bought within 30 days after it: a transaction or a "purchased" feedback), and the share whose first /
    top-3 intent was the product bought."""
    predictions = scoped(IntentPrediction.objects.filter(f.within("created_at")), f.organisation)
    if f.salesperson:
        predictions = predictions.filter(customer__owner_id=f.salesperson)
    predictions = predictions.annotate(
        first=Cast(KT("intents__0__product_id"), IntegerField()),
        second=Cast(KT("intents__1__product_id"), IntegerField()),
        third=Cast(KT("intents__2__product_id"), IntegerField()),
    )

    until = ExpressionWrapper(OuterRef("created_at") + PURCHASE_WINDOW, output_field=DateTimeField())

    def window(model: type, lookup: str, **extra: Any) -> QuerySet:
        return model.objects.filter(
            customer=OuterRef("customer"),
            **{f"{lookup}__gt": OuterRef("created_at"), f"{lookup}__lte": until},
            **extra,
        )

    # How well each purchase in the window matched the prediction: 3 the first intent, 2 another of the top 3, 1 some
    # other product. A prediction's best match (0: no purchase) says at once whether a purchase judged it (≥ 1), its
    # first intent was bought (3) and one of its top 3 was (≥ 2): one look at each customer's purchases instead of one
    # per figure, and the predictions are then counted per version and match.
    match = Case(
        When(product_id=OuterRef("first"), then=Value(3)),
        When(Q(product_id=OuterRef("second")) | Q(product_id=OuterRef("third")), then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )

    def best(purchases: QuerySet) -> Subquery:
        return Subquery(purchases.annotate(match=match).order_by("-match").values("match")[:1])

    events = window(BehaviorEvent, "occurred_at", kind=BehaviorEvent.Kind.TRANSACTION, product__isnull=False)
    feedback = window(IntentFeedback, "created_at", signal=IntentFeedback.Signal.PURCHASED)
    matched = predictions.annotate(best=Greatest(Coalesce(best(events), Value(0)), Coalesce(best(feedback), Value(0))))
    figures = ("predictions", "judged", "hit1", "hit3")
    counted: dict[str | None, dict[str, int]] = {}  # per version in the database's order of versions
    grouped = matched.values("model_version__version", "best").annotate(n=Count("pk"))
    for row in grouped.order_by("model_version__version", "best"):  # at most 4 rows per version
        version = counted.setdefault(row["model_version__version"], dict.fromkeys(figures, 0))
        version["predictions"] += row["n"]
        version["judged"] += row["n"] if row["best"] >= 1 else 0
        version["hit3"] += row["n"] if row["best"] >= 2 else 0
        version["hit1"] += row["n"] if row["best"] == 3 else 0
    rows = [
        {
            "version": version or str(_("cold-start ranking")),
            "predictions": row["predictions"],
            "judged": row["judged"],
            "hit_rate_1": _ratio(row["hit1"], row["judged"]),
            "hit_rate_3": _ratio(row["hit3"], row["judged"]),
        }
        for version, row in counted.items()
    ]
    return Table(
        "intent",
        _("Intent engine: first and top-3 intent against purchases"),
        [
            ("version", _("model version")),
            ("predictions", _("predictions")),
            ("judged", _("followed by a purchase")),
            ("hit_rate_1", _("first intent bought")),
            ("hit_rate_3", _("bought among the top 3")),
        ],
        rows,
        applies=_("date predicted, salesperson (the customer's owner)"),
    )


# --- Branches --------------------------------------------------------------------------------------------------------


def branch_tasks(f: Filters) -> Table:
    """Per branch and week: tasks, time to accept, and the match tiers of the feedback."""
    tasks = scoped(Task.objects.filter(f.within("created_at")), f.organisation)
    if f.branch:
        tasks = tasks.filter(branch_id=f.branch)
    if f.line:
        tasks = tasks.filter(_sells_line("branch", f.line))
    tiers = TaskFeedback.Tier
    grouped = (
        tasks.annotate(week=TruncWeek("created_at", output_field=DateField()))
        .values("branch__name", "week")
        .annotate(
            tasks=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            very_accurate=Count("pk", filter=Q(feedback__tier=tiers.VERY_ACCURATE)),
            accurate=Count("pk", filter=Q(feedback__tier=tiers.ACCURATE)),
            inaccurate=Count("pk", filter=Q(feedback__tier=tiers.INACCURATE)),
            no_purchase=Count("pk", filter=Q(feedback__tier=tiers.NO_PURCHASE)),
            mean_score=Avg("feedback__match_score"),
        )
        .order_by("branch__name", "week")
    )
    rows = [
        {
            "branch": row["branch__name"],
            "week": row["week"].isoformat() if row["week"] else "",
            "tasks": row["tasks"],
            "accepted": row["accepted"],
            "very_accurate": row["very_accurate"],
            "accurate": row["accurate"],
            "inaccurate": row["inaccurate"],
            "no_purchase": row["no_purchase"],
            "mean_score": None if row["mean_score"] is None else round(row["mean_score"], 3),
        }
        for row in grouped
    ]
    wait = ExpressionWrapper(F("accepted_at") - F("created_at"), output_field=DurationField())
    accepted = tasks.filter(accepted_at__isnull=False)
    summary = [
        (_("tasks"), sum(row["tasks"] for row in rows)),
        (_("time to accept, p50 (s)"), _seconds(percentile(accepted, wait, 0.5))),
        (_("time to accept, p90 (s)"), _seconds(percentile(accepted, wait, 0.9))),
    ]
    return Table(
        "branch",
        _("Branch tasks and how well the recommendations matched"),
        [
            ("branch", _("branch")),
            ("week", _("week")),
            ("tasks", _("tasks")),
            ("accepted", _("accepted")),
            ("very_accurate", _("very accurate")),
            ("accurate", _("accurate")),
            ("inaccurate", _("inaccurate")),
            ("no_purchase", _("nothing bought")),
            ("mean_score", _("mean match score")),
        ],
        rows,
        summary,
        applies=_("date of the task, branch, line of business (the branch's lines)"),
    )


# --- Call assistant --------------------------------------------------------------------------------------------------


def call_suggestions(f: Filters) -> Table:
    """Per script kind: suggestions shown, used, sent, rated, the mean rating, and how many were in calls won."""
    suggestions = scoped(ReplySuggestion.objects.filter(f.within("created_at")), f.organisation)
    if f.salesperson:
        suggestions = suggestions.filter(call__salesperson_id=f.salesperson)
    grouped = {
        row["script__kind"]: row
        for row in suggestions.values("script__kind").annotate(
            shown=Count("pk"),
            used=Count("pk", filter=Q(used_at__isnull=False)),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            mean_rating=Avg("rating"),
            in_deals=Count("pk", filter=Q(used_at__isnull=False, call__outcome="deal")),
        )
    }
    labels = dict(ReplyScript.Kind.choices)
    rows = [
        {
            "kind": str(labels.get(kind, kind) or _("no kind")),
            "shown": row["shown"],
            "used": row["used"],
            "sent": row["sent"],
            "rated": row["rated"],
            "mean_rating": None if row["mean_rating"] is None else round(row["mean_rating"], 1),
            "used_in_deals": row["in_deals"],
        }
        for kind, row in sorted(grouped.items(), key=lambda item: -item[1]["shown"])
    ]
    calls = scoped(Call.objects.filter(f.within("created_at")), f.organisation)
    if f.salesperson:
        calls = calls.filter(salesperson_id=f.salesperson)
    outcomes = calls.aggregate(calls=Count("pk"), deals=Count("pk", filter=Q(outcome="deal")))
    return Table(
        "calls",
        _("Call assistant: suggested replies by kind"),
        [
            ("kind", _("script kind")),
            ("shown", _("shown")),
            ("used", _("used")),
            ("sent", _("sent to the customer")),
            ("rated", _("rated")),
            ("mean_rating", _("mean rating")),
            ("used_in_deals", _("used in calls that ended in a deal")),
        ],
        rows,
        [(_("calls"), outcomes["calls"]), (_("deals"), outcomes["deals"])],
        applies=_("date suggested, salesperson"),
    )


# --- Models ----------------------------------------------------------------------------------------------------------


def model_versions(f: Filters) -> Table:
    """Every model version the organisation is served by, with its verdict against the baselines."""
    groups = [
        (_("intent"), scoped(IntentModelVersion.objects.all(), f.organisation)),
        (_("text emotion"), EmotionModelVersion.objects.all()),
        (_("reply scripts"), ReplyModelVersion.objects.all()),
    ]
    rows = []
    for label, versions in groups:  # version rows: a few dozen at most
        for version in versions.order_by("-created_at")[:20]:
            verdict = Verdict.from_dict(version.verdict)
            rows.append(
                {
                    "model": str(label),
                    "version": version.version,
                    "active": str(_("yes") if version.is_active else _("no")),
                    "trained": timezone.localtime(version.created_at).strftime("%Y-%m-%d %H:%M"),
                    "against_baselines": verdict_summary(verdict) if verdict else "—",
                }
            )
    return Table(
        "models",
        _("Models: held-out figures beside their baselines"),
        [
            ("model", _("model")),
            ("version", _("version")),
            ("active", _("serving")),
            ("trained", _("trained")),
            ("against_baselines", _("against its baselines")),
        ],
        rows,
        applies=_("organisation only"),
    )


SECTIONS = {
    "funnel": card_funnel,
    "handoffs": handoffs,
    "emotion": emotion_over_time,
    "trajectory": emotion_trajectories,
    "intent": intent_hits,
    "branch": branch_tasks,
    "calls": call_suggestions,
    "models": model_versions,
}


def all_sections(f: Filters) -> list[Table]:
    return [section(f) for section in SECTIONS.values()]
