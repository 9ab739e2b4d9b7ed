"""Demo consent histories and the periods in which usage data may exist (SPEC X3, S1).

Consent rows form an append-only log; a customer who granted and later withdrew has two rows. Usage events are
generated only inside the periods :func:`granted_periods` returns, so no usage data predates a grant or follows a
withdrawal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.models import Consent

Purpose = Consent.Purpose
Source = Consent.Source

# Per purpose, the shares of (granted and kept, granted then withdrawn, refused); the rest never decided.
OUTCOME_SHARES = {
    Purpose.USAGE_DATA: (0.70, 0.10, 0.05),
    Purpose.PROFILE_EXTRACTION: (0.60, 0.08, 0.07),
    Purpose.CALL_RECORDING: (0.45, 0.04, 0.15),
    Purpose.CONTACT: (0.80, 0.07, 0.03),
}

GRANT_NOTES = {
    Source.CARD: "在名片隐私提示中勾选同意",
    Source.IM: "客户在微信中回复“同意”",
    Source.BRANCH: "网点柜台签署授权书",
    Source.PHONE: "电话回访时口头同意并录音",
    Source.MANUAL: "客户当面同意，由顾问录入",
}
WITHDRAW_NOTES = ("客户表示不希望再被分析使用数据", "客户在名片页撤回授权", "客户来电要求撤回", "客户在微信中要求停止")
REFUSE_NOTES = ("客户暂不同意", "客户表示再考虑一下", "")


@dataclass(frozen=True)
class ConsentDecision:
    purpose: str
    granted: bool
    decided_at: datetime
    source: str
    note: str

    def build(self, **related: object) -> Consent:
        return Consent(
            purpose=self.purpose,
            granted=self.granted,
            decided_at=self.decided_at,
            source=self.source,
            note=self.note,
            **related,
        )


def draw_consents(rng: random.Random, anchor: datetime, history_days: int) -> list[ConsentDecision]:
    """Every purpose's decisions, oldest first; a usage-data grant often falls inside the last ``history_days``."""
    decisions: list[ConsentDecision] = []
    for purpose, (kept, withdrawn, refused) in OUTCOME_SHARES.items():
        roll = rng.random()
        source = rng.choices(tuple(GRANT_NOTES), weights=(40, 30, 15, 5, 10))[0]
        if roll < kept + withdrawn:
            within_history = purpose == Purpose.USAGE_DATA and rng.random() < 0.2
            days_ago = rng.uniform(10, history_days - 5) if within_history else rng.uniform(history_days + 1, 700)
            granted_at = _at(rng, anchor, days_ago)
            decisions.append(ConsentDecision(purpose, True, granted_at, source, GRANT_NOTES[source]))
            if roll >= kept:
                withdrawn_at = granted_at + (anchor - granted_at) * rng.uniform(0.3, 0.9)
                source = rng.choice((Source.CARD, Source.IM, Source.PHONE))
                decisions.append(ConsentDecision(purpose, False, withdrawn_at, source, rng.choice(WITHDRAW_NOTES)))
        elif roll < kept + withdrawn + refused:
            decided_at = _at(rng, anchor, rng.uniform(1, 700))
            decisions.append(ConsentDecision(purpose, False, decided_at, source, rng.choice(REFUSE_NOTES)))
    return decisions


def granted_periods(decisions: list[ConsentDecision], purpose: str, until: datetime) -> list[tuple[datetime, datetime]]:
    """The [start, end) periods before ``until`` in which the latest decision for ``purpose`` was a grant."""
    periods: list[tuple[datetime, datetime]] = []
    start: datetime | None = None
    for decision in sorted((d for d in decisions if d.purpose == purpose), key=lambda d: d.decided_at):
        if decision.granted and start is None:
            start = decision.decided_at
        elif not decision.granted and start is not None:
            periods.append((start, decision.decided_at))
            start = None
    if start is not None and start < until:
        periods.append((start, until))
    return periods


def _at(rng: random.Random, anchor: datetime, days_ago: float) -> datetime:
    """``days_ago`` before the anchor, moved into office-ish hours (8:00–22:59)."""
    moment = anchor - timedelta(days=days_ago)
    return moment.replace(hour=rng.randint(8, 22), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
