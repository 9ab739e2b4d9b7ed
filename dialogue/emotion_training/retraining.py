"""Retraining the emotion model (SPEC S16; issue 20 "never ship a model worse than its baseline"): train on the
public data, score the candidate beside its baselines on the same held-out rows, keep the new file as a version,
and activate it only when it is at least as good as every baseline (``base.model_gate``).

What is compared is what a customer meets: the live blend of ``dialogue.emotion`` (word lists + model, default
weights, ``dialogue.emotion_training.live``), not the network alone. Two verdicts, both on rows no model was
trained or tuned on:

* **six emotions** — the blend's macro-F1 on the SMP2020 general-Weibo test half, beside the active model's blend
  and the lexicon alone;
* **polarity** — the blend's accuracy on the held-out review split, beside the active model's blend, the lexicon
  alone and snownlp.

The version row records the deciding verdict (the first that failed, else the six-emotion one) and its metrics
keep both. A candidate that fails stays inactive and whatever served before keeps serving: the active model, or
the lexicon alone when none is active (snownlp is a yardstick only; the product never serves it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from base.model_gate import Verdict, activate_if_better, judge
from base.progress import ProgressCallback
from dialogue.config import ScoringValues
from dialogue.emotion_nn import EmotionPredictor
from dialogue.emotion_store import activate_version, active_version, load_predictor, register_model_file
from dialogue.emotion_training.data import EmotionDatasets, load_emotion_datasets
from dialogue.emotion_training.live import (
    ReadRows,
    lexicon_only,
    live_results,
    polarity_of,
    read_rows,
    shipped_word_lists,
    six_class_of,
)
from dialogue.emotion_training.network import (
    DEFAULT_SEED,
    evaluate_emotion_model,
    save_model,
    train_emotion_model,
)
from dialogue.lexicon import WordLists
from dialogue.models import EmotionModelVersion

SIX_CLASS_SPLIT = "SMP2020 general-Weibo test half"
POLARITY_SPLIT = "held-out review test split (hotel + food delivery)"


@dataclass(frozen=True)
class RetrainResult:
    version: EmotionModelVersion
    activated: bool
    metrics: dict
    previous: dict | None  # the active model's figures on the same rows


@dataclass(frozen=True)
class GateFigures:
    """The candidate's and each baseline's figures on the two held-out splits, and the two verdicts."""

    six_class: Verdict
    polarity: Verdict

    @property
    def deciding(self) -> Verdict:
        return next((v for v in (self.six_class, self.polarity) if not v.passed), self.six_class)


def retrain_emotion(
    data_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    epochs: int | None = None,
    max_rows: int | None = None,
    progress: bool = True,
    snownlp_baseline: bool = True,
    on_progress: ProgressCallback | None = None,
) -> RetrainResult:
    datasets = load_emotion_datasets(data_dir, seed=seed, max_rows=max_rows)
    model = train_emotion_model(
        data_dir,
        seed=seed,
        epochs=epochs,
        max_rows=max_rows,
        progress=progress,
        datasets=datasets,
        on_progress=on_progress,
    )
    metrics = evaluate_emotion_model(model, datasets, snownlp_baseline=snownlp_baseline)
    previous_version = active_version()
    previous_predictor = load_predictor(previous_version).predictor() if previous_version else None
    snownlp = metrics["binary"].get("snownlp", {}).get("accuracy")
    gate = judge_candidate(
        model.predictor(),
        datasets,
        shipped_word_lists(),
        active=(previous_version.version, previous_predictor) if previous_version else None,
        snownlp_accuracy=snownlp,
    )
    metrics["verdicts"] = {"six_class": gate.six_class.as_dict(), "polarity": gate.polarity.as_dict()}
    previous = None
    if previous_version is not None:
        previous = {
            "version": previous_version.version,
            "six_class_blend_macro_f1": gate.six_class.baselines[_active_name(previous_version.version)],
            "polarity_blend_accuracy": gate.polarity.baselines[_active_name(previous_version.version)],
        }
    name = _free_version_name()
    with tempfile.TemporaryDirectory() as tmp:
        path = save_model(model, Path(tmp) / "model.pt")
        version = register_model_file(
            path,
            name,
            metrics,
            {"seed": seed, "epochs": epochs, "max_rows": max_rows, "seconds": round(model.train_seconds, 1)},
        )
    activated = activate_if_better(version, gate.deciding, activate_version)
    return RetrainResult(version, activated, metrics, previous)


def judge_candidate(
    candidate: EmotionPredictor,
    datasets: EmotionDatasets,
    words: WordLists,
    *,
    active: tuple[str, EmotionPredictor] | None = None,
    snownlp_accuracy: float | None = None,
    cfg: ScoringValues | None = None,
) -> GateFigures:
    """The candidate's live blend beside the lexicon alone, the active model's blend (``active``: its version name
    and predictor) and snownlp's polarity accuracy on the same review rows."""
    cfg = cfg or ScoringValues()
    six_rows, polar_rows = datasets.emotion_test, datasets.binary_test

    def figures(predictor: EmotionPredictor | None) -> tuple[float, float]:
        six = read_rows([e.text for e in six_rows], predictor, words)
        polar = read_rows([e.text for e in polar_rows], predictor, words)
        return _six(six, datasets, cfg), polarity_of(live_results(polar, cfg), polar_rows)["accuracy"]

    six_candidate, polar_candidate = figures(candidate)
    lexicon_rows = read_rows([e.text for e in six_rows], None, words)
    six_baselines = {"lexicon": _six(lexicon_only(lexicon_rows), datasets, cfg)}
    polar_lexicon = read_rows([e.text for e in polar_rows], None, words)
    polar_baselines = {"lexicon": polarity_of(live_results(polar_lexicon, cfg), polar_rows)["accuracy"]}
    if active is not None:
        name, predictor = active
        six_baselines[_active_name(name)], polar_baselines[_active_name(name)] = figures(predictor)
    if snownlp_accuracy is not None:
        polar_baselines["snownlp"] = snownlp_accuracy
    return GateFigures(
        judge("six-class macro-F1 (blend)", six_candidate, six_baselines, split=SIX_CLASS_SPLIT),
        judge("polarity accuracy (blend)", polar_candidate, polar_baselines, split=POLARITY_SPLIT),
    )


def _six(rows: ReadRows, datasets: EmotionDatasets, cfg: ScoringValues) -> float:
    return six_class_of(live_results(rows, cfg), datasets.emotion_test)["macro_f1"]


def _active_name(version: str) -> str:
    return f"active model {version}"


def _free_version_name() -> str:
    base = timezone.now().strftime("emotion-%Y%m%d-%H%M%S")
    name, n = base, 1
    while EmotionModelVersion.objects.filter(version=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name
