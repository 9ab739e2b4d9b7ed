"""intent/period_features.py: periods from month names, indicator changes and ranks against earlier periods, contact
activity and the feedback rate — each uses only what was known when a call was made. No database."""

import numpy as np
import pytest

from intent.period_features import (
    contact_activity,
    indicator_changes,
    indicator_ranks,
    period_ids,
    period_means,
    recent_outcome_rate,
)


def test_a_month_seen_again_a_year_later_is_a_new_period():
    # given calls ordered by time, with month names but no year
    months = ["may", "may", "jun", "jun", "jun", "may", "may"]
    # when the periods are numbered
    # then each run of one month is one period, and May of the next year is not May of the first
    assert period_ids(months).tolist() == [0, 0, 1, 1, 1, 2, 2]


def test_changes_compare_with_the_earlier_periods_mean():
    # given a rate of 4.0 in the first month and falling daily values in the second
    periods = np.array([0, 0, 1, 1])
    euribor = np.array([[4.0], [4.0], [3.5], [3.0]])
    # when the changes against one period earlier are computed
    changes = indicator_changes(euribor, periods, lags=(1,))
    # then the first month has nothing to compare with (0) and the second shows each day's fall since last month
    assert changes[:, 0].tolist() == [0.0, 0.0, -0.5, -1.0]


def test_a_call_does_not_see_later_calls_of_its_own_period():
    # given a month whose later calls have a much lower rate
    periods = np.array([0, 1, 1, 1])
    values = np.array([[2.0], [1.0], [0.1], [0.1]])
    # when the later calls change
    changed = values.copy()
    changed[2:] = -5.0
    # then the first call of the month gets the same features as before
    for features in (indicator_changes, indicator_ranks):
        assert features(values, periods)[1].tolist() == features(changed, periods)[1].tolist()


def test_a_level_below_every_earlier_month_ranks_zero_whatever_its_size():
    # given twelve months of Euribor between 4 and 5, then a month at 0.7 and a month at 4.5
    periods = np.repeat(np.arange(14), 2)
    levels = np.concatenate([np.linspace(4.0, 5.0, 12), [0.7, 4.5]])
    values = np.repeat(levels, 2)[:, None]
    # when ranked against the twelve months before
    ranks = indicator_ranks(values, periods, window=12)[:, 0]
    # then the unseen low level is simply "the lowest" (0), the first month is neutral (0.5), and 4.5 sits inside
    assert ranks[0] == 0.5
    assert ranks[24] == 0.0
    assert 0.3 < ranks[26] < 0.7


def test_period_means_average_each_period():
    assert period_means(np.array([1.0, 3.0, 10.0]), np.array([0, 0, 1]))[:, 0].tolist() == [2.0, 10.0]


def test_contact_activity_counts_earlier_calls_of_the_month_and_the_month_before():
    # given three calls in May and two in June
    activity = contact_activity(np.array([0, 0, 0, 1, 1]))
    # then the calls made earlier this month count up from 0, and June knows May had 3
    assert np.expm1(activity[:, 0]).round().tolist() == [0, 1, 2, 0, 1]
    assert np.expm1(activity[:, 1]).round().tolist() == [0, 0, 0, 3, 3]


def test_feedback_rate_uses_only_outcomes_known_before_the_call():
    # given four calls, outcomes becoming known in blocks of two
    labels = np.array([1, 1, 0, 0])
    known = np.array([0, 0, 2, 2])
    # when the recent rate is read without shrinkage
    rate = recent_outcome_rate(labels, known, last=10, prior_weight=0.0, default=0.3)
    # then the first block has only the default, and the second sees the first block's two subscriptions
    assert rate.tolist() == [0.3, 0.3, 1.0, 1.0]
    # and the second block's own outcomes do not move its feature
    assert recent_outcome_rate(np.array([1, 1, 1, 1]), known, 10, 0.0, 0.3).tolist() == rate.tolist()


def test_feedback_rate_refuses_a_row_that_knows_its_own_outcome():
    with pytest.raises(ValueError, match="cannot be known"):
        recent_outcome_rate(np.array([1, 0]), np.array([1, 1]))


def test_feedback_rate_reads_only_the_latest_outcomes():
    # given ten old subscriptions then ten recent refusals, all known
    labels = np.array([1] * 10 + [0] * 10 + [0])
    known = np.full(21, 20)
    known[:20] = np.arange(20)
    # when only the last ten known outcomes count
    rate = recent_outcome_rate(labels, known, last=10, prior_weight=0.0)
    # then the last call sees a rate of 0, not the overall 0.5
    assert rate[-1] == 0.0
