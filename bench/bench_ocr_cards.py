"""Benchmark: field accuracy of business-card OCR (``crm.im_profile.ocr.image_findings``) on generated Chinese cards.

``bench/cardgen.py`` draws N cards (Pillow; every CJK font ``fc-list :lang=zh`` finds, four layouts, light
backgrounds and textures, coloured text) under photo-like conditions: Gaussian blur radius 0 / 0.8 / 1.5,
rotation 0 / ±3° / ±8°, JPEG re-compression at quality 60 on ~30 % of the cards, 900×540 or 1200×720 pixels.
Each card's PNG goes through ``image_findings(data)``, and its findings are compared with the ground truth for
the scored fields ``phone`` (the mobile, 11 digits), ``email`` (lower-case), ``company`` (full name as printed),
``job_title`` (as printed) and ``city`` (of the address, without 市).

Per field, over the cards that carry it:
- accuracy: some finding of the field has exactly the true value;
- found: the card has any finding of the field;
- wrong: findings of the field, none of them right (found − accuracy);
and, over the cards that do not carry it (only e-mail is absent from some), spurious: any finding of the field.
Accuracy is broken down by font, blur, rotation, layout, JPEG and size; the OCR time per card (the call, after one
warm-up call that loads the models) is given as p50 / p95.

Run: .venv/bin/python bench/bench_ocr_cards.py [--cards 120] [--seed 7] [--json PATH] [--save-dir DIR] [--errors]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cardgen import CardSample, find_cjk_fonts, generate_cards  # noqa: E402

SCORED = ("phone", "email", "company", "job_title", "city")
DIMENSIONS = ("font", "blur", "rotation", "layout", "jpeg", "size")


@dataclass
class CardResult:
    index: int
    sample: CardSample
    found: dict[str, list[str]]  # field -> values found, in the module's order
    text: str
    seconds: float
    error: str = ""

    def right(self, field: str) -> bool:
        return self.sample.fields.get(field) in self.found.get(field, [])

    def condition(self, dimension: str) -> str:
        value = getattr(self.sample, dimension)
        if dimension == "size":
            return "×".join(map(str, value))
        if dimension == "jpeg":
            return "jpeg q60" if value else "png"
        return str(value)


def set_up_django() -> None:
    os.environ.setdefault("ENV_FILE", "")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
    import django

    django.setup()


def load_contract(module: str) -> Callable[[bytes], object]:
    return importlib.import_module(module).image_findings


def read_card(index: int, sample: CardSample, image_findings: Callable[[bytes], object]) -> CardResult:
    started = time.perf_counter()
    try:
        reading = image_findings(sample.image)
    except Exception as error:  # noqa: BLE001 - one failing card must not end the run; it is reported
        return CardResult(index, sample, {}, "", time.perf_counter() - started, f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - started
    found: dict[str, list[str]] = defaultdict(list)
    for finding in reading.findings:
        found[finding.field].append(finding.value)
    return CardResult(index, sample, dict(found), reading.text, seconds)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def field_figures(results: list[CardResult]) -> dict[str, dict[str, float | int | None]]:
    figures = {}
    for field in SCORED:
        carrying = [r for r in results if field in r.sample.fields]
        absent = [r for r in results if field not in r.sample.fields]
        right = sum(r.right(field) for r in carrying)
        found = sum(bool(r.found.get(field)) for r in carrying)
        figures[field] = {
            "cards": len(carrying),
            "accuracy": rate(right, len(carrying)),
            "found": rate(found, len(carrying)),
            "wrong": rate(found - right, len(carrying)),
            "cards_without": len(absent),
            "spurious": rate(sum(bool(r.found.get(field)) for r in absent), len(absent)),
        }
    return figures


def overall_accuracy(results: Iterable[CardResult]) -> float | None:
    pairs = [(r, f) for r in results for f in SCORED if f in r.sample.fields]
    return rate(sum(r.right(f) for r, f in pairs), len(pairs))


def breakdown(results: list[CardResult], dimension: str) -> dict[str, dict[str, float | int | None]]:
    groups: dict[str, list[CardResult]] = defaultdict(list)
    for result in results:
        groups[result.condition(dimension)].append(result)
    table = {}
    for value in sorted(groups, key=_condition_order):
        group = groups[value]
        row: dict[str, float | int | None] = {"cards": len(group)}
        for field in SCORED:
            carrying = [r for r in group if field in r.sample.fields]
            row[field] = rate(sum(r.right(field) for r in carrying), len(carrying))
        row["all"] = overall_accuracy(group)
        table[value] = row
    return table


def _condition_order(value: str) -> tuple[int, float | str]:
    try:
        return (0, abs(float(value)) + (0.5 if value.startswith("-") else 0))
    except ValueError:
        return (1, value)


def _pct(value: float | int | None) -> str:
    return "   –  " if value is None else f"{100 * value:5.1f}%"


def print_fields(figures: dict[str, dict[str, float | int | None]]) -> None:
    print(f"{'field':<10} {'cards':>5}  {'accuracy':>8}  {'found':>6}  {'wrong':>6}  {'spurious (cards w/o)':>20}")
    for field, row in figures.items():
        spurious = f"{_pct(row['spurious'])} ({row['cards_without']})"
        print(
            f"{field:<10} {row['cards']:>5}  {_pct(row['accuracy']):>8}  {_pct(row['found']):>6}  "
            f"{_pct(row['wrong']):>6}  {spurious:>20}"
        )


def print_breakdown(dimension: str, table: dict[str, dict[str, float | int | None]]) -> None:
    width = max(12, *(len(value) for value in table))
    print(f"\naccuracy by {dimension}")
    print(f"{'':<{width}} {'cards':>5} " + " ".join(f"{f:>9}" for f in (*SCORED, "all")))
    for value, row in table.items():
        cells = " ".join(f"{_pct(row[f]):>9}" for f in (*SCORED, "all"))
        print(f"{value:<{width}} {row['cards']:>5} {cells}")


def print_errors(results: list[CardResult]) -> None:
    print("\nmisses")
    for result in results:
        misses = [f for f in SCORED if f in result.sample.fields and not result.right(f)]
        if not misses and not result.error:
            continue
        sample = result.sample
        print(
            f"\n#{result.index:03d} {sample.layout}, {sample.font}, blur {sample.blur}, rotation {sample.rotation}, "
            f"{result.condition('jpeg')}, {result.condition('size')}"
        )
        if result.error:
            print(f"  error: {result.error}")
        for field in misses:
            print(f"  {field:<10} want {sample.fields[field]!r:<34} got {result.found.get(field, [])}")
        print("  OCR text: " + " | ".join(result.text.splitlines()))


def misses(results: list[CardResult]) -> list[dict[str, object]]:
    """One entry per card with a wrong or missing scored field, for the JSON report."""
    rows = []
    for result in results:
        wrong = {
            f: {"want": result.sample.fields[f], "got": result.found.get(f, [])}
            for f in SCORED
            if f in result.sample.fields and not result.right(f)
        }
        if wrong or result.error:
            conditions = {d: result.condition(d) for d in DIMENSIONS}
            rows.append(
                {"card": result.index, **conditions, "misses": wrong, "error": result.error, "text": result.text}
            )
    return rows


def save_images(samples: list[CardSample], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    truth = []
    for index, sample in enumerate(samples):
        name = f"card_{index:03d}.png"
        (directory / name).write_bytes(sample.image)
        conditions = {d: getattr(sample, d) for d in DIMENSIONS}
        truth.append({"file": name, "fields": sample.fields, **conditions})
    (directory / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")


def timing_figures(results: list[CardResult], warm_up: float) -> dict[str, float]:
    times = [r.seconds for r in results]
    return {
        "first_call_s": warm_up,
        "p50_s": percentile(times, 0.5),
        "p95_s": percentile(times, 0.95),
        "mean_s": statistics.fmean(times) if times else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--save-dir", type=Path, help="write the card images and truth.json here")
    parser.add_argument("--errors", action="store_true", help="list each miss with the card's OCR text")
    parser.add_argument("--module", default="crm.im_profile.ocr", help="module providing image_findings(data: bytes)")
    args = parser.parse_args()

    set_up_django()
    image_findings = load_contract(args.module)
    fonts = find_cjk_fonts()
    print(f"{len(fonts)} CJK fonts: " + ", ".join(font.name for font in fonts))
    if len(fonts) < 3:
        print("note: fewer than 3 CJK fonts found; install more with scripts/system-deps.sh fonts")

    started = time.perf_counter()
    samples = generate_cards(args.cards, args.seed)
    print(f"generated {len(samples)} cards in {time.perf_counter() - started:.1f} s (seed {args.seed})")
    if args.save_dir:
        save_images(samples, args.save_dir)
        print(f"images written to {args.save_dir}")

    started = time.perf_counter()
    image_findings(samples[0].image)  # loads the models; not timed with the cards
    warm_up = time.perf_counter() - started
    results = [read_card(i, sample, image_findings) for i, sample in enumerate(samples)]

    if args.errors:
        print_errors(results)
    failed = [r for r in results if r.error]
    print(f"\n{args.module}.image_findings on {len(results)} cards" + (f", {len(failed)} raised" if failed else ""))
    figures = field_figures(results)
    print_fields(figures)
    print(f"all scored fields: {_pct(overall_accuracy(results))}")
    tables = {dimension: breakdown(results, dimension) for dimension in DIMENSIONS}
    for dimension, table in tables.items():
        print_breakdown(dimension, table)
    timing = timing_figures(results, warm_up)
    print(
        f"\nOCR time per card: p50 {timing['p50_s'] * 1000:.0f} ms, p95 {timing['p95_s'] * 1000:.0f} ms "
        f"(first call with model load {warm_up:.1f} s)"
    )

    if args.json:
        report = {
            "cards": len(results),
            "seed": args.seed,
            "module": args.module,
            "fonts": [font.name for font in fonts],
            "fields": figures,
            "all_fields_accuracy": overall_accuracy(results),
            "breakdowns": tables,
            "timing": timing,
            "raised": len(failed),
            "misses": misses(results),
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
