"""The layer rules of the code base (issue 18), checked on the source: no import circles, no app importing one
above it, the base layer importing no app, and imports at module top unless a reason is written down here."""

from __future__ import annotations

import pytest

from tests.architecture import LAYERS, circles, deferred_imports, read_graph, upward_imports

# Imports inside a function, each with its reason. A new one fails the test: move it to the module's top, or add it
# here with the reason it cannot be there.
DEFERRED_FOR_A_REASON = {
    ("salescard.apps", "salescard.checks"): "Django registers system checks in AppConfig.ready()",
    ("crm.apps", "crm.admin_scoping"): "models load after apps: the admin is scoped in AppConfig.ready()",
    ("salescard.health", "salescard.celery"): "the broker check needs the Celery app only in the distributed setup",
    ("dialogue.semantic_match", "dialogue.semantic_nn"): "torch loads only when the matcher's weights are there",
    ("dialogue.speech.recognition", "dialogue.speech.asr_model"): "Whisper loads on the first transcription only",
}


@pytest.fixture(scope="module")
def graph():
    return read_graph()


def test_there_is_no_import_circle(graph):
    assert circles(graph) == []


def test_no_module_imports_a_layer_above_its_own(graph):
    assert upward_imports(graph) == []


def test_the_base_layer_imports_no_app(graph):
    apps = [name for name in LAYERS if name != "base"]
    assert not [
        (name, target)
        for name, module in graph.items()
        if name.split(".")[0] == "base"
        for target in module.top | {t for t, _ in module.deferred}
        if any(target == app or target.startswith(app + ".") for app in apps)
    ]


def test_imports_sit_at_module_top_unless_a_reason_is_written_down(graph):
    unexplained = [(m, line, t) for m, line, t in deferred_imports(graph) if (m, t) not in DEFERRED_FOR_A_REASON]
    assert unexplained == [], "move these imports to the module's top, or state the reason in DEFERRED_FOR_A_REASON"


def test_every_reason_written_down_is_still_needed(graph):
    used = {(m, t) for m, _, t in deferred_imports(graph)}
    assert set(DEFERRED_FOR_A_REASON) <= used


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path):
    """The rules can fail: a circle and an upward import written into a scratch tree are both found."""
    for package in ("base", "crm", "intent", "dialogue", "branch", "salescard"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "crm" / "a.py").write_text("from crm import b\n")
    (tmp_path / "crm" / "b.py").write_text("def f():\n    from crm import a\n")
    (tmp_path / "base" / "c.py").write_text("import salescard.d\n")
    (tmp_path / "salescard" / "d.py").write_text("")
    scratch = read_graph(tmp_path)
    assert circles(scratch) == [["crm.a", "crm.b"]]
    assert upward_imports(scratch) == [("base.c", "salescard.d")]
    assert deferred_imports(scratch) == [("crm.b", 2, "crm.a")]
