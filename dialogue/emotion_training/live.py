"""The emotion the product shows, measured (SPEC S11, S16; issue 20): labelled rows go through the same path as a
customer's message in ``analyze_reply`` — ``prepare`` → the word lists' matches → the model on the normalised text
→ ``dialogue.emotion.blend`` — and the blend is scored beside the model alone and the lexicon alone.

Unlike the rest of ``emotion_training`` this module needs Django (the word lists and the blend live in the app);
the benchmark and the trainer call it. Each row is read once (:func:`read_rows`), so trying several lexicon
weights costs only the blend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.config import ScoringValues
from dialogue.emotion import EmotionResult, blend
from dialogue.emotion_nn import EmotionPredictor
from dialogue.emotion_training.data import EMOTIONS, EmotionDatasets, TextExample
from dialogue.emotion_training.network import binary_report, six_class_scores
from dialogue.lexicon import Entry, Match, WordLists
from dialogue.seeding import word_list_rows
from dialogue.text import prepare

LEXICON_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
"""The lexicon weights tried on validation (the model's weight is 1 − this, as the settings form requires)."""


@dataclass(frozen=True)
class ReadRows:
    """Each row's word-list matches and the model's six scores and polarity (None: no model)."""

    matches: list[Sequence[Match]]
    model: list[tuple[dict[str, float], float]] | None
    texts: list[str]  # normalised, as the blend sees them


def shipped_word_lists() -> WordLists:
    """The word lists a fresh organisation starts with (``dialogue/seed/word_lists.json``)."""
    return WordLists(Entry(r["kind"], r["word"], r["label"], r["weight"]) for r in word_list_rows())


def read_rows(texts: Sequence[str], predictor: EmotionPredictor | None, words: WordLists) -> ReadRows:
    normalised = [prepare(text).normalised for text in texts]
    matches = [words.match(text) for text in normalised]
    if predictor is None:
        return ReadRows(matches, None, normalised)
    predictions = predictor.predict(normalised)
    return ReadRows(matches, [(p.scores, p.positive) for p in predictions], normalised)


def live_results(rows: ReadRows, cfg: ScoringValues) -> list[EmotionResult]:
    """What the product would show for each row with these settings."""
    outputs = rows.model or [None] * len(rows.matches)
    return [
        blend(matches, output, cfg, text=text)
        for matches, output, text in zip(rows.matches, outputs, rows.texts, strict=True)
    ]


def lexicon_only(rows: ReadRows) -> ReadRows:
    return ReadRows(rows.matches, None, rows.texts)


def six_class_of(results: Sequence[EmotionResult], examples: Sequence[TextExample]) -> dict:
    return six_class_scores([EMOTIONS.index(r.label) for r in results], [int(e.emotion) for e in examples])


def polarity_of(results: Sequence[EmotionResult], examples: Sequence[TextExample]) -> dict:
    return binary_report([int(r.polarity >= 0.5) for r in results], examples)


def model_alone(rows: ReadRows) -> list[EmotionResult]:
    """The model's own reading: the blend with no weight on the lexicon."""
    return live_results(rows, ScoringValues(lexicon_weight=0.0, model_weight=1.0))


def choose_lexicon_weight(rows: ReadRows, examples: Sequence[TextExample]) -> tuple[float, dict[float, float]]:
    """The lexicon weight whose blend has the best six-class macro-F1 on ``examples`` (validation rows), and the
    whole grid; a tie goes to the smaller lexicon weight."""
    grid = {
        weight: six_class_of(
            live_results(rows, ScoringValues(lexicon_weight=weight, model_weight=round(1 - weight, 4))), examples
        )["macro_f1"]
        for weight in LEXICON_WEIGHTS
    }
    best = max(grid, key=lambda weight: (round(grid[weight], 6), -weight))
    return best, grid


def evaluate_live_blend(predictor: EmotionPredictor, datasets: EmotionDatasets, words: WordLists) -> dict:
    """The blend the product shows (default settings), the model alone and the lexicon alone on every held-out
    set, and the lexicon weight chosen on the emotion validation split (its grid too). Polarity is scored on the
    review test split, the polar rows of the SMP2020 test half and of NLPCC 2014 (never trained on)."""
    cfg = ScoringValues()
    validation = read_rows([e.text for e in datasets.emotion_validation], predictor, words)
    chosen, grid = choose_lexicon_weight(validation, datasets.emotion_validation)
    report: dict = {"default_weights": [cfg.lexicon_weight, cfg.model_weight], "chosen_weight": chosen, "grid": grid}
    six_sets = {
        "validation": datasets.emotion_validation,
        "smp2020_test": datasets.emotion_test,
        "nlpcc2014": datasets.nlpcc_test,
    }
    polar_sets = {
        "review_test": datasets.binary_test,
        "smp2020_test_polar": [e for e in datasets.emotion_test if e.positive is not None],
        "nlpcc2014_polar": [e for e in datasets.nlpcc_test if e.positive is not None],
    }
    for key, examples in {**six_sets, **polar_sets}.items():
        rows = validation if key == "validation" else read_rows([e.text for e in examples], predictor, words)
        readings = {
            "blend": live_results(rows, cfg),
            "model": model_alone(rows),
            "lexicon": live_results(lexicon_only(rows), cfg),
        }
        score = six_class_of if key in six_sets else polarity_of
        report[key] = {name: _headline(score(results, examples)) for name, results in readings.items()}
    return report


def _headline(figures: dict) -> dict:
    keep = {"n": figures["n"], "accuracy": figures["accuracy"], "macro_f1": figures["macro_f1"]}
    if "per_class" in figures:
        keep["per_class_f1"] = {name: c["f1"] for name, c in figures["per_class"].items()}
    return keep
