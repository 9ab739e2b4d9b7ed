"""Closeness between each member of staff and a customer (SPEC P4), and the ranking the sidebar shows.

    closeness = 100 × Σ wᵢ·fᵢ / Σ wᵢ        every feature fᵢ lies in [0, 1]; the weights wᵢ are edited in the admin

- friendship age: days since they became IM friends / ``friendship_full_days``, at most 1; 0 without friendship;
- shared groups: Σ over the group chats both are in of 1/√(members − 1), at most 1 — a group of two counts 1,
  of five 0.5, of 101 only 0.1;
- messages from the customer: 1 − e^(−n / ``message_scale``), n = the customer's messages to this staff member;
- messages to the customer: the same for the staff member's messages to the customer;
- recency: e^(−days / ``recency_days``) since their latest message either way or the customer's latest action
  towards the staff member;
- reply latency: e^(−minutes / ``latency_minutes``), the median time either side took to answer the other (a
  message after one from the other side within a day);
- behaviour: 1 − e^(−n / ``behaviour_scale``), n = the customer's actions towards this staff member (opened the
  card, clicked a link, …) in 90 days.

Only staff linked to the customer (a friend, in a shared group, or the owner) are ranked. Four queries for a
customer, whatever the number of colleagues: friendships, the members of the customer's groups, the latest 500
messages (counts and latencies; a fifth query counts when there are more), and actions.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from base.table_cache import KeyedTableCache
from crm import tenancy
from crm.im_profile.models import ClosenessWeights
from crm.models import BehaviorEvent, ChatGroupMembership, ChatMessage, Customer, Friendship, Organisation, User
from crm.tenancy import with_defaults

WEIGHTS_RECHECK_SECONDS = 5.0
BEHAVIOUR_DAYS = 90
LATENCY_MESSAGES = 500
REPLY_WINDOW = timedelta(days=1)
FEATURES = ("friendship", "groups", "messages_in", "messages_out", "recency", "reply_latency", "behaviour")


def _load_weights(organisation_id: int | None) -> ClosenessWeights:
    """The organisation's own weights when it has a row, else the product-wide row (created on first use)."""
    if organisation_id is not None:
        own = ClosenessWeights.objects.filter(organisation_id=organisation_id).order_by("pk").first()
        if own is not None:
            return own
    product_wide = ClosenessWeights.objects.filter(organisation__isnull=True).order_by("pk").first()
    return product_wide or ClosenessWeights.objects.create()


def _weights_stamp(organisation_id: int | None) -> tuple:
    row = with_defaults(ClosenessWeights.objects.all(), organisation_id).aggregate(
        rows=Count("pk"), latest=Max("updated_at")
    )
    return row["rows"], row["latest"]


# Every process re-reads the weights within WEIGHTS_RECHECK_SECONDS of an admin change (at once in the admin's).
WEIGHTS: KeyedTableCache[int | None, ClosenessWeights] = KeyedTableCache(
    _load_weights, _weights_stamp, WEIGHTS_RECHECK_SECONDS
)


def current_weights(organisation: Organisation | int | None = None) -> ClosenessWeights:
    """The weights ``organisation`` ranks with: its own row, else the product-wide one (``None``: product-wide)."""
    return WEIGHTS.get(organisation.pk if isinstance(organisation, Organisation) else organisation)


def forget_weights() -> None:
    WEIGHTS.invalidate()


@dataclass
class Evidence:
    """What one staff member and the customer share, before it becomes a score."""

    friends_since: datetime | None = None
    group_sizes: list[int] = field(default_factory=list)
    messages_in: int = 0
    messages_out: int = 0
    last_contact: datetime | None = None
    latencies: list[float] = field(default_factory=list)  # minutes
    actions: int = 0


@dataclass(frozen=True)
class Closeness:
    staff: User
    score: float  # 0..100
    features: dict[str, float]
    evidence: Evidence
    contributions: list[tuple[str, float]] = field(default_factory=list)  # points per feature, largest first


def contributions(features: dict[str, float], weights: ClosenessWeights) -> list[tuple[str, float]]:
    """How many of the score's points each feature gave (weight × value, scaled as the score is), largest first;
    the points add up to the score (issue 21: a score explains itself)."""
    total_weight = sum(getattr(weights, name) for name in FEATURES)
    if total_weight <= 0:
        return []
    points = [
        (name, round(100 * getattr(weights, name) * features.get(name, 0.0) / total_weight, 1)) for name in FEATURES
    ]
    return sorted(points, key=lambda item: -item[1])


