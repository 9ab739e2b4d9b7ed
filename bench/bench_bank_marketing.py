"""Benchmark: the branch's analysis model on real bank customers (issues 6 and 20) — UCI Bank Marketing, "will the
customer subscribe a term deposit?", with IntentNet (the one intent engine, SPEC X2) beside logistic regression and
gradient boosting on the same columns, on a static time split and in a rolling window that retrains as feedback
arrives (SPEC B4, B8).

Data: ``../shared/data/bank/bank-additional-full.csv`` (41,188 calls of a Portuguese bank, May 2008 – Nov 2010,
ordered by time). ``duration`` is left out: it is known only after the call and leaks the answer.

Columns (``--columns relative``, the default; ``--columns original`` gives issue 6's columns for comparison):
- the customer: age, job, marital status, education, default/housing/personal loan;
- the economy relative to the current period (``intent.period_features``): each indicator's change against the
  period one and three months before, and its rank among the twelve months before — not the raw levels, which in
  the test months lie below anything seen in training;
- contact activity: calls made earlier in this month and in the month before;
- contact history: channel, weekday, month, calls in this campaign, earlier contacts, days since, earlier outcome;
- feedback (B8): the share of subscriptions among the last 300 and 1,000 calls whose outcome was known when the
  call was scored — outcomes become known block by block (``--block`` calls), never those of the call's own block.

How the calls fit IntentNet's three branches: user info = the whole vector above, standardised on the training
rows; the app-usage branch carries contact channel, month, weekday and earlier outcome as tokens weighted by the
number of calls in this campaign; browsing = an earlier campaign's contact (the earlier outcome as the product, the
number of earlier contacts as dwell, days since as recency). The catalogue has two products, 1 = subscribes and
2 = declines; the score is P(subscribes). ``IntentNetConfig.wide_user`` adds a linear path from the user vector to
the scores.

Evaluations, in one run:
1. Static time split: the first 80 % of the calls (the first seven eighths to train, the last eighth to validate:
   early stopping, Platt calibration and the blend's weights), the last 20 % to test.
2. Rolling window (the way Moro et al. 2014 evaluated the published AUC ≈ 0.80; they retrained every 10 calls on
   a window of 20,000): from ``--roll-start`` on, the calls are cut into blocks of ``--block``; before each block
   every model is retrained on the ``--window`` most recent calls (IntentNet continues from its previous weights for
   ``--roll-epochs`` epochs at ``--roll-lr``) and predicts the block. Outcomes arrive every ``--feedback-block``
   calls: then each model is recalibrated (Platt) on its own predictions for the last ``--calibrate-on`` calls —
   made before those outcomes were known — and the blend, a logistic stack of the three calibrated models, is
   refitted on the same predictions. AUC, Brier score and calibration error are pooled over every predicted call
   of the test part (the last 20 %). The blocks from ``--roll-start`` to the test part are the development part:
   they warm up the calibration, and the gate (``base.model_gate``) decides on them what serves on the test part.

Run: .venv/bin/python bench/bench_bank_marketing.py [--data ../shared/data/bank] [--block 1000] [--window 20000]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.model_gate import judge  # noqa: E402
from intent.nn import IntentBatch, IntentNet, IntentNetConfig, intent_loss  # noqa: E402
from intent.period_features import (  # noqa: E402
    contact_activity,
    indicator_changes,
    indicator_ranks,
    period_ids,
    recent_outcome_rate,
)

CATEGORICAL = ("job", "marital", "education", "default", "housing", "loan")
ECONOMY = ("emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed")
CONTEXT = ("contact", "month", "day_of_week", "poutcome")
SUBSCRIBES, DECLINES = 1, 2
BATCH = 512


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@dataclass
class Calls:
    """Every call as a dense column matrix (for all models) and as IntentNet's sequence inputs."""

    columns: np.ndarray  # [n, k] float, not yet standardised
    tokens: np.ndarray  # [n, len(CONTEXT)] long, 1-based context tokens
    campaign: np.ndarray  # [n] log(1 + calls in this campaign)
    earlier: np.ndarray  # [n] 0 = never contacted before, else SUBSCRIBES / DECLINES (earlier outcome)
    previous: np.ndarray  # [n] earlier contacts
    pdays: np.ndarray  # [n] days since the earlier contact, 0 when never
    labels: np.ndarray  # [n] 1 = subscribed


def one_hot(rows: list[dict[str, str]], column: str) -> np.ndarray:
    levels = sorted({r[column] for r in rows})
    return np.array([[r[column] == level for level in levels] for r in rows], dtype=np.float64)


