"""Benchmark: the branch's analysis model on real bank customers (issue 6) — UCI Bank Marketing, "will the customer
subscribe a term deposit?", with IntentNet (the one intent engine, SPEC X2) against a gradient-boosting baseline.

Data: ``../shared/data/bank/bank-additional-full.csv`` (41,188 calls of a Portuguese bank, May 2008 – Nov 2010,
ordered by time). ``duration`` is left out: it is known only after the call and leaks the answer. The split is by
time, as the data is ordered: the first 80 % train (its last eighth for early stopping), the last 20 % test.

How the calls fit IntentNet's three branches (the same network the branch's analysis uses):
- user info: age, job, marital status, education, default/housing/personal loan, and the economic context of the
  month (employment variation, price and confidence indices, Euribor, employees), standardised on the training part;
- the app-usage branch carries the contact context as tokens: contact channel, month, weekday, earlier outcome,
  with the number of calls in this campaign as their weight;
- browsing: a customer contacted in an earlier campaign "saw" the product before — one event with the earlier
  outcome as the product, the number of earlier contacts as dwell and the days since as recency.
The catalogue has two products, 1 = subscribes and 2 = declines; the score is P(subscribes).

Baselines on the same columns: scikit-learn's HistGradientBoostingClassifier and logistic regression. The
published figure for this data set (Moro et al., 2014, also without duration) is an AUC of about 0.80.

Run: .venv/bin/python bench/bench_bank_marketing.py [--data ../shared/data/bank] [--epochs 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intent.nn import IntentBatch, IntentNet, IntentNetConfig, intent_loss  # noqa: E402

CATEGORICAL = ("job", "marital", "education", "default", "housing", "loan")
ECONOMY = ("emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed")
CONTEXT = ("contact", "month", "day_of_week", "poutcome")
SUBSCRIBES, DECLINES = 1, 2


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


class Encoder:
    """Column encodings learnt on the training rows only."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.levels = {c: sorted({r[c] for r in rows}) for c in CATEGORICAL}
        values = np.array([[float(r[c]) for c in ECONOMY] for r in rows])
        self.mean, self.std = values.mean(0), values.std(0) + 1e-9
        tokens = sorted({f"{c}={r[c]}" for r in rows for c in CONTEXT})
        self.token_index = {t: i + 1 for i, t in enumerate(tokens)}

    def user(self, row: dict[str, str]) -> list[float]:
        features = [float(row["age"]) / 100]
        for column in CATEGORICAL:
            features += [1.0 if row[column] == level else 0.0 for level in self.levels[column]]
        features += list((np.array([float(row[c]) for c in ECONOMY]) - self.mean) / self.std)
        return features

    def net_inputs(self, row: dict[str, str]) -> dict:
        tokens = [self.token_index.get(f"{c}={row[c]}", 0) for c in CONTEXT]
        campaign = math.log1p(float(row["campaign"]))
        contacted_before = row["pdays"] != "999" or int(row["previous"]) > 0
        earlier = SUBSCRIBES if row["poutcome"] == "success" else DECLINES
        days = 0.0 if row["pdays"] == "999" else float(row["pdays"])
        return {
            "browse_products": [earlier] if contacted_before else [],
            "browse_dwell": [float(row["previous"]) * 60] if contacted_before else [],
            "browse_recency": [days] if contacted_before else [],
            "app_categories": [t for t in tokens if t],
            "app_minutes": [campaign for t in tokens if t],
            "user_features": self.user(row),
        }

    def flat(self, row: dict[str, str]) -> list[float]:
        """The same information as one vector, for the baselines."""
        tokens = [0.0] * len(self.token_index)
        for c in CONTEXT:
            index = self.token_index.get(f"{c}={row[c]}")
            if index:
                tokens[index - 1] = 1.0
        pdays = 0.0 if row["pdays"] == "999" else float(row["pdays"])
        return self.user(row) + tokens + [math.log1p(float(row["campaign"])), float(row["previous"]), pdays,
                                          float(row["pdays"] == "999")]  # fmt: skip


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def train_intentnet(
    train, valid, encoder: Encoder, epochs: int, seed: int, d_model: int = 32, lr: float = 3e-3
) -> tuple[IntentNet, float]:
    torch.manual_seed(seed)
    config = IntentNetConfig(
        n_products=2,
        n_categories=2,
        n_attribute_values=0,
        n_app_categories=len(encoder.token_index),
        n_user_features=len(encoder.user(train[0])),
        max_browse=1,
        max_apps=len(CONTEXT),
        d_model=d_model,
        n_heads=4,
        n_layers=1,
    )
    model = IntentNet(config, seed=seed)
    model.set_catalogue(torch.tensor([0, 1, 2]), torch.zeros(3, config.max_attributes_per_product, dtype=torch.long))
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    inputs = [encoder.net_inputs(r) for r in train]
    targets = torch.tensor([SUBSCRIBES if r["y"] == "yes" else DECLINES for r in train])
    best, best_state, patience = -1.0, None, 0
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), 512):
            chunk = order[start : start + 512].tolist()
            output = model(IntentBatch.from_rows([inputs[i] for i in chunk], config))
            loss = intent_loss(output, targets[chunk])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        score = auc(labels_of(valid), scores_of(model, valid, encoder, config))
        if score > best:
            best, best_state, patience = score, {k: v.clone() for k, v in model.state_dict().items()}, 0
        else:
            patience += 1
            if patience >= 4:
                break
    model.load_state_dict(best_state)
    return model, best


