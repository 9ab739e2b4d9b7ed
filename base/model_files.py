"""Trained models kept as files: the rows that record their versions, the check of a file, activation, and the
models a process has loaded.

- **Versions.** ``ModelVersion`` is the abstract row of one trained file under MODEL_DIR (its path, SHA-256,
  metrics and training details); one row of each concrete model is active at a time. ``activate(version, slot)``
  verifies the file, makes the row the one active row, and after the commit lets this process forget the slot's
  loaded model. Other processes notice within the slot's recheck interval.
- **Loaded models.** A ``ModelSlot`` holds one loaded model per process. ``locate()`` says what should be loaded
  now — the active version row (keyed by its pk, checksum and any extra stamp) or a plain file (keyed by its
  modification time and size, no checksum) — and ``load(path, source)`` builds it. ``get()`` locates at most every
  ``recheck_seconds``, reloads only when the key changed, verifies the checksum before loading, and on a failure
  falls back as the slot says: to no model (logged), to the model loaded before (logged), or by raising to the
  caller. A failed file is not tried again until its key changes or the slot is forgotten. A lock makes one
  thread load while the others wait (the web process serves sockets from threads).
- **Registry.** Every slot registers under its name: ``forget(name)`` and ``forget_all()`` (the tests' reset)
  drop loaded models without importing the modules that own them.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

T = TypeVar("T")
V = TypeVar("V", bound="ModelVersion")


class ModelFileError(Exception):
    """The model file is missing, corrupt or does not match its version row."""


class ModelVersion(models.Model):
    """A trained model saved under MODEL_DIR, with its metrics; one version of each kind is active at a time.

    A concrete model adds its ``Meta`` (verbose names, its ``one_active_*`` constraint, ``db_table`` where the
    table kept an older name) and any fields of its own."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    path = models.CharField(_("file under MODEL_DIR"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    metrics = models.JSONField(_("held-out metrics"), default=dict)
    training = models.JSONField(_("training details"), default=dict, help_text=_("Seed, split, epochs, timing."))
    verdict = models.JSONField(
        _("against its baselines"),
        default=dict,
        blank=True,
        help_text=_("The held-out figure beside the baselines' on the same split, and why this version serves or not."),
    )
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version}{' ✓' if self.is_active else ''}"

    def file_path(self) -> Path:
        return Path(settings.MODEL_DIR) / self.path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, sha256: str, label: str) -> Path:
    if not path.is_file():
        raise ModelFileError(f"Model file for version {label} is missing: {path}")
    if file_sha256(path) != sha256:
        raise ModelFileError(
            f"Model file for version {label} does not match its checksum (corrupt or replaced): {path}"
        )
    return path


def verify_file(version: ModelVersion) -> Path:
    """The version's file, present and unchanged since training (SHA-256); else ``ModelFileError`` says which."""
    return _check(version.file_path(), version.sha256, version.version)


def activate(version: V, slot_name: str) -> V:
    """Verify ``version``'s file, make it the one active row of its model (also how a rollback is done), and forget
    this process's loaded model of ``slot_name`` after the commit. A bad file never becomes the active model."""
    verify_file(version)
    with transaction.atomic():
        type(version)._default_manager.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        version.is_active = True
        version.save(update_fields=["is_active"])
        transaction.on_commit(lambda: forget(slot_name))
    return version


# --- Loaded models ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """What a slot should hold now: reloaded when ``key`` changes; ``sha256`` (None: a file without one) is
    verified first."""

    key: Hashable
    path: Path
    sha256: str | None = None
    source: Any = None  # the version row, or whatever ``load`` needs besides the path
    label: str = ""  # for messages: the version's name or the file

    @classmethod
    def of_version(cls, row: ModelVersion, *stamp: Hashable) -> Located:
        """An active version row; ``stamp`` adds what else makes a reload necessary (a catalogue change)."""
        return cls((row.pk, row.sha256, *stamp), row.file_path(), row.sha256, row, row.version)

    @classmethod
    def of_file(cls, path: Path, source: Any = None) -> Located | None:
        """A plain file, reloaded when it is rewritten; None while it does not exist."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return cls((str(path), stat.st_mtime_ns, stat.st_size), path, None, source, str(path))


OnFailure = Literal["none", "previous", "raise"]
_SLOTS: dict[str, ModelSlot] = {}
_SLOTS_LOCK = threading.Lock()


class ModelSlot(Generic[T]):
    """One model per process, loaded from what ``locate`` names (see the module docstring).

    ``on_failure``: "none" — log and give None (the caller's fallback takes over); "previous" — log and keep
    giving the model loaded before; "raise" — the error reaches the caller and nothing is remembered.
    """

    def __init__(
        self,
        name: str,
        locate: Callable[[], Located | None],
        load: Callable[[Path, Any], T | None],
        recheck_seconds: float,
        *,
        on_failure: OnFailure = "none",
    ) -> None:
        self.name = name
        self.recheck_seconds = recheck_seconds
        self.on_failure = on_failure
        self._locate = locate
        self._load = load
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._key: Hashable | None = None  # of the model held
        self._failed_key: Hashable | None = None  # of a file refused since
        self._value: T | None = None
        with _SLOTS_LOCK:
            if name in _SLOTS:
                raise ValueError(f"A model slot named {name!r} exists already.")
            _SLOTS[name] = self

    def get(self) -> T | None:
        with self._lock:
            now = time.monotonic()
            if self._checked_at is not None and now - self._checked_at < self.recheck_seconds:
                return self._value
            located = None
            try:
                located = self._locate()
                if located is None:
                    self._key = self._failed_key = self._value = None
                elif located.key != self._key and located.key != self._failed_key:
                    if located.sha256 is not None:
                        _check(located.path, located.sha256, located.label)
                    self._value = self._load(located.path, located.source)
                    self._key, self._failed_key = located.key, None
            except Exception as error:  # noqa: BLE001 - a bad model file must not take the caller down
                self._failed(error, located)
            self._checked_at = now
            return self._value

    def _failed(self, error: Exception, located: Located | None) -> None:
        if self.on_failure == "raise":
            self._checked_at = self._key = self._value = None
            raise error
        what = located.label if located else "(locating it failed)"
        logger.error("%s model %s refused: %s", self.name, what, error, exc_info=not isinstance(error, ModelFileError))
        if located is not None:
            self._failed_key = located.key
        if self.on_failure == "none":
            self._key = self._value = None

    def forget(self) -> None:
        """Drop the loaded model; the next ``get`` locates and loads afresh."""
        with self._lock:
            self._checked_at = self._key = self._failed_key = self._value = None

    def __repr__(self) -> str:
        return f"<ModelSlot {self.name} key={self._key!r}>"


def forget(name: str) -> None:
    """Forget the loaded model of the slot ``name``; nothing to do where this process never made that slot."""
    with _SLOTS_LOCK:
        slot = _SLOTS.get(name)
    if slot is not None:
        slot.forget()


def forget_all() -> None:
    """Forget every loaded model of this process (the tests' reset)."""
    with _SLOTS_LOCK:
        slots = list(_SLOTS.values())
    for slot in slots:
        slot.forget()
