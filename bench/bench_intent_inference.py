"""Benchmark: intent inference speed and model size (issue 3 targets: single customer p50 ≤ 5 ms including
feature building; a batch of 1,000 customers ≤ 1 s; model file ≤ 20 MB).

Builds a throw-away SQLite database with the demo data (1,000 customers), trains a model briefly (speed does
not depend on how well it is trained), then times ``predict_intent`` (one customer: features, network, stored
row) and ``predict_intents`` (a batch), next to the cold-start fallback for the same customers as a baseline.

Run: .venv/bin/python bench/bench_intent_inference.py [--customers 1000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    set_up_demo_database(args.customers)
    from crm.models import Customer
    from intent import inference
    from intent.model_store import activate_version
    from intent.models import IntentModelVersion
    from intent.training import TrainSettings, train_intent

    # A speed benchmark: the two-epoch model is activated whatever its verdict against the baselines says.
    version = activate_version(train_intent(TrainSettings(epochs=2, patience=2), progress=False).version)
    customers = list(Customer.objects.order_by("pk"))

    def timed(fn, repeat: int) -> list[float]:
        fn(0)
        samples = []
        for i in range(repeat):
            started = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def p50_p95(samples: list[float]) -> str:
        return f"p50 {statistics.median(samples):8.1f} ms   p95 {statistics.quantiles(samples, n=20)[18]:8.1f} ms"

    phases = single_call_phases(inference, customers[: args.repeat])
    single = timed(lambda i: inference.predict_intent(customers[i % len(customers)]), args.repeat)
    batch = timed(lambda i: inference.predict_intents(customers), 3)
    # Baseline side by side: the same calls with no active model (cold-start ranking for everyone).
    IntentModelVersion.objects.update(is_active=False)
    from base.model_files import forget_all

    forget_all()
    fallback_single = timed(lambda i: inference.predict_intent(customers[i % len(customers)]), args.repeat)
    fallback_batch = timed(lambda i: inference.predict_intents(customers), 3)
    size_mb = version.file_path().stat().st_size / 1e6
    print(f"customers: {len(customers)}; model {version.version}, file {size_mb:.2f} MB (target ≤ 20 MB)")
    print(f"single, IntentNet          {p50_p95(single)}   (target p50 ≤ 5 ms)")
    print(f"single, fallback baseline  {p50_p95(fallback_single)}")
    print(f"batch of {len(customers)}, IntentNet   median {statistics.median(batch):8.0f} ms   (target ≤ 1000 ms)")
    print(f"batch of {len(customers)}, fallback    median {statistics.median(fallback_batch):8.0f} ms")
    print("one customer, median per phase: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in phases.items()))


def single_call_phases(inference, customers) -> dict[str, float]:
    """The steps of ``predict_intents`` for one customer, timed one by one (customers the model can judge)."""
    import datetime

    from crm.models import Consent
    from intent.features import HISTORY_DAYS, INPUT_KINDS, customer_inputs, load_events
    from intent.models import IntentPrediction

    samples: dict[str, list[float]] = {}

    def step(name, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return result

    loaded = inference.loaded_model(customers[0].organisation_id)
    for customer in customers:
        now = inference.timezone.now()
        ids = [customer.pk]
        events = step("events", load_events, ids, now - datetime.timedelta(days=HISTORY_DAYS), INPUT_KINDS)
        usage = step("consent", inference.customers_with_consent, ids, Consent.Purpose.USAGE_DATA)
        demoted = step("feedback", inference.demoted_products_of, ids, now)
        inputs = step("features", customer_inputs, customer, loaded.vocab, events[customer.pk], now, bool(usage))
        if inputs.is_cold:
            continue
        rows = step("network + top 3", inference._predict_with_model, loaded, [customer], [inputs], demoted)
        step("store", IntentPrediction.objects.bulk_create, rows)
    return {name: statistics.median(values) for name, values in samples.items()}


if __name__ == "__main__":
    main()
