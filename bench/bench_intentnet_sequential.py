"""Benchmark: IntentNet's browsing branch (SPEC S4) on public sequential-recommendation data — the SASRec paper's
Amazon Video Games set, with the paper's protocol — next to the published SASRec figures.

Protocol (Kang & McAuley, ICDM 2018): per user the last item is the test item, the one before it the validation
item, the rest is training (users with fewer than 3 interactions only train). The test item is ranked among 100
items the user never interacted with, drawn at random with a fixed seed; HR@10 and NDCG@10 are averaged over all
evaluated users (the paper's code samples 10,000 of them; we use every one). The validation item, ranked the same
way, picks the epoch (early stopping on validation NDCG@10).

The model is ``intent.nn.IntentNet`` with only the browsing branch filled (no app usage, an empty user vector,
products are bare ids with one category) in its causal next-item mode: every position of a user's training
sequence predicts the next item, with a full-softmax cross-entropy over all items. A popularity ranking is scored
with the same candidates as a floor.

Run: .venv/bin/python bench/bench_intentnet_sequential.py [--epochs 200] [--max-minutes 40] [--seed 42]
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 — the usual torch alias
from torch import Tensor
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.model_gate import judge  # noqa: E402
from intent.nn import IntentBatch, IntentNet, IntentNetConfig, intent_loss  # noqa: E402
from intent.ranking_metrics import hit_rate_at_k, mean_reciprocal_rank, ndcg_at_k, target_ranks  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "sequential" / "amazon_video_games.txt"
NEGATIVES = 100
PUBLISHED = (("SASRec (paper, ICDM 2018)", 0.7410, 0.5360), ("SASRec.pytorch, pre-layer-norm", 0.7442, 0.5376))


@dataclass
class Split:
    n_items: int
    train: dict[int, list[int]]
    valid: dict[int, int]
    test: dict[int, int]


def load_split(path: Path) -> Split:
    sequences: dict[int, list[int]] = defaultdict(list)
    with path.open() as handle:
        for line in handle:
            user, item = line.split()
            sequences[int(user)].append(int(item))
    n_items = max(item for items in sequences.values() for item in items)
    train, valid, test = {}, {}, {}
    for user, items in sequences.items():
        if len(items) < 3:
            train[user] = items
            continue
        train[user], valid[user], test[user] = items[:-2], items[-2], items[-1]
    return Split(n_items, train, valid, test)


def sample_candidates(split: Split, users: list[int], target: dict[int, int], seed: int) -> np.ndarray:
    """``[users, 101]`` item ids: the target first, then 100 distinct items the user never interacted with."""
    rng = np.random.default_rng(seed)
    rows = np.empty((len(users), NEGATIVES + 1), dtype=np.int64)
    for row, user in enumerate(users):
        seen = set(split.train[user]) | {split.valid[user], split.test[user]}
        negatives: list[int] = []
        chosen: set[int] = set()
        while len(negatives) < NEGATIVES:
            for item in rng.integers(1, split.n_items + 1, size=2 * NEGATIVES).tolist():
                if item not in seen and item not in chosen:
                    chosen.add(item)
                    negatives.append(item)
                    if len(negatives) == NEGATIVES:
                        break
        rows[row, 0] = target[user]
        rows[row, 1:] = negatives
    return rows


def sequence_batch(sequences: list[list[int]]) -> IntentBatch:
    """Browsing-only inputs: products left-padded, no dwell/recency, no apps, an empty user vector."""
    length = max(len(s) for s in sequences)
    products = torch.zeros(len(sequences), length, dtype=torch.long)
    for row, items in enumerate(sequences):
        products[row, length - len(items) :] = torch.tensor(items)
    size = len(sequences)
    return IntentBatch(
        browse_products=products,
        browse_dwell=torch.zeros(size, length),
        browse_recency=torch.zeros(size, length),
        app_categories=torch.zeros(size, 0, dtype=torch.long),
        app_minutes=torch.zeros(size, 0),
        user_features=torch.zeros(size, 0),
    )


def length_batches(users: list[int], lengths: dict[int, int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of users of similar length: padding to 50 positions would waste most of the work, since
    the median user has a handful of items."""
    order = users[:]
    rng.shuffle(order)
    batches = []
    chunk = size * 50
    for start in range(0, len(order), chunk):
        block = sorted(order[start : start + chunk], key=lambda u: lengths[u])
        batches.extend(block[i : i + size] for i in range(0, len(block), size))
    rng.shuffle(batches)
    return batches


