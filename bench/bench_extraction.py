"""Benchmark: the customer-profile fact extractor (``crm.im_profile.extraction.extract_text``) on hand-labelled chat
lines.

1. Accuracy on bench/data/profile_chat_lines.jsonl: one customer message a line, labelled with every fact it states
   about its writer as (field, normalised value) pairs. A finding is a true positive when its exact (field, value) is
   labelled for that line (duplicates count once); an unlabelled pair is a false positive, a labelled pair not found
   a false negative. Per field: support, TP, FP, FN, precision, recall, F1, and the micro average over all fields.
   Targets: precision >= 0.95 and recall >= 0.85 on phone, email and company.
2. Throughput in messages per second: one process over all lines repeated to at least 20,000 messages (after a
   warm-up pass), and two processes (a Pool of 2, each worker warmed up first, each handling half; wall time of the
   whole). Target: >= 500 messages/s on 2 cores. Repeated lines can hit caches inside the extractor, so the first
   (cold) pass over the data is reported too.

The exit code is 0 whatever the figures; 1 when the data file is missing or malformed, 2 when the extractor cannot
be imported.

Run: .venv/bin/python bench/bench_extraction.py [--errors] [--min-confidence 0.5] [--json figures.json]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib
import importlib.util
import json
import math
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT / "bench" / "data" / "profile_chat_lines.jsonl"
DEFAULT_EXTRACTOR = "crm.im_profile.extraction"
FIELDS = (
    "phone", "email", "company", "job_title", "birthday", "age", "city", "hometown", "married", "children",
    "budget", "interest", "hobby", "mbti",
)  # fmt: skip
TARGET_FIELDS = ("phone", "email", "company")
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.85
TARGET_RATE = 500.0
PROCESSES = 2
WORKER_START_TIMEOUT = 300.0  # seconds for a worker to import the extractor and run its warm-up pass

INTERESTS = frozenset(
    {
        "sofa", "bed", "dining-table", "wardrobe", "lighting", "critical-illness", "medical", "term-life", "annuity",
        "accident", "time-deposit", "large-cd", "wealth", "fund", "loan", "credit-card",
    }
)  # fmt: skip
HOBBIES = frozenset(
    {
        "钓鱼", "跑步", "摄影", "旅游", "瑜伽", "羽毛球", "网球", "高尔夫", "阅读", "烘焙", "徒步", "游泳", "篮球",
        "足球", "登山", "健身", "书法", "喝茶", "围棋", "骑行", "滑雪", "露营", "唱歌", "追剧", "做饭", "养花",
        "广场舞", "乒乓球",
    }
)  # fmt: skip

_NAME = re.compile(r"[^\s，。,;；:：!！?？()（）【】\[\]\"“”]+(?: [^\s，。,;；:：!！?？()（）【】\[\]\"“”]+)*")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}")
_PATTERNS = {
    "phone": re.compile(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}"),
    "email": re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"),
    "age": re.compile(r"[1-9]\d?|1[01]\d"),
    "married": re.compile(r"true|false"),
    "children": re.compile(r"\d{1,2}"),
    "budget": re.compile(r"[1-9]\d*"),
    "mbti": re.compile(r"[EI][SN][TF][JP]"),
}
_BIRTHDAY = re.compile(r"(\d{4}|-)-(\d{2})-(\d{2})")


# --- Data ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    id: str
    text: str
    facts: frozenset[tuple[str, str]]
    note: str = ""


def _valid_birthday(value: str) -> bool:
    match = _BIRTHDAY.fullmatch(value)
    if not match:
        return False
    year = 2000 if match[1] == "-" else int(match[1])  # 2000 is a leap year, so "--02-29" passes
    try:
        datetime.date(year, int(match[2]), int(match[3]))
    except ValueError:
        return False
    return 1900 <= year <= datetime.date.today().year


def valid_value(field: str, value: str) -> bool:
    """Whether ``value`` is in the normalised form the labels use for ``field``."""
    if field in _PATTERNS:
        return bool(_PATTERNS[field].fullmatch(value))
    if field == "birthday":
        return _valid_birthday(value)
    if field in ("city", "hometown"):
        return bool(_PLACE.fullmatch(value)) and value[-1] not in "市省"
    if field in ("company", "job_title"):
        return len(value) <= 40 and bool(_NAME.fullmatch(value))
    if field == "interest":
        return value in INTERESTS
    if field == "hobby":
        return value in HOBBIES
    return False


def _parse_facts(raw: Any, where: str) -> frozenset[tuple[str, str]]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: 'facts' must be a list")
    facts: set[tuple[str, str]] = set()
    for fact in raw:
        if not (isinstance(fact, list) and len(fact) == 2 and all(isinstance(part, str) for part in fact)):
            raise ValueError(f"{where}: each fact must be a [field, value] pair of strings, got {fact!r}")
        field, value = fact
        if field not in FIELDS:
            raise ValueError(f"{where}: unknown field {field!r}")
        if not valid_value(field, value):
            raise ValueError(f"{where}: {field} value {value!r} is not in its normalised form")
        if (field, value) in facts:
            raise ValueError(f"{where}: fact {field}={value} listed twice")
        facts.add((field, value))
    return frozenset(facts)


def _parse_line(raw: Any, number: int) -> Line:
    if not isinstance(raw, dict):
        raise ValueError(f"line {number}: not a JSON object")
    line_id = raw.get("id")
    where = f"line {number} ({line_id})"
    if not (isinstance(line_id, str) and re.fullmatch(r"L\d{3,}", line_id)):
        raise ValueError(f"{where}: 'id' must look like 'L001'")
    unknown = set(raw) - {"id", "text", "facts", "note"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    text, note = raw.get("text"), raw.get("note", "")
    if not (isinstance(text, str) and text.strip()):
        raise ValueError(f"{where}: 'text' must be a non-empty string")
    if not isinstance(note, str):
        raise ValueError(f"{where}: 'note' must be a string")
    return Line(line_id, text, _parse_facts(raw.get("facts"), where), note)


def load_lines(path: Path = DEFAULT_DATA) -> list[Line]:
    """The labelled lines of ``path``; ValueError naming the line (and its id) when one is malformed."""
    lines: list[Line] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as source:
        for number, raw_line in enumerate(source, 1):
            if not raw_line.strip():
                continue
            try:
                raw = json.loads(raw_line)
            except json.JSONDecodeError as error:
                raise ValueError(f"line {number}: not valid JSON ({error})") from error
            line = _parse_line(raw, number)
            if line.id in seen:
                raise ValueError(f"line {number} ({line.id}): duplicate id")
            seen.add(line.id)
            lines.append(line)
    if not lines:
        raise ValueError(f"{path}: no lines")
    return lines


# --- Extractor -------------------------------------------------------------------------------------------------------
Extract = Callable[[str], list[Any]]
Pairs = frozenset[tuple[str, str]]


def _load_module(spec: str) -> ModuleType:
    if not spec.endswith(".py"):
        return importlib.import_module(spec)
    module_spec = importlib.util.spec_from_file_location("extractor_under_test", spec)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {spec}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _django_not_set_up() -> tuple[type[Exception], ...]:
    """What importing a module that needs Django raises before ``django.setup()``."""
    try:
        from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
    except ImportError:
        return ()
    return ImproperlyConfigured, AppRegistryNotReady


def _set_up_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
    os.environ.setdefault("ENV_FILE", "")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def import_extractor(spec: str = DEFAULT_EXTRACTOR) -> tuple[Extract, tuple[str, ...]]:
    """``extract_text`` and ``FIELDS`` of the module ``spec`` (dotted name or .py path); Django only if it needs it."""
    try:
        module = _load_module(spec)
    except _django_not_set_up():
        _set_up_django()
        module = _load_module(spec)
    return module.extract_text, tuple(getattr(module, "FIELDS", ()))


def _safe_extract(extract: Extract, text: str) -> list[Any]:
    try:
        return extract(text)
    except Exception:  # noqa: BLE001 - one failing message must not end the benchmark; failures are reported
        return []


# --- Accuracy --------------------------------------------------------------------------------------------------------
@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        if self.tp == 0:
            return 0.0 if self.fp + self.fn else None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def figures(self) -> dict[str, Any]:
        return {"support": self.support, "tp": self.tp, "fp": self.fp, "fn": self.fn} | {
            name: getattr(self, name) for name in ("precision", "recall", "f1")
        }


@dataclass(frozen=True)
class Miss:
    kind: str  # "FP" or "FN"
    line: Line
    field: str
    value: str


@dataclass(frozen=True)
class Predictions:
    pairs: list[Pairs]
    failures: list[tuple[str, str]]  # (line id, exception)
    seconds: float


def predict(extract: Extract, lines: Sequence[Line], min_confidence: float) -> Predictions:
    """The (field, value) pairs found on each line at ``min_confidence`` or above; this is the first (cold) pass."""
    pairs, failures = [], []
    started = time.perf_counter()
    for line in lines:
        try:
            findings = extract(line.text)
        except Exception as error:  # noqa: BLE001 - counted and listed, the line scores as finding nothing
            failures.append((line.id, f"{type(error).__name__}: {error}"))
            findings = []
        pairs.append(frozenset((f.field, f.value) for f in findings if f.confidence >= min_confidence))
    return Predictions(pairs, failures, time.perf_counter() - started)


def score(lines: Sequence[Line], predicted: Sequence[Pairs]) -> tuple[dict[str, Counts], list[Miss]]:
    """Per-field counts, and every false positive and false negative in line order."""
    counts: dict[str, Counts] = {field: Counts() for field in FIELDS}
    misses: list[Miss] = []
    for line, found in zip(lines, predicted, strict=True):
        for field, value in sorted(found | line.facts):
            tally = counts.setdefault(field, Counts())
            if (field, value) in found and (field, value) in line.facts:
                tally.tp += 1
            elif (field, value) in found:
                tally.fp += 1
                misses.append(Miss("FP", line, field, value))
            else:
                tally.fn += 1
                misses.append(Miss("FN", line, field, value))
    return counts, misses


def micro(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for tally in counts.values():
        total.tp, total.fp, total.fn = total.tp + tally.tp, total.fp + tally.fp, total.fn + tally.fn
    return total


def target_results(counts: dict[str, Counts]) -> list[dict[str, Any]]:
    results = []
    for field in TARGET_FIELDS:
        tally = counts[field]
        passed = (tally.precision or 0.0) >= TARGET_PRECISION and (tally.recall or 0.0) >= TARGET_RECALL
        results.append({"field": field, "precision": tally.precision, "recall": tally.recall, "pass": passed})
    return results


# --- Throughput ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Throughput:
    processes: int
    messages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else math.inf


def _run_range(extract: Extract, texts: Sequence[str], start: int, stop: int) -> int:
    count = len(texts)
    for index in range(start, stop):
        _safe_extract(extract, texts[index % count])
    return stop - start


def time_one_process(extract: Extract, texts: Sequence[str], messages: int) -> Throughput:
    _run_range(extract, texts, 0, len(texts))  # warm-up pass
    started = time.perf_counter()
    done = _run_range(extract, texts, 0, messages)
    return Throughput(1, done, time.perf_counter() - started)


_WORKER: dict[str, Any] = {}


def _init_worker(spec: str, texts: list[str], barrier: Any) -> None:
    try:
        extract, _fields = import_extractor(spec)
        _run_range(extract, texts, 0, len(texts))  # warm-up pass
    except BaseException:
        barrier.abort()  # the parent stops waiting at once instead of timing out
        raise
    _WORKER.update(extract=extract, texts=texts)
    barrier.wait()


def _worker_share(bounds: tuple[int, int]) -> int:
    return _run_range(_WORKER["extract"], _WORKER["texts"], *bounds)


def time_processes(spec: str, texts: list[str], messages: int, processes: int = PROCESSES) -> Throughput:
    """Wall time of ``processes`` warmed-up workers each handling an equal share of ``messages``."""
    context = multiprocessing.get_context()
    barrier = context.Barrier(processes + 1)
    edges = [messages * share // processes for share in range(processes + 1)]
    shares = list(zip(edges, edges[1:], strict=False))
    with context.Pool(processes, initializer=_init_worker, initargs=(spec, texts, barrier)) as pool:
        try:
            barrier.wait(timeout=WORKER_START_TIMEOUT)  # every worker has imported the extractor and warmed up
        except threading.BrokenBarrierError:
            raise RuntimeError("a worker process failed to import the extractor or to warm up") from None
        started = time.perf_counter()
        done = sum(pool.map(_worker_share, shares, chunksize=1))
        seconds = time.perf_counter() - started
    return Throughput(processes, done, seconds)


def stream_length(lines: int, at_least: int) -> int:
    """All lines, repeated whole until there are at least ``at_least`` messages."""
    return lines * max(1, math.ceil(at_least / lines))


# --- Report ----------------------------------------------------------------------------------------------------------
def _ratio(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def print_table(counts: dict[str, Counts]) -> None:
    print(f"{'field':12s} {'support':>7s} {'TP':>5s} {'FP':>5s} {'FN':>5s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    rows = list(counts.items()) + [("micro avg", micro(counts))]
    for field, tally in rows:
        print(
            f"{field:12s} {tally.support:7d} {tally.tp:5d} {tally.fp:5d} {tally.fn:5d} "
            f"{_ratio(tally.precision):>9s} {_ratio(tally.recall):>7s} {_ratio(tally.f1):>6s}"
        )


def print_targets(results: Iterable[dict[str, Any]]) -> None:
    print(f"\ntargets: precision >= {TARGET_PRECISION} and recall >= {TARGET_RECALL}")
    for result in results:
        precision, recall = _ratio(result["precision"]), _ratio(result["recall"])
        print(f"  {result['field']:8s} precision {precision}  recall {recall}  {'PASS' if result['pass'] else 'FAIL'}")


def print_misses(misses: Sequence[Miss]) -> None:
    print(f"\nerrors ({len(misses)}):")
    for miss in misses:
        note = f"  [{miss.line.note}]" if miss.line.note else ""
        print(f"  {miss.kind} {miss.line.id} {miss.field}={miss.value} | {miss.line.text}{note}")


def print_failures(failures: Sequence[tuple[str, str]]) -> None:
    if failures:
        print(f"\nextractor raised on {len(failures)} line(s):")
        for line_id, error in failures:
            print(f"  {line_id}: {error}")


def print_throughput(one: Throughput, many: Throughput | None, cold: Throughput) -> None:
    print(f"\nthroughput ({os.cpu_count()} CPUs visible; {one.messages:,} messages each run):")
    print(f"  cold first pass, 1 process   {cold.per_second:9.0f} messages/s ({cold.messages} in {cold.seconds:.2f} s)")
    print(f"  1 process, warmed up         {one.per_second:9.0f} messages/s ({one.seconds:.2f} s)")
    if many:
        print(f"  {many.processes} processes, warmed up       {many.per_second:9.0f} messages/s ({many.seconds:.2f} s)")
    verdict = "PASS" if many and many.per_second >= TARGET_RATE else "FAIL"
    print(f"  target >= {TARGET_RATE:.0f} messages/s on {PROCESSES} cores: {verdict}")


def _throughput_figures(run: Throughput) -> dict[str, Any]:
    return asdict(run) | {"messages_per_second": run.per_second}


# --- Main ------------------------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled JSON Lines file")
    parser.add_argument("--errors", action="store_true", help="list every false positive and false negative")
    parser.add_argument("--min-confidence", type=float, default=0.0, help="drop findings below this confidence")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--messages", type=int, default=20_000, help="messages per throughput run (at least)")
    parser.add_argument("--no-throughput", action="store_true", help="measure accuracy only")
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR, help="module name or .py file to benchmark")
    parser.add_argument(
        "--split",
        choices=("all", "dev", "test"),
        default="all",
        help="dev: the lines the rules were tuned on; test: the third held out from tuning (by a hash of the id)",
    )
    return parser.parse_args(argv)


def in_split(line_id: str, split: str) -> bool:
    """A fixed third of the lines (by the SHA-1 of the id) is held out: the rules were never tuned on it."""
    held_out = int(hashlib.sha1(line_id.encode()).hexdigest(), 16) % 3 == 0
    return split == "all" or (split == "test") == held_out


def measure_throughput(args: argparse.Namespace, extract: Extract, lines: list[Line], cold: Throughput) -> dict:
    texts = [line.text for line in lines]
    messages = stream_length(len(texts), max(1, args.messages))
    one = time_one_process(extract, texts, messages)
    try:
        many: Throughput | None = time_processes(args.extractor, texts, messages)
    except RuntimeError as error:
        print(f"\n{PROCESSES}-process run failed: {error}")
        many = None
    print_throughput(one, many, cold)
    return {
        "cold_first_pass": _throughput_figures(cold),
        "one_process": _throughput_figures(one),
        "two_processes": _throughput_figures(many) if many else None,
        "target_messages_per_second": TARGET_RATE,
        "pass": bool(many and many.per_second >= TARGET_RATE),
    }


def run(args: argparse.Namespace, extract: Extract, extractor_fields: tuple[str, ...], lines: list[Line]) -> dict:
    predictions = predict(extract, lines, args.min_confidence)
    counts, misses = score(lines, predictions.pairs)
    facts = sum(len(line.facts) for line in lines)
    print(f"{len(lines)} lines, {facts} labelled facts, {sum(not line.facts for line in lines)} lines without a fact")
    print(f"split {args.split}; extractor {args.extractor}; findings below confidence {args.min_confidence} dropped\n")
    if extractor_fields and set(extractor_fields) != set(FIELDS):
        print(f"note: the extractor's FIELDS differ from the labels' ({sorted(set(extractor_fields) ^ set(FIELDS))})")
    print_table(counts)
    targets = target_results(counts)
    print_targets(targets)
    print_failures(predictions.failures)
    if args.errors:
        print_misses(misses)
    figures: dict[str, Any] = {
        "data": str(args.data),
        "extractor": args.extractor,
        "lines": len(lines),
        "facts": facts,
        "min_confidence": args.min_confidence,
        "fields": {field: tally.figures() for field, tally in counts.items()},
        "micro": micro(counts).figures(),
        "targets": targets,
        "extractor_failures": [{"id": line_id, "error": error} for line_id, error in predictions.failures],
    }
    if not args.no_throughput:
        cold = Throughput(1, len(lines), predictions.seconds)
        figures["throughput"] = measure_throughput(args, extract, lines, cold)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        lines = [line for line in load_lines(args.data) if in_split(line.id, args.split)]
    except (OSError, ValueError) as error:
        print(f"error: {args.data}: {error}", file=sys.stderr)
        return 1
    try:
        extract, extractor_fields = import_extractor(args.extractor)
    except (ImportError, AttributeError) as error:
        print(f"error: cannot import extract_text from {args.extractor}: {error}", file=sys.stderr)
        return 2
    figures = run(args, extract, extractor_fields, lines)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