def score(evidence: Evidence, weights: ClosenessWeights, now: datetime) -> tuple[float, dict[str, float]]:
    features = {
        "friendship": (
            min(1.0, max(0.0, (now - evidence.friends_since).days / weights.friendship_full_days))
            if evidence.friends_since
            else 0.0
        ),
        "groups": min(1.0, sum(1 / math.sqrt(max(size - 1, 1)) for size in evidence.group_sizes)),
        "messages_in": 1 - math.exp(-evidence.messages_in / weights.message_scale),
        "messages_out": 1 - math.exp(-evidence.messages_out / weights.message_scale),
        "recency": (
            math.exp(-max((now - evidence.last_contact).total_seconds(), 0) / 86400 / weights.recency_days)
            if evidence.last_contact
            else 0.0
        ),
        "reply_latency": (
            math.exp(-statistics.median(evidence.latencies) / weights.latency_minutes) if evidence.latencies else 0.0
        ),
        "behaviour": 1 - math.exp(-evidence.actions / weights.behaviour_scale),
    }
    total_weight = sum(getattr(weights, name) for name in FEATURES)
    if total_weight <= 0:
        return 0.0, features
    value = 100 * sum(getattr(weights, name) * features[name] for name in FEATURES) / total_weight
    return round(value, 1), {name: round(f, 3) for name, f in features.items()}


def gather_evidence(customer: Customer, now: datetime) -> dict[int, Evidence]:
    evidence: dict[int, Evidence] = defaultdict(Evidence)
    for staff_id, since in Friendship.objects.filter(customer=customer).values_list("staff_id", "since"):
        evidence[staff_id].friends_since = since
    groups = ChatGroupMembership.objects.filter(customer=customer).values("group")
    members = list(ChatGroupMembership.objects.filter(group__in=groups).values_list("group_id", "staff_id"))
    sizes = Counter(group_id for group_id, _ in members)
    for group_id, staff_id in members:
        if staff_id:
            evidence[staff_id].group_sizes.append(sizes[group_id])
    _add_messages(customer, evidence)
    actions = (
        BehaviorEvent.objects.filter(
            customer=customer, staff__isnull=False, occurred_at__gte=now - timedelta(days=BEHAVIOUR_DAYS)
        )
        .values("staff")
        .annotate(n=Count("pk"), last=Max("occurred_at"))
    )
    for row in actions:
        item = evidence[row["staff"]]
        item.actions = row["n"]
        item.last_contact = max(filter(None, (item.last_contact, row["last"])))
    return evidence


def _add_messages(customer: Customer, evidence: dict[int, Evidence]) -> None:
    """Message counts each way and their latest time, and reply latencies from the latest ``LATENCY_MESSAGES``
    one-to-one messages; one query for a customer with fewer messages than that, two otherwise."""
    recent = list(
        ChatMessage.objects.filter(customer=customer, staff__isnull=False)
        .order_by("-sent_at")
        .values_list("staff_id", "direction", "sent_at", "group_id")[: LATENCY_MESSAGES + 1]
    )
    if len(recent) <= LATENCY_MESSAGES:
        counts: dict[tuple[int, str], list] = {}
        for staff_id, direction, sent_at, _ in recent:
            row = counts.setdefault((staff_id, direction), [0, sent_at])  # newest first: the first is the latest
            row[0] += 1
        rows = [(staff_id, direction, n, last) for (staff_id, direction), (n, last) in counts.items()]
    else:
        rows = list(
            ChatMessage.objects.filter(customer=customer, staff__isnull=False)
            .values("staff", "direction")
            .annotate(n=Count("pk"), last=Max("sent_at"))
            .values_list("staff", "direction", "n", "last")
        )
    for staff_id, direction, n, last in rows:
        item = evidence[staff_id]
        if direction == ChatMessage.Direction.INBOUND:
            item.messages_in = n
        else:
            item.messages_out = n
        item.last_contact = max(filter(None, (item.last_contact, last)))
    previous: dict[int, tuple[str, datetime]] = {}
    for staff_id, direction, sent_at, group_id in reversed(recent[:LATENCY_MESSAGES]):
        if group_id is not None:
            continue  # a group message answers nobody in particular
        last = previous.get(staff_id)
        if last and last[0] != direction and sent_at - last[1] <= REPLY_WINDOW:
            evidence[staff_id].latencies.append((sent_at - last[1]).total_seconds() / 60)
        previous[staff_id] = (direction, sent_at)


def rank_staff(customer: Customer, now: datetime | None = None) -> list[Closeness]:
    """Every staff member linked to the customer, closest first."""
    now = now or timezone.now()
    evidence = gather_evidence(customer, now)
    linked = {
        staff_id
        for staff_id, item in evidence.items()
        if item.friends_since or item.group_sizes or item.messages_in or item.messages_out
    }
    if customer.owner_id:
        linked.add(customer.owner_id)
    # Only the customer's own company's staff (issue 19), with that company's weights.
    staff = tenancy.staff_of(customer.organisation_id).filter(pk__in=linked).in_bulk()
    weights = current_weights(customer.organisation_id)
    ranking = []
    for staff_id, member in staff.items():
        value, features = score(evidence.get(staff_id, Evidence()), weights, now)
        given = contributions(features, weights)
        ranking.append(Closeness(member, value, features, evidence.get(staff_id, Evidence()), given))
    ranking.sort(key=lambda c: (-c.score, c.staff.pk))
    return ranking
