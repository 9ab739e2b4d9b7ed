"""Retraining the emotion model (SPEC S16): train on the public data, score the new model and the active one on
the same held-out rows, keep the new file as a version, and activate it only when it is better.

"Better" is higher polarity accuracy on the held-out review split; a tie goes to the six-class macro-F1 on the
general-Weibo test half. Without an active model the new one is activated.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from dialogue.emotion_store import activate_version, active_version, load_predictor, register_model_file
from dialogue.emotion_training.data import EmotionDatasets, load_emotion_datasets
from dialogue.emotion_training.network import (
    DEFAULT_SEED,
    binary_metrics,
    emotion_metrics,
    evaluate_emotion_model,
    save_model,
    train_emotion_model,
)
from dialogue.models import EmotionModelVersion


@dataclass(frozen=True)
class RetrainResult:
    version: EmotionModelVersion
    activated: bool
    metrics: dict
    previous: dict | None  # the active model's figures on the same rows


def retrain_emotion(
    data_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    epochs: int | None = None,
    max_rows: int | None = None,
    progress: bool = True,
    snownlp_baseline: bool = True,
) -> RetrainResult:
    datasets = load_emotion_datasets(data_dir, seed=seed, max_rows=max_rows)
    model = train_emotion_model(
        data_dir, seed=seed, epochs=epochs, max_rows=max_rows, progress=progress, datasets=datasets
    )
    metrics = evaluate_emotion_model(model, datasets, snownlp_baseline=snownlp_baseline)
    previous_version = active_version()
    previous = _score_active(previous_version, datasets) if previous_version else None
    name = _free_version_name()
    with tempfile.TemporaryDirectory() as tmp:
        path = save_model(model, Path(tmp) / "model.pt")
        version = register_model_file(
            path,
            name,
            metrics,
            {"seed": seed, "epochs": epochs, "max_rows": max_rows, "seconds": round(model.train_seconds, 1)},
        )
    activated = previous is None or _key(metrics) > _key(previous)
    if activated:
        activate_version(version)
    return RetrainResult(version, activated, metrics, previous)


def _score_active(version: EmotionModelVersion, datasets: EmotionDatasets) -> dict:
    predictor = load_predictor(version).predictor()
    return {
        "version": version.version,
        "binary": {"model": binary_metrics(predictor, datasets.binary_test)},
        "six_class_smp2020_usual": emotion_metrics(predictor, datasets.emotion_test),
    }


def _key(metrics: dict) -> tuple[float, float]:
    return (metrics["binary"]["model"]["accuracy"], metrics["six_class_smp2020_usual"]["macro_f1"])


def _free_version_name() -> str:
    base = timezone.now().strftime("emotion-%Y%m%d-%H%M%S")
    name, n = base, 1
    while EmotionModelVersion.objects.filter(version=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name
