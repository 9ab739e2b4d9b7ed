"""Model files (base/model_files.py): the loaded-model slots — recheck interval, checksum refusal and fallback,
forgetting, the registry, file slots, one load under concurrency — and activation of a version row."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from base import model_files
from base.model_files import Located, ModelFileError, ModelSlot, file_sha256

_names = itertools.count()


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    """Slots made here leave the process's registry as it was."""
    monkeypatch.setattr(model_files, "_SLOTS", dict(model_files._SLOTS))


@pytest.fixture
def clock(monkeypatch) -> SimpleNamespace:
    """The slots' monotonic clock, moved by hand (only base.model_files sees it)."""
    now = SimpleNamespace(value=1000.0)
    monkeypatch.setattr(model_files, "time", SimpleNamespace(monotonic=lambda: now.value))
    return now


class Source:
    """What a slot's ``locate`` names, changed by the test; counts the loads."""

    def __init__(self, path: Path, key: object = 1, checked: bool = True) -> None:
        self.path, self.key, self.checked = path, key, checked
        self.sha256 = file_sha256(path) if checked else None
        self.locates = 0
        self.loads = 0

    def locate(self) -> Located | None:
        self.locates += 1
        if self.key is None:
            return None
        return Located(self.key, self.path, self.sha256, label=f"v{self.key}")

    def load(self, path: Path, _source: object) -> str:
        self.loads += 1
        return path.read_text()


def slot_for(source: Source, recheck_seconds: float = 5.0, **options) -> ModelSlot[str]:
    return ModelSlot(f"test-{next(_names)}", source.locate, source.load, recheck_seconds, **options)


def weights(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_slot_looks_again_only_after_the_recheck_interval(tmp_path, clock):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    slot = slot_for(source, recheck_seconds=5.0)
    assert slot.get() == "model a"
    clock.value += 4.9
    assert slot.get() == "model a"
    assert (source.locates, source.loads) == (1, 1), "within the interval nothing is looked up"

    clock.value += 0.2
    assert slot.get() == "model a"
    assert (source.locates, source.loads) == (2, 1), "looked up again; the same key is not loaded again"

    source.path, source.key = weights(tmp_path, "b.pt", "model b"), 2
    source.sha256 = file_sha256(source.path)
    assert slot.get() == "model a", "a new version waits for the next recheck"
    clock.value += 5.0
    assert slot.get() == "model b"
    assert source.loads == 2


def test_a_file_that_fails_its_checksum_is_refused_and_the_slot_falls_back(tmp_path, clock, caplog):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    to_none = slot_for(source)
    to_previous = slot_for(source, on_failure="previous")
    assert to_none.get() == to_previous.get() == "model a"

    source.path, source.key = weights(tmp_path, "b.pt", "model b"), 2  # version 2's row says another checksum
    clock.value += 5.0
    with caplog.at_level(logging.ERROR, logger="base.model_files"):
        assert to_none.get() is None
        assert to_previous.get() == "model a"
    assert source.loads == 2, "the refused file is never loaded"
    assert "does not match its checksum" in caplog.text and "v2" in caplog.text

    clock.value += 5.0
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="base.model_files"):
        assert to_none.get() is None and to_previous.get() == "model a"
    assert not caplog.text, "a refused file is not read and logged again until its key changes"

    source.sha256 = file_sha256(source.path)
    source.key = 3  # a version whose file checks out
    clock.value += 5.0
    assert to_none.get() == to_previous.get() == "model b"


def test_a_file_that_does_not_load_falls_back_and_raise_mode_gives_the_error_to_the_caller(tmp_path, clock):
    source = Source(weights(tmp_path, "a.pt", "model a"), checked=False)

    def broken(path: Path, _source: object) -> str:
        raise ValueError("not a model")

    assert ModelSlot(f"test-{next(_names)}", source.locate, broken, 5.0).get() is None
    strict = ModelSlot(f"test-{next(_names)}", source.locate, broken, 5.0, on_failure="raise")
    with pytest.raises(ValueError, match="not a model"):
        strict.get()
    with pytest.raises(ValueError, match="not a model"):
        strict.get()  # nothing remembered: tried again at once