def popularity_ranks(split: Split, candidates: np.ndarray, seed: int) -> np.ndarray:
    counts = Counter(item for items in split.train.values() for item in items)
    scores = np.vectorize(lambda item: counts.get(item, 0))(candidates).astype(np.float64)
    # Many items share a count; break ties at random rather than against the target (which would understate it).
    scores += np.random.default_rng(seed).uniform(0, 0.5, size=scores.shape)
    return target_ranks(scores)


@torch.inference_mode()
def model_ranks(
    model: IntentNet, histories: dict[int, list[int]], users: list[int], candidates: np.ndarray
) -> np.ndarray:
    model.eval()
    max_len = model.config.max_browse
    order = sorted(range(len(users)), key=lambda i: len(histories[users[i]]))
    table, bias = model.product_table(), model.product_bias.weight.squeeze(-1)
    ranks = np.empty(len(users), dtype=np.int64)
    for start in range(0, len(order), 512):
        rows = order[start : start + 512]
        batch = sequence_batch([histories[users[i]][-max_len:] for i in rows])
        vectors, mix, _ = model.forward_sequence(batch)
        # The combined score of output_from (mixed vector · product row + bias), for the 101 candidates only:
        # scoring the whole catalogue for 30,901 users costs more than an epoch of sampled training.
        mixed = (mix[:, -1].unsqueeze(-1) * vectors[:, -1]).sum(-2)
        chosen = torch.from_numpy(candidates[rows])
        scores = (table[chosen] @ mixed.unsqueeze(-1)).squeeze(-1) + bias[chosen]
        ranks[rows] = target_ranks(scores)
    return ranks


def learning_rate_factor(step: int, total: int, warmup: int, schedule: str) -> float:
    """Multiplier of the base learning rate: a linear warm-up, then constant or a cosine decay to zero at
    ``total`` steps (the step count of ``--epochs`` full epochs)."""
    if warmup and step < warmup:
        return (step + 1) / warmup
    if schedule == "cosine":
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return 1.0


def train_epoch(
    model: IntentNet,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    split: Split,
    users: list[int],
    args: argparse.Namespace,
    rng: random.Random,
    deadline: float,
    epoch: int,
) -> tuple[float, bool]:
    """Mean loss of the epoch and whether the time limit cut it short."""
    model.train()
    lengths = {u: min(len(split.train[u]), args.max_len + 1) for u in users}
    batches = length_batches(users, lengths, args.batch_size, rng)
    total, count = 0.0, 0
    progress = tqdm(batches, desc=f"epoch {epoch}", mininterval=1 if sys.stderr.isatty() else 30, leave=False)
    for batch_users in progress:
        if time.monotonic() > deadline:
            return total / max(count, 1), True
        sequences = [split.train[u][-(args.max_len + 1) :] for u in batch_users]
        batch = sequence_batch([s[:-1] for s in sequences])
        targets = sequence_batch([s[1:] for s in sequences]).browse_products
        vectors, mix, valid = model.forward_sequence(batch)
        if args.negatives:
            loss = sampled_softmax_loss(model, vectors[valid], mix[valid], targets[valid], args.negatives)
        else:
            loss = full_softmax_loss(model, vectors[valid], mix[valid], targets[valid], args)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += float(loss.detach())
        count += 1
        if count % 50 == 0:
            progress.set_postfix(loss=f"{total / count:.3f}")
    return total / max(count, 1), False


