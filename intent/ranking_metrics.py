"""Ranking metrics for the intent engine (SPEC S4, B4, B8): hit rate HR@k, NDCG@k and MRR for one relevant item
per list — the intended product a customer actually chose, or the held-out next item of the public
sequential-recommendation benchmark.

Every function takes 0-based ranks of the relevant item (0 = ranked first); ``target_ranks`` turns a score matrix
into those ranks. Inputs may be numpy arrays, lists or CPU torch tensors. No Django here.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _array(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):  # a torch tensor, without importing torch here
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def target_ranks(scores: Any, targets: Any = 0) -> np.ndarray:
    """0-based rank of each row's target column among the row's scores ``[N, C]``; ``targets`` is one column for
    all rows (0 when the target is listed first, as in the sampled-candidate protocol) or one per row.

    Ties count against the target (pessimistic): a model that scores everything the same ranks the target last
    rather than first, so constant or coarse scores cannot look good by accident.
    """
    matrix = _array(scores).astype(np.float64)
    if matrix.ndim != 2:
        raise ValueError("scores must be a matrix [lists, candidates]")
    columns = np.broadcast_to(_array(targets).astype(np.int64), (matrix.shape[0],))
    target_scores = matrix[np.arange(matrix.shape[0]), columns][:, None]
    not_below = (matrix >= target_scores).sum(1)
    return not_below - 1  # the target itself is never below itself


def hit_rate_at_k(ranks: Any, k: int) -> float:
    """Share of lists whose relevant item is in the top k."""
    ranks = _array(ranks)
    return float((ranks < k).mean()) if ranks.size else 0.0


def ndcg_at_k(ranks: Any, k: int) -> float:
    """NDCG@k with one relevant item: 1 / log2(rank + 2) inside the top k, else 0 (the ideal DCG is 1)."""
    ranks = _array(ranks).astype(np.float64)
    if not ranks.size:
        return 0.0
    gains = np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0)
    return float(gains.mean())


def mean_reciprocal_rank(ranks: Any) -> float:
    """MRR: mean of 1 / (rank + 1) over all lists."""
    ranks = _array(ranks).astype(np.float64)
    return float((1.0 / (ranks + 1.0)).mean()) if ranks.size else 0.0