def test_a_missing_version_file_is_refused(tmp_path, clock):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    source.path.unlink()
    slot = slot_for(source, on_failure="raise")
    with pytest.raises(ModelFileError, match="missing"):
        slot.get()


def test_no_active_version_means_no_model(tmp_path, clock):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    slot = slot_for(source, on_failure="previous")
    assert slot.get() == "model a"
    source.key = None
    clock.value += 5.0
    assert slot.get() is None


def test_forget_drops_the_model_and_the_next_get_loads_it_afresh(tmp_path, clock):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    slot = slot_for(source)
    first = slot.get()
    slot.forget()
    assert slot.get() == first
    assert (source.locates, source.loads) == (2, 2)


def test_the_registry_forgets_one_slot_by_name_or_all_at_once(tmp_path, clock):
    one, two = Source(weights(tmp_path, "a.pt", "a")), Source(weights(tmp_path, "b.pt", "b"))
    first, second = slot_for(one), slot_for(two)
    first.get(), second.get()

    model_files.forget(first.name)
    first.get(), second.get()
    assert (one.loads, two.loads) == (2, 1)

    model_files.forget_all()
    first.get(), second.get()
    assert (one.loads, two.loads) == (3, 2)

    model_files.forget("no-such-slot")  # a slot this process never made: nothing to forget
    with pytest.raises(ValueError, match="exists already"):
        ModelSlot(first.name, one.locate, one.load, 5.0)


def test_a_file_slot_reloads_when_the_file_changes(tmp_path):
    path = tmp_path / "model.json"
    loads = []
    slot = ModelSlot(
        f"test-{next(_names)}", lambda: Located.of_file(path), lambda p, _: loads.append(p) or p.read_text(), 0.0
    )
    assert slot.get() is None, "no file yet"
    path.write_text("one")
    assert slot.get() == "one"
    assert slot.get() == "one" and len(loads) == 1, "an unchanged file is not read again"
    path.write_text("two")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later write on a coarse clock
    assert slot.get() == "two" and len(loads) == 2
    path.unlink()
    assert slot.get() is None


def test_threads_asking_at_once_load_the_model_once(tmp_path):
    source = Source(weights(tmp_path, "a.pt", "model a"))
    started = threading.Barrier(8)

    def slow_load(path: Path, _source: object) -> object:
        source.loads += 1
        time.sleep(0.2)
        return object()

    slot = ModelSlot(f"test-{next(_names)}", source.locate, slow_load, 5.0)
    results = []

    def ask() -> None:
        started.wait()
        results.append(slot.get())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert source.loads == 1
    assert len(results) == 8 and len({id(r) for r in results}) == 1


# --- Version rows ----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_activation_checks_the_file_and_forgets_the_slot_after_the_commit(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from intent.models import IntentModelVersion

    settings.MODEL_DIR = tmp_path
    rows = {}
    for name in ("v1", "v2"):
        path = weights(tmp_path, f"{name}.pt", f"weights {name}")
        rows[name] = IntentModelVersion.objects.create(version=name, path=path.name, sha256=file_sha256(path))

    def locate() -> Located | None:
        row = IntentModelVersion.objects.filter(is_active=True).first()
        return row and Located.of_version(row)

    slot = ModelSlot(f"test-{next(_names)}", locate, lambda path, row: (row.version, path.read_text()), 5.0)
    model_files.activate(rows["v1"], slot.name)
    assert slot.get() == ("v1", "weights v1")

    with django_capture_on_commit_callbacks(execute=True):
        model_files.activate(rows["v2"], slot.name)
    assert slot.get() == ("v2", "weights v2"), "this process switches at once, without waiting for the recheck"
    assert list(IntentModelVersion.objects.filter(is_active=True)) == [rows["v2"]]
    assert str(rows["v2"]) == "v2 ✓"

    (tmp_path / "v1.pt").write_text("tampered")
    with pytest.raises(ModelFileError, match="does not match its checksum"):
        model_files.activate(rows["v1"], slot.name)
    assert IntentModelVersion.objects.get(is_active=True) == rows["v2"]
