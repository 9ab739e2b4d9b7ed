"""base/db.py: helpers for hand-written queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import NotSupportedError
from django.utils import timezone

from base.db import epoch_seconds_sql, placeholders
from crm.models import BehaviorEvent
from intent.features import load_events
from tests.factories import BehaviorEventFactory, CustomerFactory


def test_placeholders_and_unsupported_databases_are_refused() -> None:
    assert placeholders(3) == "%s, %s, %s"
    with pytest.raises(ValueError):
        placeholders(0)
    with pytest.raises(NotSupportedError, match="mysql"):
        epoch_seconds_sql("occurred_at", "mysql")


@pytest.mark.django_db
def test_events_read_with_exact_epoch_times_oldest_first_and_since() -> None:
    customer, other = CustomerFactory(), CustomerFactory()
    now = timezone.now().replace(microsecond=123000)
    times = [now - datetime.timedelta(days=d, seconds=s) for d, s in ((3, 0), (1, 7), (10, 0))]
    for at in times:
        BehaviorEventFactory(customer=customer, kind=BehaviorEvent.Kind.SEARCH, occurred_at=at)
    BehaviorEventFactory(customer=other, kind=BehaviorEvent.Kind.SEARCH, occurred_at=now)
    rows = load_events([customer.pk])[customer.pk]
    assert [r.at for r in rows] == pytest.approx(sorted(t.timestamp() for t in times), abs=1e-3)
    recent = load_events([customer.pk, other.pk], since=now - datetime.timedelta(days=5))
    assert len(recent[customer.pk]) == 2 and len(recent[other.pk]) == 1
    assert load_events([]) == {}
    assert load_events([customer.pk], kinds=(BehaviorEvent.Kind.BROWSE,)) == {}
