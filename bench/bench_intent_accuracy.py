"""Benchmark: IntentNet accuracy on a larger demo population than ``make run`` seeds, next to the popularity and
logistic-regression baselines trained on the same customer split, and an ablation without the browsing-history
prior. The 300-customer demo leaves only ~76 held-out purchases and clicks, where one hit moves HR@1 by 0.013;
1,000 customers give ~3× as many, and each figure is printed with its standard error.

Run: .venv/bin/python bench/bench_intent_accuracy.py [--customers 1000] [--seed 42] [--no-ablation]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42, help="seed of the demo data and of training")
    parser.add_argument("--no-ablation", action="store_true", help="skip the run without the history prior")
    args = parser.parse_args()
    set_up_demo_database(args.customers, seed=args.seed)
    from intent.training import TrainSettings, train_intent

    runs = [("IntentNet (product defaults)", TrainSettings(seed=args.seed))]
    if not args.no_ablation:
        runs.append(("IntentNet without history prior", TrainSettings(seed=args.seed, history_prior=False)))
    results = []
    for name, options in runs:
        started = time.perf_counter()
        result = train_intent(options, progress=False, activate=False)
        results.append((name, result, time.perf_counter() - started))

    n = results[0][1].examples["test"]
    print(f"{args.customers} demo customers (seed {args.seed}); examples {results[0][1].examples}")
    print(f"held-out purchases and clicks: {n}; ± is one standard error of a hit rate")
    print(f"{'model':36s} {'HR@1':>13s} {'HR@3':>13s} {'NDCG@3':>7s} {'MRR':>7s} {'train s':>8s}")

    def line(name: str, m: dict, seconds: float | None) -> None:
        def hit(k: int) -> str:
            p = m[f"hr@{k}"]
            return f"{p:.3f} ± {math.sqrt(p * (1 - p) / n):.3f}"

        took = f"{seconds:8.0f}" if seconds is not None else " " * 8
        print(f"{name:36s} {hit(1):>13s} {hit(3):>13s} {m['ndcg@3']:7.3f} {m['mrr']:7.3f} {took}")

    for name, result, seconds in results:
        line(name, result.metrics["intentnet"], seconds)
    for baseline in ("logistic_regression", "popularity"):
        line(baseline, results[0][1].metrics[baseline], None)


if __name__ == "__main__":
    main()
