"""The skip rule (issue 18): a test skips for a missing dependency only through tests/needs.py, which skips locally
and fails with ``CI=true``; no other skip may appear under tests/ except the listed genuine condition skips."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.needs import GENUINE_CONDITION_SKIPS

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

NEEDING = """
from tests.needs import missing, needs

@needs(binary="no-such-binary-xyz")
def test_program():
    pass

@needs(module="no_such_module_xyz", reason="pip install it")
def test_module():
    pass

@needs(path="/no/such/path-xyz")
def test_path():
    pass

@needs(binary="sh", module="pytest", path="/")
def test_present():
    pass

def test_found_missing_at_run_time():
    missing("the xyz service is not running")
"""


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None) -> pytest.RunResult:
    pytester.makepyfile(test_needing=NEEDING)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    # A bare pytest: no Django (the file needs no database), no cache folder in the checkout.
    return pytester.runpytest_subprocess("-p", "tests.needs", "-p", "no:django", "-p", "no:cacheprovider", "-rs")


def test_a_missing_dependency_skips_locally(pytester, monkeypatch):
    result = run(pytester, monkeypatch, ci=None)

    result.assert_outcomes(passed=1, skipped=4)
    result.stdout.fnmatch_lines(
        [
            "*no-such-binary-xyz (program) is missing; make test installs it",
            "*no_such_module_xyz (Python package) is missing; pip install it",
            "*/no/such/path-xyz is missing; make test installs it",
            "*the xyz service is not running",
        ],
        consecutive=False,
    )
    assert "CI=true" not in result.stdout.str()


@pytest.mark.parametrize("ci", ["false", "1"])
def test_only_ci_true_turns_it_into_a_failure(pytester, monkeypatch, ci):
    run(pytester, monkeypatch, ci=ci).assert_outcomes(passed=1, skipped=4)


def test_with_ci_true_a_missing_dependency_fails(pytester, monkeypatch):
    result = run(pytester, monkeypatch, ci="true")

    # The needs marker fails the test's set-up, before a fixture could trip over what is missing.
    result.assert_outcomes(passed=1, errors=3, failed=1)
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*CI=true: no-such-binary-xyz (program) is missing; make test installs it",
            "*CI=true: no_such_module_xyz (Python package) is missing; pip install it",
            "*CI=true: /no/such/path-xyz is missing; make test installs it",
            "*CI=true: the xyz service is not running",
        ],
        consecutive=False,
    )


SKIPPING = {"skip", "skipif", "importorskip", "skipTest", "skipIf", "skipUnless", "SkipTest"}


def skips_in(path: Path) -> list[str]:
    """``file::function`` of every skip in ``path`` (any attribute or imported name in SKIPPING): pytest.skip(...),
    pytest.mark.skip/skipif, pytest.importorskip, unittest's skips; ``<module>`` outside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = path.relative_to(TESTS).as_posix()
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                # Decorators belong to the function they decorate.
                for decorator in child.decorator_list:
                    visit_expression(decorator, inner)
                for part in (child.args, *child.body):
                    visit(part, inner)
                continue
            visit_expression(child, inner, descend=False)
            visit(child, inner)

    def visit_expression(node: ast.AST, function: str, descend: bool = True) -> None:
        for each in ast.walk(node) if descend else [node]:
            if (
                (isinstance(each, ast.Attribute) and each.attr in SKIPPING)
                or (isinstance(each, ast.Name) and each.id in SKIPPING)
                or (isinstance(each, ast.alias) and each.name.rsplit(".", 1)[-1] in SKIPPING)
            ):
                found.append(f"{name}::{function}")

    visit(tree, "<module>")
    return found


def test_the_scan_finds_every_kind_of_skip(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_skip_rule.TESTS", tmp_path)
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\nfrom unittest import skipIf\n"
        "marker = pytest.mark.skipif(True, reason='x')\n"
        "@pytest.mark.skip\ndef test_a(): pass\n"
        "def test_b():\n    pytest.skip('x')\n"
        "async def test_c():\n    pytest.importorskip('x')\n"
        "class TestD:\n    def test_e(self):\n        self.skipTest('x')\n"
        "def test_f():\n    '''pytest.skip( in a docstring is no skip'''\n"
    )
    assert skips_in(sample) == [
        "test_sample.py::<module>",
        "test_sample.py::<module>",
        "test_sample.py::test_a",
        "test_sample.py::test_b",
        "test_sample.py::test_c",
        "test_sample.py::test_e",
    ]


def test_no_skip_outside_the_needs_helper_and_the_listed_condition_skips():
    found = [site for path in sorted(TESTS.rglob("*.py")) if path != TESTS / "needs.py" for site in skips_in(path)]

    unexpected = [site for site in found if site not in GENUINE_CONDITION_SKIPS]
    assert not unexpected, (
        f"skips outside tests/needs.py: {unexpected}. A missing dependency is needs(binary=, module=, path=) or "
        "needs.missing(message) (skips locally, fails with CI=true); a skip that is a genuine condition goes into "
        "GENUINE_CONDITION_SKIPS with its reason"
    )
    # The allow-list names only skips that are still there.
    assert sorted(set(found)) == sorted(GENUINE_CONDITION_SKIPS)
