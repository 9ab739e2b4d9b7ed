"""Measuring emotion polarity on a manager's own labelled data (SPEC S16, issue 4 "evaluate on your own data").

Three readers side by side on the same rows: the active trained model (positive when its probability ≥ 0.5),
the lexicon (positive when the positive words outweigh the negative ones; no sentiment words at all counts as
positive, the more common class of customer replies) and snownlp (sentiments ≥ 0.5). Each gets accuracy,
macro-F1 and its speed in sentences per second.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, f1_score

from dialogue.config import get_config
from dialogue.emotion import lexicon_polarity, loaded_emotion_model
from dialogue.text import prepare

MAX_ROWS = 200_000


class EvaluationInputError(ValueError):
    """The CSV cannot be evaluated; the message says which row or column is wrong."""


@dataclass(frozen=True)
class ReaderResult:
    name: str
    accuracy: float
    macro_f1: float
    sentences_per_second: float


def read_labelled_csv(data: bytes, text_column: str, label_column: str) -> tuple[list[str], list[int]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvaluationInputError("The file is not UTF-8 text.") from error
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    for column in (text_column, label_column):
        if column not in columns:
            raise EvaluationInputError(f"Column “{column}” is missing; the file has: {', '.join(columns) or 'none'}.")
    texts, labels = [], []
    for line, row in enumerate(reader, start=2):
        label = (row[label_column] or "").strip()
        if label not in ("0", "1"):
            raise EvaluationInputError(f"Line {line}: the label must be 1 (positive) or 0 (negative), not “{label}”.")
        body = (row[text_column] or "").strip()
        if not body:
            continue  # an empty review says nothing: skipped, as the engine refuses empty messages
        texts.append(body)
        labels.append(int(label))
        if len(texts) > MAX_ROWS:
            raise EvaluationInputError(f"More than {MAX_ROWS:,} rows; split the file.")
    if not texts:
        raise EvaluationInputError("The file has no labelled rows.")
    return texts, labels


def evaluate_polarity(texts: Sequence[str], labels: Sequence[int], include_snownlp: bool = True) -> list[ReaderResult]:
    readers: list[tuple[str, Callable[[Sequence[str]], list[int]]]] = []
    loaded = loaded_emotion_model()
    if loaded is not None:
        readers.append((f"trained model ({loaded.version})", lambda rows: _model_labels(loaded.predictor, rows)))
    readers.append(("lexicon", _lexicon_labels))
    if include_snownlp:
        readers.append(("snownlp", _snownlp_labels))
    results = []
    for name, read in readers:
        started = time.perf_counter()
        predicted = read(texts)
        seconds = max(time.perf_counter() - started, 1e-9)
        results.append(
            ReaderResult(
                name=name,
                accuracy=round(float(accuracy_score(labels, predicted)), 4),
                macro_f1=round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
                sentences_per_second=round(len(texts) / seconds, 1),
            )
        )
    return results


def _model_labels(predictor, texts: Sequence[str], batch: int = 256) -> list[int]:  # noqa: ANN001
    labels: list[int] = []
    for start in range(0, len(texts), batch):
        normalised = [prepare(t).normalised for t in texts[start : start + batch]]
        labels.extend(int(p.positive >= 0.5) for p in predictor.predict(normalised))
    return labels


def _lexicon_labels(texts: Sequence[str]) -> list[int]:
    words = get_config().words
    return [int(lexicon_polarity(words.match(prepare(t).normalised)) >= 0.5) for t in texts]


def _snownlp_labels(texts: Sequence[str]) -> list[int]:
    from snownlp import SnowNLP

    return [int(SnowNLP(t).sentiments >= 0.5) for t in texts]