def full_softmax_loss(
    model: IntentNet, vectors: Tensor, mix: Tensor, targets: Tensor, args: argparse.Namespace
) -> Tensor:
    """Cross-entropy over every product (the loss IntentNet trains with in the product)."""
    output = model.output_from(vectors, mix, with_association_logits=args.association_weight > 0)
    if args.label_smoothing > 0:
        # The padding column is −inf; smoothing spreads its share over the real products only.
        return F.cross_entropy(output.combined[:, 1:], targets - 1, label_smoothing=args.label_smoothing)
    return intent_loss(output, targets, association_weight=args.association_weight)


def sampled_softmax_loss(model: IntentNet, vectors: Tensor, mix: Tensor, targets: Tensor, negatives: int) -> Tensor:
    """Cross-entropy of each target against ``negatives`` products drawn uniformly for the whole batch (a negative
    equal to the target is masked). Uniform draws need no log-frequency correction, and scoring a tenth of the
    catalogue makes an epoch several times cheaper than the full softmax on two cores."""
    mixed = (mix.unsqueeze(-1) * vectors).sum(-2)
    table, bias = model.product_table(), model.product_bias.weight.squeeze(-1)
    drawn = torch.randint(1, table.shape[0], (negatives,))
    positive = (mixed * table[targets]).sum(-1, keepdim=True) + bias[targets].unsqueeze(-1)
    negative = torch.addmm(bias[drawn], mixed, table[drawn].T)
    negative = negative.masked_fill(drawn.unsqueeze(0) == targets.unsqueeze(1), float("-inf"))
    logits = torch.cat([positive, negative], dim=1)
    return F.cross_entropy(logits, torch.zeros(len(targets), dtype=torch.long))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--max-minutes", type=float, default=40.0, help="hard cap on the whole run")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--eval-seed", type=int, default=2018, help="seed of the sampled negatives")
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--max-len", type=int, default=50)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.0, help="decoupled (AdamW)")
    parser.add_argument("--schedule", choices=("constant", "cosine"), default="constant")
    parser.add_argument("--warmup-epochs", type=float, default=0.0)
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument(
        "--negatives", type=int, default=0, help="sampled softmax over this many uniform negatives (0: full softmax)"
    )
    parser.add_argument("--embedding-lr", type=float, default=None, help="learning rate of product ids and biases")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--association-weight", type=float, default=0.0)
    parser.add_argument("--patience", type=int, default=5, help="epochs without a better validation NDCG@10")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    if not args.data.is_file():
        print(f"skipped: data not found: {args.data}")
        sys.exit(1 if os.environ.get("CI", "").lower() == "true" else 0)

    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    split = load_split(args.data)
    evaluated = sorted(split.test)
    print(
        f"{len(split.train)} users, {split.n_items} items, "
        f"{sum(len(s) for s in split.train.values()) + 2 * len(split.test)} interactions; "
        f"{len(evaluated)} users evaluated"
    )
    valid_candidates = sample_candidates(split, evaluated, split.valid, args.eval_seed)
    test_candidates = sample_candidates(split, evaluated, split.test, args.eval_seed + 1)
    valid_inputs = {u: split.train[u] for u in evaluated}
    test_inputs = {u: split.train[u] + [split.valid[u]] for u in evaluated}

    popular = popularity_ranks(split, test_candidates, args.eval_seed)

    config = IntentNetConfig(
        n_products=split.n_items,
        n_categories=1,
        max_attributes_per_product=1,  # this data has no product attributes
        max_browse=args.max_len,
        d_model=args.d_model,
        n_heads=args.heads,
        n_layers=args.layers,
        dropout=args.dropout,
    )
    model = IntentNet(config, seed=args.seed)
    # A rare product's row learns only from its few appearances, so it may be given a larger step than the rest.
    product_rows = [model.product_id.weight, model.product_bias.weight]
    others = [p for p in model.parameters() if all(p is not q for q in product_rows)]
    optimizer = torch.optim.AdamW(
        [{"params": product_rows, "lr": args.embedding_lr or args.lr}, {"params": others}],
        lr=args.lr,
        betas=(0.9, 0.98),
        weight_decay=args.weight_decay,
    )
    trainable = [u for u, items in split.train.items() if len(items) >= 2]
    steps_per_epoch = math.ceil(len(trainable) / args.batch_size)
    warmup = round(args.warmup_epochs * steps_per_epoch)
    total = args.epochs * steps_per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: learning_rate_factor(step, total, warmup, args.schedule)
    )
    print(f"model: {sum(p.numel() for p in model.parameters()):,} parameters, {model.size_bytes() / 1e6:.1f} MB")

    best_ndcg, best_epoch, best_state, waited = -1.0, 0, None, 0
    epoch = 0
    for epoch in range(1, args.epochs + 1):
        epoch_started = time.monotonic()
        loss, cut = train_epoch(model, optimizer, scheduler, split, trainable, args, rng, deadline, epoch)
        ranks = model_ranks(model, valid_inputs, evaluated, valid_candidates)
        ndcg, hit = ndcg_at_k(ranks, 10), hit_rate_at_k(ranks, 10)
        improved = ndcg > best_ndcg
        print(
            f"epoch {epoch:3d}  loss {loss:.4f}  valid HR@10 {hit:.4f}  NDCG@10 {ndcg:.4f}"
            f"{'  *' if improved else ''}  ({time.monotonic() - epoch_started:.0f} s)",
            flush=True,
        )
        if improved:
            best_ndcg, best_epoch, best_state, waited = ndcg, epoch, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
        if cut:
            print(f"stopped: --max-minutes {args.max_minutes:g} reached")
            break
        if waited >= args.patience:
            print(f"stopped: no better validation NDCG@10 for {args.patience} epochs")
            break

    model.load_state_dict(best_state)
    ranks = model_ranks(model, test_inputs, evaluated, test_candidates)
    wall = time.monotonic() - started

    print()
    print(f"Test: {len(evaluated)} users, target vs {NEGATIVES} sampled negatives; best epoch {best_epoch} of {epoch}")
    print("| model | HR@10 | NDCG@10 | MRR |")
    print("|---|---|---|---|")
    for name, hit, ndcg in PUBLISHED:
        print(f"| {name} | {hit:.4f} | {ndcg:.4f} | — |")
    print(
        f"| popularity, same candidates | {hit_rate_at_k(popular, 10):.4f} | {ndcg_at_k(popular, 10):.4f} | "
        f"{mean_reciprocal_rank(popular):.4f} |"
    )
    print(
        f"| IntentNet browsing branch | {hit_rate_at_k(ranks, 10):.4f} | {ndcg_at_k(ranks, 10):.4f} | "
        f"{mean_reciprocal_rank(ranks):.4f} |"
    )
    print(
        f"wall time {wall / 60:.1f} min; d_model {args.d_model}, {args.layers} layers, {args.heads} heads, "
        f"dropout {args.dropout}, max_len {args.max_len}, lr {args.lr}, batch {args.batch_size}, "
        f"association weight {args.association_weight}, weight decay {args.weight_decay}, "
        f"schedule {args.schedule} (warm-up {args.warmup_epochs:g} epochs), label smoothing {args.label_smoothing}, "
        f"{f'sampled softmax over {args.negatives} uniform negatives' if args.negatives else 'full softmax'}, "
        f"seed {args.seed}"
    )
    for column, metric, model_value in (
        (1, "HR@10", hit_rate_at_k(ranks, 10)),
        (2, "NDCG@10", ndcg_at_k(ranks, 10)),
    ):
        baselines = {row[0]: row[column] for row in PUBLISHED}
        baselines["popularity"] = hit_rate_at_k(popular, 10) if column == 1 else ndcg_at_k(popular, 10)
        verdict = judge(metric, model_value, baselines, split="test item, all users")
        name, value = verdict.best_baseline
        standing = "at or past" if verdict.passed else "below"
        print(f"{metric} {model_value:.4f}: {standing} the best baseline, {name} ({value:.4f})")


if __name__ == "__main__":
    main()
