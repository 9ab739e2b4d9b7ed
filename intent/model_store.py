"""Where trained intent models live: files under MODEL_DIR, recorded by ``IntentModelVersion`` rows.

Activating a version checks its file first — present, unchanged since training (SHA-256) — and refuses a
missing or corrupt file with a message saying which, so a bad file never becomes the active model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction

from intent.models import IntentModelVersion

VersionRow = TypeVar("VersionRow", bound=models.Model)  # a row with path, sha256, version and is_active


class ModelFileError(Exception):
    """The model file is missing, corrupt or does not match its version row."""


def model_path(version: IntentModelVersion) -> Path:
    return Path(settings.MODEL_DIR) / version.path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(version: IntentModelVersion) -> Path:
    path = model_path(version)
    if not path.is_file():
        raise ModelFileError(f"Model file for version {version.version} is missing: {path}")
    if file_sha256(path) != version.sha256:
        raise ModelFileError(
            f"Model file for version {version.version} does not match its checksum (corrupt or replaced): {path}"
        )
    return path


def activate_version(version: IntentModelVersion) -> IntentModelVersion:
    """Make ``version`` the one active model (also how a rollback is done)."""
    return activate_file_version(version, _forget_in_this_process)


def activate_file_version(version: VersionRow, forget_loaded: Callable[[], None]) -> VersionRow:
    """Verify ``version``'s file, make it the one active row of its model class, and let this process drop its
    loaded model after commit (``forget_loaded``). Serves every model kept as files with version rows."""
    verify_file(version)
    with transaction.atomic():
        type(version).objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        version.is_active = True
        version.save(update_fields=["is_active"])
        transaction.on_commit(forget_loaded)
    return version


def _forget_in_this_process() -> None:
    """This process switches at once; other processes notice within ``inference.RECHECK_SECONDS``."""
    from intent.inference import forget_loaded_model  # inference imports this module

    forget_loaded_model()


def active_version() -> IntentModelVersion | None:
    return IntentModelVersion.objects.filter(is_active=True).first()
