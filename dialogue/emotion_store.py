"""Where trained emotion models live (SPEC S16): files under ``MODEL_DIR/emotion/``, recorded by
``EmotionModelVersion`` rows, activated only after their SHA-256 checks out and the file loads
(``base.model_files.activate``; this process then forgets the loaded model of the slot ``SLOT``, ``dialogue.emotion``).

The public training data is not on a user's machine, so the repository ships the model trained here
(``dialogue/trained/emotion.pt`` with its metrics in ``emotion.json``); ``install_shipped_model`` copies it into
MODEL_DIR and activates it when no version is active — what ``make run`` does on a fresh machine.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.conf import settings

from base import model_files
from base.model_files import ModelFileError, file_sha256, verify_file
from dialogue.emotion_training.network import TrainedEmotionModel, load_model
from dialogue.models import EmotionModelVersion

SLOT = "emotion"  # the loaded model's slot (dialogue.emotion.MODEL)
SHIPPED_MODEL = Path(__file__).resolve().parent / "trained" / "emotion.pt"
SHIPPED_METRICS = SHIPPED_MODEL.with_suffix(".json")


def activate_version(version: EmotionModelVersion) -> EmotionModelVersion:
    """Make ``version`` the one active emotion model (also how a rollback is done)."""
    load_predictor(version)  # refuse a file that does not load before it goes live
    return model_files.activate(version, SLOT)


def active_version() -> EmotionModelVersion | None:
    return EmotionModelVersion.objects.filter(is_active=True).first()


def load_predictor(version: EmotionModelVersion) -> TrainedEmotionModel:
    """The version's model, after its checksum is verified; ``.predictor()`` gives the batched predictor."""
    path = verify_file(version)
    try:
        return load_model(path)
    except (ValueError, KeyError, RuntimeError, OSError) as error:
        raise ModelFileError(f"Emotion model {version.version} cannot be loaded: {error}") from error


def register_model_file(source: Path, version_name: str, metrics: dict, training: dict) -> EmotionModelVersion:
    """Copy a trained model file under MODEL_DIR and record it (inactive)."""
    relative = Path("emotion") / f"{version_name}.pt"
    target = Path(settings.MODEL_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    return EmotionModelVersion.objects.create(
        version=version_name, path=str(relative), sha256=file_sha256(target), metrics=metrics, training=training
    )


def install_shipped_model() -> EmotionModelVersion | None:
    """Install and activate the model shipped in the repository, unless a version is active already."""
    current = active_version()
    if current is not None:
        return None
    if not SHIPPED_MODEL.is_file():
        raise ModelFileError(f"The shipped emotion model is missing: {SHIPPED_MODEL}")
    info = json.loads(SHIPPED_METRICS.read_text(encoding="utf-8")) if SHIPPED_METRICS.is_file() else {}
    name = info.get("version", "shipped")
    existing = EmotionModelVersion.objects.filter(version=name).first()
    version = existing or register_model_file(
        SHIPPED_MODEL, name, info.get("metrics", {}), {**info.get("training", {}), "source": "shipped"}
    )
    return activate_version(version)
