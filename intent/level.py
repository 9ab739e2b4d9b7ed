"""User level (SPEC S2): high-net-worth / general / potential value, explained by the inputs that decided it.

Each active ``LevelCriterion`` that a customer meets earns its points; when several criteria look at the
same input (tiers such as financial assets ≥ ¥1M and ≥ ¥6M), only the highest-scoring one counts, so a
tier never double-counts. The total against ``LevelThresholds`` gives the level: the customer's organisation's
own thresholds when it has them, else the product-wide ones (``level_thresholds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crm.models import Customer
from intent.config import IntentConfig, get_config
from intent.models import LevelCriterion, LevelThresholds, UserLevel

INCOME_LABELS = dict(Customer.IncomeBand.choices)  # lazy labels: translated when shown

FINANCIAL_ASSET_CLASSES = ("deposits", "stocks", "funds", "insurance")


@dataclass(frozen=True)
class LevelSignal:
    criterion: str
    input: str
    value: str
    points: int


@dataclass(frozen=True)
class LevelResult:
    level: str
    points: int
    signals: tuple[LevelSignal, ...]

    @property
    def label(self) -> str:
        return str(UserLevel(self.level).label)

    def reasons(self) -> list[str]:
        return [f"{s.criterion}: {s.value} (+{s.points})" for s in self.signals]


def assess_level(customer: Customer, config: IntentConfig | None = None) -> LevelResult:
    config = config or get_config()
    best: dict[str, LevelSignal] = {}
    for criterion in config.level_criteria:
        value = _matched_value(criterion, customer)
        if value is None:
            continue
        signal = LevelSignal(criterion.name, criterion.input, value, criterion.points)
        if criterion.input not in best or signal.points > best[criterion.input].points:
            best[criterion.input] = signal
    signals = tuple(sorted(best.values(), key=lambda s: -s.points))
    points = sum(s.points for s in signals)
    thresholds = level_thresholds(customer.organisation_id, config)
    if points >= thresholds.high_net_worth_points:
        level = UserLevel.HIGH_NET_WORTH
    elif points >= thresholds.general_points:
        level = UserLevel.GENERAL
    else:
        level = UserLevel.POTENTIAL
    return LevelResult(level=level.value, points=points, signals=signals)


def level_thresholds(organisation_id: int | None, config: IntentConfig | None = None) -> LevelThresholds:
    """The thresholds an organisation uses: its own row, else the product-wide one (issue 19)."""
    return (config or get_config()).thresholds_for(organisation_id)


def asset_total(customer: Customer, classes: tuple[str, ...] | None = None) -> Decimal:
    assets = customer.assets if isinstance(customer.assets, dict) else {}
    return sum(
        (Decimal(str(v)) for k, v in assets.items() if (classes is None or k in classes) and _is_amount(v)),
        Decimal("0"),
    )


def _is_amount(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value >= 0


def _matched_value(criterion: LevelCriterion, customer: Customer) -> str | None:
    """The customer's value for the criterion's input when it meets the criterion, else None."""
    kind = LevelCriterion.Input
    if criterion.input == kind.INCOME_BAND:
        band = customer.income_band
        return str(INCOME_LABELS.get(band, band)) if band and band in criterion.values else None
    if criterion.input == kind.JOB_TITLE:
        title = customer.job_title or ""
        return title if title and any(word and word in title for word in criterion.values) else None
    if criterion.min_value is None:
        return None
    if criterion.input == kind.ONLINE_SPEND:
        amount = customer.monthly_online_spend
    elif criterion.input == kind.FINANCIAL_ASSETS:
        amount = asset_total(customer, FINANCIAL_ASSET_CLASSES)
    elif criterion.input == kind.TOTAL_ASSETS:
        amount = asset_total(customer)
    else:
        return None
    if amount is None or Decimal(amount) < criterion.min_value:
        return None
    return f"¥{Decimal(amount):,.0f}"