def labels_of(rows) -> np.ndarray:  # noqa: ANN001
    return np.array([1 if r["y"] == "yes" else 0 for r in rows])


def scores_of(model: IntentNet, rows, encoder: Encoder, config: IntentNetConfig) -> np.ndarray:  # noqa: ANN001
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(rows), 2048):
            batch = IntentBatch.from_rows([encoder.net_inputs(r) for r in rows[start : start + 2048]], config)
            probabilities = torch.softmax(model(batch).combined[:, 1:], dim=1)
            out.append(probabilities[:, 0].numpy())
    return np.concatenate(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/bank")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--d-model", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    rows = read(args.data / "bank-additional-full.csv")
    cut = int(len(rows) * 0.8)
    train_all, test = rows[:cut], rows[cut:]
    valid_cut = int(len(train_all) * 7 / 8)
    train, valid = train_all[:valid_cut], train_all[valid_cut:]
    encoder = Encoder(train_all)
    y_test = labels_of(test)

    started = time.perf_counter()
    model, valid_auc = train_intentnet(train, valid, encoder, args.epochs, args.seed, args.d_model, args.lr)
    seconds = time.perf_counter() - started
    net_auc = auc(y_test, scores_of(model, test, encoder, model.config))

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    x_train = np.array([encoder.flat(r) for r in train_all])
    x_test = np.array([encoder.flat(r) for r in test])
    y_train = labels_of(train_all)
    boosted = HistGradientBoostingClassifier(random_state=args.seed).fit(x_train, y_train)
    boosted_auc = auc(y_test, boosted.predict_proba(x_test)[:, 1])
    logistic = LogisticRegression(max_iter=2000).fit(x_train, y_train)
    logistic_auc = auc(y_test, logistic.predict_proba(x_test)[:, 1])

    print(f"UCI Bank Marketing: {len(train_all)} calls to train (first 80 %), {len(test)} to test (last 20 %), "
          f"{y_test.mean():.1%} of the test calls subscribe")  # fmt: skip
    print(f"{'model':42}{'test AUC':>10}")
    print(
        f"{'IntentNet (the branch analysis model)':42}{net_auc:>10.3f}   (validation {valid_auc:.3f}, {seconds:.0f} s)"
    )
    print(f"{'gradient boosting (HistGradientBoosting)':42}{boosted_auc:>10.3f}")
    print(f"{'logistic regression':42}{logistic_auc:>10.3f}")
    print(f"{'published (Moro et al. 2014)':42}{'≈ 0.80':>10}")
    print(json.dumps({"intentnet_auc": round(net_auc, 4), "boosting_auc": round(boosted_auc, 4),
                      "logistic_auc": round(logistic_auc, 4), "train_seconds": round(seconds, 1)}))  # fmt: skip


if __name__ == "__main__":
    main()
