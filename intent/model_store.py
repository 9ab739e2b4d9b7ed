"""Where trained intent models live: files under MODEL_DIR, recorded by ``IntentModelVersion`` rows.

Activating a version checks its file first — present, unchanged since training (SHA-256) — and refuses a
missing or corrupt file with a message saying which, so a bad file never becomes the active model
(``base.model_files.activate``). This process then forgets its loaded model (the slot ``SLOT`` of
``intent.inference``); other processes notice within ``inference.RECHECK_SECONDS``.
"""

from __future__ import annotations

from base import model_files
from intent.models import IntentModelVersion

SLOT = "intent"  # the loaded model's slot (intent.inference.MODEL)


def activate_version(version: IntentModelVersion) -> IntentModelVersion:
    """Make ``version`` the one active model (also how a rollback is done)."""
    return model_files.activate(version, SLOT)


def active_version() -> IntentModelVersion | None:
    return IntentModelVersion.objects.filter(is_active=True).first()
