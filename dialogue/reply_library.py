"""The reply-script library and its target model in the database (SPEC V6, V9).

- ``seed_reply_library`` loads the shipped scripts (``dialogue/seed/reply_scripts.json``; existing keys are left as
  managers edited them) and the shipped history (``reply_history.jsonl``) as training samples, once.
- ``retrain_reply_model`` trains on every sample of an active script, records a ``ReplyModelVersion`` with the
  held-out figures and activates it unless its held-out top-3 accuracy is more than ``TOLERANCE`` below the active
  version's (a new version with more feedback is scored on a different split, so an exact comparison is impossible).
- ``active_reply_model`` is the active version's network, loaded once per process and reloaded when another
  version becomes active.
- ``feedback_samples_since_training`` counts the samples the active model has not seen: when it reaches
  ``REPLY_RETRAIN_AFTER`` the feedback queues a retraining on the ``training`` queue.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.models import ProductCategory
from dialogue.models import ReplyModelVersion, ReplySample, ReplyScript
from dialogue.reply_model import DEFAULT_SEED, Example, ReplyModel, train_and_evaluate

SEED_DIR = Path(__file__).resolve().parent / "seed"
SCRIPTS_FILE = SEED_DIR / "reply_scripts.json"
HISTORY_FILE = SEED_DIR / "reply_history.jsonl"
TOLERANCE = 0.03


class ReplyModelMissingError(RuntimeError):
    """No reply model is trained yet; ``manage.py train_reply_model`` trains one."""


# --- Seeding --------------------------------------------------------------------------------------------------------
def seed_reply_library() -> tuple[int, int]:
    """(scripts created, samples created) from the shipped files; idempotent."""
    categories = {c.code: c for c in ProductCategory.objects.all()}
    created_scripts = 0
    with transaction.atomic():
        for entry in json.loads(SCRIPTS_FILE.read_text(encoding="utf-8")):
            _, created = ReplyScript.objects.get_or_create(
                key=entry["key"],
                defaults={
                    "text": entry["text"], "language": entry["language"], "scene": entry["scene"],
                    "category": categories.get(entry.get("category") or ""), "tags": entry.get("tags", []),
                },
            )  # fmt: skip
            created_scripts += created
        if ReplySample.objects.filter(source=ReplySample.Source.SEED).exists():
            return created_scripts, 0
        scripts = {s.key: s for s in ReplyScript.objects.all()}
        samples = []
        for line in HISTORY_FILE.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            script = scripts.get(row["script"])
            if script is None:
                continue
            samples.append(
                ReplySample(
                    script=script,
                    text=row["text"],
                    context=row.get("context", []),
                    emotion=row["emotion"],
                    scene=row["scene"],
                    category=row.get("category", ""),
                    source=ReplySample.Source.SEED,
                )  # fmt: skip
            )
        ReplySample.objects.bulk_create(samples)
    return created_scripts, len(samples)


# --- Training -------------------------------------------------------------------------------------------------------
def training_examples() -> list[Example]:
    rows = ReplySample.objects.filter(script__is_active=True).select_related("script").order_by("pk")
    return [
        Example(
            text=s.text,
            context=tuple(s.context or ()),
            emotion=s.emotion,
            scene=s.scene,
            category=s.category,
            sound=s.sound or {},
            script=s.script.key,
        )  # fmt: skip
        for s in rows
    ]


def retrain_reply_model(seed: int = DEFAULT_SEED) -> ReplyModelVersion:
    examples = training_examples()
    if not examples:
        raise ReplyModelMissingError("There are no training samples: run `manage.py train_reply_model` after seeding.")
    last_sample = ReplySample.objects.order_by("-pk").values_list("pk", flat=True).first()
    model, metrics = train_and_evaluate(examples, seed)
    name = _free_version_name()
    relative = Path("reply") / f"{name}.pt"
    model.save(Path(settings.MODEL_DIR) / relative)
    previous = ReplyModelVersion.objects.filter(is_active=True).first()
    version = ReplyModelVersion.objects.create(
        version=name,
        path=str(relative),
        metrics=metrics,
        training={**model.details, "last_sample": last_sample},
        samples=len(examples),
    )
    if previous is None or _top3(metrics) >= _top3(previous.metrics) - TOLERANCE:
        activate_reply_version(version)
    return ReplyModelVersion.objects.get(pk=version.pk)


def _top3(metrics: dict) -> float:
    return float((metrics.get("held_out") or {}).get("top3") or 0.0)


def activate_reply_version(version: ReplyModelVersion) -> ReplyModelVersion:
    ReplyModel.load(Path(settings.MODEL_DIR) / version.path)  # refuse a file that does not load
    with transaction.atomic():
        ReplyModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        ReplyModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


def _free_version_name() -> str:
    base = timezone.now().strftime("reply-%Y%m%d-%H%M%S")
    name, n = base, 1
    while ReplyModelVersion.objects.filter(version=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def feedback_samples_since_training() -> int:
    active = ReplyModelVersion.objects.filter(is_active=True).first()
    last = (active.training.get("last_sample") or 0) if active else 0
    return ReplySample.objects.filter(pk__gt=last).exclude(source=ReplySample.Source.SEED).count()


# --- The active model, once per process -----------------------------------------------------------------------------
_loaded: tuple[int, ReplyModel] | None = None
_lock = threading.Lock()


def active_reply_model() -> ReplyModel | None:
    global _loaded
    active = ReplyModelVersion.objects.filter(is_active=True).only("pk", "path").first()
    if active is None:
        return None
    with _lock:
        if _loaded is None or _loaded[0] != active.pk:
            _loaded = (active.pk, ReplyModel.load(Path(settings.MODEL_DIR) / active.path))
        return _loaded[1]
