"""bench/bench_intentnet_sequential.py: the SASRec paper's protocol that the sequence-branch figures in
bench/RESULTS.md rest on — which items are held out, which items may be drawn as negatives, the scores it ranks
by, the learning-rate schedule and the sampled softmax. Small synthetic sequences; no database, no shared data."""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from intent.nn import IntentNet, IntentNetConfig
from intent.ranking_metrics import target_ranks

_PATH = Path(__file__).resolve().parents[2] / "bench" / "bench_intentnet_sequential.py"
_SPEC = importlib.util.spec_from_file_location("bench_intentnet_sequential", _PATH)
bench = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = bench  # its dataclasses look their module up there
_SPEC.loader.exec_module(bench)

ITEMS = 300


@pytest.fixture
def split(tmp_path):
    """User 1 has five interactions, user 2 two, user 3 forty; items are numbered 1..300."""
    lines = [(1, i) for i in (5, 9, 2, 7, 11)] + [(2, 4), (2, 8)] + [(3, i) for i in range(100, 140)] + [(4, ITEMS)]
    path = tmp_path / "sequences.txt"
    path.write_text("".join(f"{user} {item}\n" for user, item in lines))
    return bench.load_split(path)


def test_the_last_item_is_the_test_item_and_the_one_before_it_the_validation_item(split):
    assert split.train[1] == [5, 9, 2]
    assert (split.valid[1], split.test[1]) == (7, 11)
    # The validation item is not part of the sequence the model trains on
    assert 7 not in split.train[1]


def test_a_user_with_fewer_than_three_interactions_only_trains(split):
    assert split.train[2] == [4, 8]
    assert 2 not in split.valid and 2 not in split.test


def test_negatives_are_distinct_items_the_user_never_touched(split):
    users = [1, 3]

    candidates = bench.sample_candidates(split, users, split.test, seed=5)

    assert candidates.shape == (2, bench.NEGATIVES + 1)
    assert list(candidates[:, 0]) == [11, 139]
    for row, user in enumerate(users):
        touched = set(split.train[user]) | {split.valid[user], split.test[user]}
        negatives = candidates[row, 1:].tolist()
        assert len(set(negatives)) == bench.NEGATIVES
        assert not touched & set(negatives)
        assert all(1 <= item <= ITEMS for item in negatives)


def test_candidate_scores_rank_exactly_as_the_models_own_combined_scores():
    config = IntentNetConfig(
        n_products=60, n_categories=1, max_attributes_per_product=1, max_browse=6, d_model=16, n_heads=2, n_layers=1
    )
    model = IntentNet(config, seed=3)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.normal_(std=0.5)
    model.eval()
    rng = np.random.default_rng(0)
    histories = {user: rng.integers(1, 61, size=1 + user % 9).tolist() for user in range(30)}
    users = list(range(30))
    candidates = rng.integers(1, 61, size=(30, 12))

    ranks = bench.model_ranks(model, histories, users, candidates)

    expected = []
    with torch.inference_mode():
        for user in users:
            vectors, mix, _ = model.forward_sequence(bench.sequence_batch([histories[user][-6:]]))
            output = model.output_from(vectors[:, -1], mix[:, -1], with_association_logits=False)
            expected.append(target_ranks(output.combined.gather(1, torch.from_numpy(candidates[user : user + 1])))[0])
    assert ranks.tolist() == expected
    assert len(set(expected)) > 3  # the check means something only if the ranks differ


def test_warm_up_rises_linearly_then_the_cosine_decays_to_zero():
    factors = [bench.learning_rate_factor(step, total=110, warmup=10, schedule="cosine") for step in range(111)]

    assert factors[0] == pytest.approx(0.1)
    assert factors[9] == pytest.approx(1.0)
    assert factors[10] == pytest.approx(1.0)
    assert factors[60] == pytest.approx(0.5)
    assert factors[110] == pytest.approx(0.0, abs=1e-12)
    assert all(a >= b for a, b in zip(factors[10:], factors[11:], strict=False))


def test_the_constant_schedule_keeps_the_learning_rate_after_warm_up():
    assert bench.learning_rate_factor(5, total=100, warmup=10, schedule="constant") == pytest.approx(0.6)
    assert bench.learning_rate_factor(99, total=100, warmup=10, schedule="constant") == 1.0


def test_a_drawn_negative_that_is_the_target_does_not_count_against_it():
    # One product only: every uniform draw is the target itself, so nothing competes with it
    model = IntentNet(IntentNetConfig(n_products=1, max_browse=4, d_model=8, n_heads=2, n_layers=1), seed=1)
    vectors, mix = torch.randn(5, 3, 8), torch.full((5, 3), 1 / 3)

    loss = bench.sampled_softmax_loss(model, vectors, mix, torch.ones(5, dtype=torch.long), negatives=16)

    assert float(loss.detach()) == pytest.approx(0.0, abs=1e-6)


def test_the_sampled_softmax_falls_as_the_target_outscores_the_negatives():
    model = IntentNet(IntentNetConfig(n_products=50, max_browse=4, d_model=8, n_heads=2, n_layers=1), seed=1)
    table = model.product_table().detach()
    targets = torch.tensor([3, 17])
    towards = table[targets].unsqueeze(1).expand(-1, 3, -1) * 500
    away = -towards
    mix = torch.full((2, 3), 1 / 3)

    torch.manual_seed(0)
    near = bench.sampled_softmax_loss(model, towards, mix, targets, negatives=20)
    torch.manual_seed(0)
    far = bench.sampled_softmax_loss(model, away, mix, targets, negatives=20)

    assert float(near.detach()) < math.log(21) < float(far.detach())
