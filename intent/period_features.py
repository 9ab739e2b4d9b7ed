"""Features relative to the current period (SPEC B4, B8, X2): economic indicators and contact activity as changes
against earlier periods and ranks among them, instead of raw levels.

A model that reads raw levels (a Euribor of 0.7 %, 4,990 employees) meets values it has never seen as soon as the
economy moves past its training months, and trees in particular cannot extrapolate there. Changes ("Euribor fell
0.3 points since last month") and ranks ("the lowest of the last twelve months") stay in the range the model was
trained on. Every feature of a call uses only what is known when the call is made: its own period's indicator
values and the periods before it — never later calls of its own period.

A *period* is a calendar month. When rows are ordered by time but carry only the month name (no year), as in the
UCI Bank Marketing calls, ``period_ids`` numbers the consecutive runs of one month.

Pure numpy; nothing from Django, so the benchmarks and the trainer can share it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def period_ids(months: Sequence[str]) -> np.ndarray:
    """Number the periods of time-ordered rows: a new period starts whenever the month changes."""
    ids = np.zeros(len(months), dtype=np.int64)
    for i in range(1, len(months)):
        ids[i] = ids[i - 1] + (months[i] != months[i - 1])
    return ids


def period_means(values: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """``[n_periods, k]``: the mean of each column over each period's rows (periods numbered 0..n-1)."""
    values = np.asarray(values, dtype=np.float64).reshape(len(periods), -1)
    count = np.bincount(periods)
    sums = np.stack(
        [np.bincount(periods, weights=values[:, j], minlength=len(count)) for j in range(values.shape[1])], 1
    )
    return sums / np.maximum(count, 1)[:, None]


def indicator_changes(values: np.ndarray, periods: np.ndarray, lags: Sequence[int] = (1, 3)) -> np.ndarray:
    """``[n, k·len(lags)]``: each row's indicator values minus their mean over the period ``lag`` periods earlier
    (0 when there is no such period yet). Column order: every indicator for the first lag, then the next lag."""
    values = np.asarray(values, dtype=np.float64).reshape(len(periods), -1)
    means = period_means(values, periods)
    out = []
    for lag in lags:
        earlier = periods - lag
        reference = np.where((earlier >= 0)[:, None], means[np.maximum(earlier, 0)], values)
        out.append(values - reference)
    return np.concatenate(out, axis=1)


def indicator_ranks(values: np.ndarray, periods: np.ndarray, window: int = 12) -> np.ndarray:
    """``[n, k]``: where each row's indicator value stands among the means of the ``window`` periods before its own,
    from 0 (below all of them) to 1 (above all of them), ties counting half; 0.5 when there is no earlier period."""
    values = np.asarray(values, dtype=np.float64).reshape(len(periods), -1)
    means = period_means(values, periods)
    out = np.full(values.shape, 0.5)
    for period in np.unique(periods):
        rows = periods == period
        history = means[max(0, period - window) : period]
        if len(history) == 0:
            continue
        current = values[rows][:, None, :]
        below = (history[None] < current).sum(1)
        equal = (history[None] == current).sum(1)
        out[rows] = (below + 0.5 * equal) / len(history)
    return out


def contact_activity(periods: np.ndarray) -> np.ndarray:
    """``[n, 3]``: log(1 + calls made earlier in this period), log(1 + calls in the previous period) and the
    difference of the two. A campaign that slows down (fewer, more selective calls) is a change the raw levels do
    not show."""
    periods = np.asarray(periods)
    so_far = np.zeros(len(periods))
    for i in range(1, len(periods)):
        so_far[i] = so_far[i - 1] + 1 if periods[i] == periods[i - 1] else 0
    count = np.bincount(periods).astype(np.float64)
    previous = np.where(periods > 0, count[np.maximum(periods - 1, 0)], 0.0)
    log_so_far, log_previous = np.log1p(so_far), np.log1p(previous)
    return np.stack([log_so_far, log_previous, log_so_far - log_previous], 1)


def recent_outcome_rate(
    labels: np.ndarray, known: np.ndarray, last: int = 1000, prior_weight: float = 20.0, default: float = 0.5
) -> np.ndarray:
    """Feedback as a feature (B8): for each row, the share of positive outcomes among the ``last`` most recent rows
    whose outcome was known when the row was scored (``known[i]``: how many rows, from the start, had known
    outcomes then; it must not exceed ``i``), shrunk towards the rate over all known rows by ``prior_weight``
    pseudo-rows; ``default`` where no outcome is known yet."""
    labels = np.asarray(labels, dtype=np.float64)
    cumulative = np.concatenate([[0.0], np.cumsum(labels)])
    known = np.asarray(known, dtype=np.int64)
    if np.any(known > np.arange(len(known))):
        raise ValueError("a row's own outcome, or a later one, cannot be known when it is scored")
    start = np.maximum(known - last, 0)
    positives, count = cumulative[known] - cumulative[start], (known - start).astype(np.float64)
    overall = np.where(known > 0, cumulative[known] / np.maximum(known, 1), default)
    weight = count + prior_weight
    return np.where(weight > 0, (positives + prior_weight * overall) / np.maximum(weight, 1e-12), overall)