def build_calls(rows: list[dict[str, str]], columns: str, block: int) -> Calls:
    labels = np.array([r["y"] == "yes" for r in rows], dtype=np.int64)
    periods = period_ids([r["month"] for r in rows])
    economy = np.array([[float(r[c]) for c in ECONOMY] for r in rows])
    pdays = np.array([float(r["pdays"]) for r in rows])
    never = (pdays == 999).astype(np.float64)
    pdays = np.where(never > 0, 0.0, pdays)
    previous = np.array([float(r["previous"]) for r in rows])
    campaign = np.log1p([float(r["campaign"]) for r in rows])
    customer = [np.array([[float(r["age"]) / 100] for r in rows])] + [one_hot(rows, c) for c in CATEGORICAL]
    context = [one_hot(rows, c) for c in CONTEXT]
    history = np.stack([campaign, np.log1p(previous), pdays / 30, never], 1)
    if columns == "original":
        parts = [*customer, economy, *context, history]
    else:
        known = (np.arange(len(rows)) // block) * block  # outcomes known up to the start of the call's block
        feedback = np.stack([recent_outcome_rate(labels, known, last) for last in (300, 1000)], 1)
        feedback = np.log(np.clip(feedback, 0.01, 0.99) / (1 - np.clip(feedback, 0.01, 0.99)))
        parts = [
            *customer,
            indicator_changes(economy, periods, (1, 3)),
            indicator_ranks(economy, periods, 12),
            contact_activity(periods),
            *context,
            history,
            feedback,
        ]
    vocabulary: dict[str, int] = {}
    tokens = np.array(
        [[vocabulary.setdefault(f"{c}={r[c]}", len(vocabulary) + 1) for c in CONTEXT] for r in rows], dtype=np.int64
    )
    earlier = np.where(
        (never == 0) | (previous > 0),
        np.array([SUBSCRIBES if r["poutcome"] == "success" else DECLINES for r in rows]),
        0,
    )
    return Calls(np.concatenate(parts, 1), tokens, campaign, earlier, previous, pdays, labels)


# --- metrics -------------------------------------------------------------------------------------------------------


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def brier(labels: np.ndarray, probabilities: np.ndarray) -> float:
    return float(np.mean((probabilities - labels) ** 2))


def calibration_error(labels: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: |mean prediction − observed rate| over ten equal-width bins, weighted by size."""
    which = np.minimum((probabilities * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.sum() * abs(probabilities[inside].mean() - labels[inside].mean())
    return float(total / len(labels))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-5, 1 - 1e-5)
    return np.log(p / (1 - p))


class Platt:
    """Platt scaling: a one-feature logistic regression on the logit of the score, fitted on held-out outcomes."""

    def __init__(self, scores: np.ndarray, labels: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        self.fit = LogisticRegression(C=1e4).fit(logit(scores)[:, None], labels) if len(set(labels)) > 1 else None

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return scores if self.fit is None else self.fit.predict_proba(logit(scores)[:, None])[:, 1]


class Stack:
    """The blend: a logistic regression on the models' calibrated logits, fitted on held-out outcomes."""

    def __init__(self, scores: np.ndarray, labels: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        self.fit = LogisticRegression(C=1.0).fit(logit(scores), labels)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return self.fit.predict_proba(logit(scores))[:, 1]

    def weights(self) -> list[float]:
        return [round(float(w), 2) for w in self.fit.coef_[0]]


# --- models --------------------------------------------------------------------------------------------------------


class Standardiser:
    def __init__(self, columns: np.ndarray) -> None:
        self.mean, self.std = columns.mean(0), columns.std(0) + 1e-9

    def __call__(self, columns: np.ndarray) -> np.ndarray:
        return (columns - self.mean) / self.std


def fit_logistic(x: np.ndarray, y: np.ndarray):  # noqa: ANN201 — a scikit-learn pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(x, y)


def fit_boosting(x: np.ndarray, y: np.ndarray, seed: int):  # noqa: ANN201 — a scikit-learn estimator
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed).fit(x, y)


class IntentNetModel:
    """IntentNet on the calls: standardisation of the user vector and training, warm-startable."""

    def __init__(self, calls: Calls, train: np.ndarray, seed: int, d_model: int, lr: float, wide: bool) -> None:
        torch.manual_seed(seed)
        self.calls = calls
        self.standardise = Standardiser(calls.columns[train])
        self.config = IntentNetConfig(
            n_products=2,
            n_categories=2,
            n_attribute_values=0,
            n_app_categories=int(calls.tokens.max()),
            n_user_features=calls.columns.shape[1],
            max_browse=1,
            max_apps=len(CONTEXT),
            d_model=d_model,
            n_heads=4,
            n_layers=1,
            wide_user=wide,
        )
        self.model = IntentNet(self.config, seed=seed)
        self.model.set_catalogue(
            torch.tensor([0, 1, 2]), torch.zeros(3, self.config.max_attributes_per_product, dtype=torch.long)
        )
        self.optimiser = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=1e-4)
        self.generator = torch.Generator().manual_seed(seed)

    def batch(self, index: np.ndarray) -> IntentBatch:
        c = self.calls
        contacted = c.earlier[index] > 0
        user = torch.tensor(self.standardise(c.columns[index]), dtype=torch.float32)
        return IntentBatch(
            browse_products=torch.tensor(c.earlier[index], dtype=torch.long)[:, None],
            browse_dwell=torch.tensor(np.where(contacted, c.previous[index] * 60, 0.0), dtype=torch.float32)[:, None],
            browse_recency=torch.tensor(np.where(contacted, c.pdays[index], 0.0), dtype=torch.float32)[:, None],
            app_categories=torch.tensor(c.tokens[index], dtype=torch.long),
            app_minutes=torch.tensor(np.repeat(c.campaign[index, None], len(CONTEXT), 1), dtype=torch.float32),
            user_features=user,
        )

    def epoch(self, train: np.ndarray) -> None:
        self.model.train()
        order = train[torch.randperm(len(train), generator=self.generator).numpy()]
        targets = np.where(self.calls.labels == 1, SUBSCRIBES, DECLINES)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            loss = intent_loss(self.model(self.batch(chunk)), torch.tensor(targets[chunk]))
            self.optimiser.zero_grad()
            loss.backward()
            self.optimiser.step()

    def predict(self, index: np.ndarray) -> np.ndarray:
        self.model.eval()
        out = []
        with torch.inference_mode():
            for start in range(0, len(index), 4096):
                logits = self.model(self.batch(index[start : start + 4096])).combined[:, 1:]
                out.append(torch.softmax(logits, dim=1)[:, 0].numpy())
        return np.concatenate(out)

    def fit_early_stopping(self, train: np.ndarray, valid: np.ndarray, epochs: int, patience: int = 4) -> float:
        best, best_state, waited = -1.0, None, 0
        for _ in range(epochs):
            self.epoch(train)
            score = auc(self.calls.labels[valid], self.predict(valid))
            if score > best:
                best, best_state, waited = score, {k: v.clone() for k, v in self.model.state_dict().items()}, 0
            else:
                waited += 1
                if waited >= patience:
                    break
        self.model.load_state_dict(best_state)
        return best


# --- evaluations ---------------------------------------------------------------------------------------------------

MODELS = ("IntentNet", "logistic regression", "gradient boosting")


@dataclass
class Scored:
    raw: dict[str, np.ndarray]
    calibrated: dict[str, np.ndarray]
    blend: np.ndarray
    labels: np.ndarray
    note: str
    validation: dict[str, float] | None = None  # each model's AUC on the held-out validation calls (static split)


def static_split(calls: Calls, args: argparse.Namespace) -> Scored:
    n = len(calls.labels)
    cut = int(n * 0.8)
    valid_cut = int(cut * 7 / 8)
    train, valid, test = np.arange(valid_cut), np.arange(valid_cut, cut), np.arange(cut, n)
    y = calls.labels
    net = IntentNetModel(calls, train, args.seed, args.d_model, args.lr, args.wide)
    valid_auc = net.fit_early_stopping(train, valid, args.epochs)
    logistic = fit_logistic(calls.columns[train], y[train])
    boosting = fit_boosting(calls.columns[train], y[train], args.seed)
    predict = {
        "IntentNet": net.predict,
        "logistic regression": lambda i: logistic.predict_proba(calls.columns[i])[:, 1],
        "gradient boosting": lambda i: boosting.predict_proba(calls.columns[i])[:, 1],
    }
    raw = {m: predict[m](test) for m in MODELS}
    raw_valid = {m: predict[m](valid) for m in MODELS}
    platt = {m: Platt(raw_valid[m], y[valid]) for m in MODELS}
    calibrated = {m: platt[m](raw[m]) for m in MODELS}
    stack = Stack(np.stack([platt[m](raw_valid[m]) for m in MODELS], 1), y[valid])
    blend = stack(np.stack([calibrated[m] for m in MODELS], 1))
    validation = {m: auc(y[valid], raw_valid[m]) for m in MODELS}
    return Scored(raw, calibrated, blend, y[test], f"IntentNet validation AUC {valid_auc:.3f}; blend weights "
                  f"{dict(zip(MODELS, stack.weights(), strict=True))}", validation)  # fmt: skip


def rolling_window(calls: Calls, args: argparse.Namespace) -> tuple[Scored, Scored]:
    """Retrain before every block on the latest ``window`` calls with known outcomes; returns (development, test)."""
    n = len(calls.labels)
    cut = int(n * 0.8)
    y = calls.labels
    start = args.roll_start
    first = np.arange(max(0, start - args.window), start)
    net = IntentNetModel(calls, first, args.seed, args.d_model, args.lr, args.wide)
    tail = int(len(first) * 7 / 8)
    net.fit_early_stopping(first[:tail], first[tail:], args.epochs)
    for group in net.optimiser.param_groups:
        group["lr"] = args.roll_lr  # later blocks only correct the model (B8), at a gentler rate
    raw = {m: np.zeros(n) for m in MODELS}
    calibrated = {m: np.zeros(n) for m in MODELS}
    blend = np.zeros(n)
    calibrated_seen: dict[str, np.ndarray] = {}
    blocks = 0
    for block_start in range(start, n, args.block):
        block = np.arange(block_start, min(block_start + args.block, n))
        window = np.arange(max(0, block_start - args.window), block_start)
        if block_start > start:
            for _ in range(args.roll_epochs):
                net.epoch(window)
        logistic = fit_logistic(calls.columns[window], y[window])
        boosting = fit_boosting(calls.columns[window], y[window], args.seed)
        raw["IntentNet"][block] = net.predict(block)
        raw["logistic regression"][block] = logistic.predict_proba(calls.columns[block])[:, 1]
        raw["gradient boosting"][block] = boosting.predict_proba(calls.columns[block])[:, 1]
        # Every --feedback-block calls, calibrate on each model's own earlier predictions (made before their
        # outcomes were known) and refit the stack on the calibrated ones: cheap, and it follows the base rate.
        for sub_start in range(block_start, block[-1] + 1, args.feedback_block):
            sub = np.arange(sub_start, min(sub_start + args.feedback_block, block[-1] + 1))
            seen = np.arange(max(start, sub_start - args.calibrate_on), sub_start)
            if len(seen) < args.feedback_block or len(set(y[seen])) < 2:
                for m in MODELS:
                    calibrated[m][sub] = raw[m][sub]
                blend[sub] = np.mean([raw[m][sub] for m in MODELS], 0)
                continue
            for m in MODELS:
                platt = Platt(raw[m][seen], y[seen])
                calibrated[m][sub] = platt(raw[m][sub])
                calibrated_seen[m] = platt(raw[m][seen])
            stack = Stack(np.stack([calibrated_seen[m] for m in MODELS], 1), y[seen])
            blend[sub] = stack(np.stack([calibrated[m][sub] for m in MODELS], 1))
        blocks += 1
        print(f"  block {block_start:>6}: {len(window)} calls to train", file=sys.stderr, flush=True)

    def part(index: np.ndarray, note: str) -> Scored:
        return Scored(
            {m: raw[m][index] for m in MODELS},
            {m: calibrated[m][index] for m in MODELS},
            blend[index],
            y[index],
            note,
        )

    note = (
        f"{blocks} retrainings, blocks of {args.block}, window {args.window}, recalibrated every "
        f"{args.feedback_block} on the last {args.calibrate_on} predictions"
    )
    return part(np.arange(start, cut), note), part(np.arange(cut, n), note)


def report(title: str, scored: Scored) -> dict:
    y = scored.labels
    print(f"\n{title}: {len(y)} calls, {y.mean():.1%} subscribe ({scored.note})")
    print(f"{'model':28}{'AUC raw':>8}{'AUC cal.':>10}{'Brier raw':>11}{'Brier cal.':>12}{'ECE cal.':>10}")
    figures = {}
    for m in MODELS:
        a = auc(y, scored.raw[m])
        figures[m] = {
            "auc": round(a, 4),
            "auc_calibrated": round(auc(y, scored.calibrated[m]), 4),
            "brier_raw": round(brier(y, scored.raw[m]), 4),
            "brier": round(brier(y, scored.calibrated[m]), 4),
            "ece": round(calibration_error(y, scored.calibrated[m]), 4),
        }
        f = figures[m]
        print(
            f"{m:28}{f['auc']:>8.3f}{f['auc_calibrated']:>10.3f}{f['brier_raw']:>11.3f}{f['brier']:>12.3f}"
            f"{f['ece']:>10.3f}"
        )
    figures["blend"] = {
        "auc": round(auc(y, scored.blend), 4),
        "brier": round(brier(y, scored.blend), 4),
        "ece": round(calibration_error(y, scored.blend), 4),
    }
    f = figures["blend"]
    print(f"{'blend (stacked on held-out)':28}{'':>8}{f['auc']:>10.3f}{'':>11}{f['brier']:>12.3f}{f['ece']:>10.3f}")
    return figures


def oracle_ceiling(rows: list[dict[str, str]], labels: np.ndarray) -> dict[str, float]:
    """Test AUC of the true success rate of each call's month and of its day (consecutive calls with the same
    month, weekday and Euribor) — an oracle no model has, read as a ceiling: on these columns most of the pooled
    AUC comes from telling the periods apart, and within a day the calls differ little."""
    cut = int(len(rows) * 0.8)
    months = period_ids([r["month"] for r in rows])
    days = period_ids([f"{r['month']} {r['day_of_week']} {r['euribor3m']}" for r in rows])
    out = {}
    for name, ids in (("month", months), ("day", days)):
        rate = np.bincount(ids, weights=labels) / np.bincount(ids)
        out[name] = round(auc(labels[cut:], rate[ids][cut:]), 4)
    return out


def served(verdict, figures: dict) -> dict:  # noqa: ANN001 — a base.model_gate.Verdict
    """What the gate serves, decided on held-out calls before the test part, and that choice's test AUC."""
    name = "IntentNet" if verdict.serving == "model" else verdict.serving
    test_auc = figures[name].get("auc_calibrated", figures[name]["auc"])
    print(f"gate ({verdict.split}): {verdict.reason} → serves {name}, test AUC {test_auc:.3f}")
    return verdict.as_dict() | {"served": name, "served_test_auc": test_auc}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/bank")
    parser.add_argument("--columns", choices=("relative", "original"), default="relative")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--d-model", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--no-wide", dest="wide", action="store_false", help="IntentNet without the wide path")
    parser.add_argument("--block", type=int, default=1000, help="calls per rolling block (and feedback delay)")
    parser.add_argument("--window", type=int, default=20000, help="calls each rolling retraining learns from")
    parser.add_argument("--roll-start", type=int, default=28000, help="first call the rolling window predicts")
    parser.add_argument("--roll-epochs", type=int, default=1)
    parser.add_argument("--roll-lr", type=float, default=1e-3, help="IntentNet's learning rate after the first block")
    parser.add_argument("--feedback-block", type=int, default=100, help="calls between outcome updates")
    parser.add_argument("--calibrate-on", type=int, default=1000, help="earlier predictions the calibration fits")
    parser.add_argument("--skip", choices=("static", "rolling"), action="append", default=[])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.roll_start % args.block or args.block % args.feedback_block:
        parser.error("--roll-start must be a multiple of --block, and --block of --feedback-block")
    torch.set_num_threads(args.threads)
    rows = read(args.data / "bank-additional-full.csv")
    calls = build_calls(rows, args.columns, args.feedback_block)
    print(f"UCI Bank Marketing, {len(calls.labels)} calls, {calls.columns.shape[1]} {args.columns} columns")
    results: dict = {"columns": args.columns}
    started = time.perf_counter()
    ceiling = oracle_ceiling(rows, calls.labels)
    results["oracle_ceiling"] = ceiling
    print(f"ceiling: the true success rate of each call's month gives a test AUC of {ceiling['month']:.3f}, "
          f"of its day {ceiling['day']:.3f}")  # fmt: skip
    if "static" not in args.skip:
        static = static_split(calls, args)
        results["static"] = report("Static time split, test = last 20 %", static)
        verdict = judge("AUC", candidate=static.validation["IntentNet"], split="static validation eighth",
                        baselines={m: static.validation[m] for m in MODELS[1:]})  # fmt: skip
        results["static"]["verdict"] = served(verdict, results["static"])
    if "rolling" not in args.skip:
        development, test = rolling_window(calls, args)
        dev = report(f"Rolling window, development (calls {args.roll_start}–{int(len(calls.labels) * 0.8)})",
                     development)  # fmt: skip
        results["rolling_development"] = dev
        results["rolling_test"] = report("Rolling window, test = last 20 %", test)
        baselines = {m: dev[m]["auc_calibrated"] for m in MODELS[1:]} | {"blend": dev["blend"]["auc"]}
        verdict = judge("AUC", candidate=dev["IntentNet"]["auc_calibrated"], baselines=baselines,
                        split="rolling development blocks")  # fmt: skip
        results["rolling_test"]["verdict"] = served(verdict, results["rolling_test"])
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(f"\npublished (Moro et al. 2014, rolling window, no duration): AUC ≈ 0.80; {results['seconds']:.0f} s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
