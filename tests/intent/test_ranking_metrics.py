"""intent/ranking_metrics.py against values computed by hand."""

import math

import numpy as np
import pytest
import torch

from intent.ranking_metrics import hit_rate_at_k, mean_reciprocal_rank, ndcg_at_k, target_ranks


def test_target_rank_counts_the_candidates_scored_above_the_target():
    # Given the target in column 0 scored 0.5 and two candidates above it
    scores = np.array([[0.5, 0.9, 0.1, 0.7], [0.8, 0.1, 0.2, 0.3]])

    # Then it is third (rank 2) in the first list and first (rank 0) in the second
    assert target_ranks(scores).tolist() == [2, 0]


def test_target_rank_takes_one_target_column_per_row_and_torch_tensors():
    scores = torch.tensor([[0.1, 0.9, 0.5], [0.3, 0.2, 0.1]])

    assert target_ranks(scores, torch.tensor([2, 1])).tolist() == [1, 1]


def test_tied_scores_count_against_the_target():
    # A model that scores every candidate the same must not look perfect
    assert target_ranks(np.zeros((1, 101))).tolist() == [100]


def test_hit_rate_is_the_share_of_targets_inside_the_top_k():
    ranks = [0, 3, 9, 10, 50]

    assert hit_rate_at_k(ranks, 10) == pytest.approx(3 / 5)
    assert hit_rate_at_k(ranks, 1) == pytest.approx(1 / 5)


def test_ndcg_discounts_by_log2_of_the_position():
    ranks = [0, 1, 3, 10]

    expected = (1.0 + 1 / math.log2(3) + 1 / math.log2(5) + 0.0) / 4
    assert ndcg_at_k(ranks, 10) == pytest.approx(expected)


def test_mrr_averages_reciprocal_positions():
    assert mean_reciprocal_rank([0, 1, 3]) == pytest.approx((1 + 1 / 2 + 1 / 4) / 3)


def test_metrics_of_no_lists_are_zero():
    assert hit_rate_at_k([], 10) == ndcg_at_k([], 10) == mean_reciprocal_rank([]) == 0.0
