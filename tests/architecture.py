"""The project's import graph, read from the source (no imports run): which module imports which, at module top or
inside a function, and the layers the packages form.

``python -m tests.architecture`` prints the figures (modules and lines per app, the largest modules, circles, upward
imports, deferred imports); ``tests/test_architecture.py`` holds the rules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import modules of its own layer or of a lower one, never of a higher one. The base
# layer imports no app; the apps nest (the IM profile inside crm/, speech and the call assistant inside dialogue/);
# salescard/ assembles the surfaces (card, terminal, sidebar, privacy) and nothing imports it.
LAYERS = (
    "base",
    "crm",
    "crm.im_profile",
    "intent",
    "dialogue",
    "dialogue.speech",
    "dialogue.calls",
    "branch",
    "salescard",
)
PACKAGES = ("base", "crm", "intent", "dialogue", "branch", "salescard")


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    top: set[str] = field(default_factory=set)
    deferred: list[tuple[str, int]] = field(default_factory=list)  # (imported module, line)


def _name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str, known: dict[str, Module]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.Import | ast.ImportFrom, module: Module, known: dict[str, Module]) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.name.split(".") if module.path.name == "__init__.py" else module.name.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        submodules = {_resolve(f"{base}.{alias.name}", known) for alias in node.names}
        names = [n for n in submodules if n] or [base]
    return {t for t in (_resolve(n, known) for n in names) if t and t != module.name}


def read_graph(root: Path = ROOT) -> dict[str, Module]:
    known: dict[str, Module] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                text = path.read_text(encoding="utf-8")
                known[_name(path, root)] = Module(_name(path, root), path, text.count("\n"))
    for module in known.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        _collect(tree, module, known, depth=0)
    return known


def _collect(node: ast.AST, module: Module, known: dict[str, Module], depth: int) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue  # for type checkers only: never executed
        if isinstance(child, ast.Import | ast.ImportFrom):
            for target in _targets(child, module, known):
                if depth:
                    module.deferred.append((target, child.lineno))
                else:
                    module.top.add(target)
        _collect(child, module, known, depth + isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))


def edges(graph: dict[str, Module]) -> dict[str, set[str]]:
    return {name: m.top | {t for t, _ in m.deferred} for name, m in graph.items()}


def circles(graph: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one module (every import counts, deferred ones too)."""
    links = edges(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(links[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(links):
        if v not in index:
            visit(v)
    return found


def layer(module: str) -> int:
    matches = [i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")]
    return max(matches, key=lambda i: len(LAYERS[i]))


def upward_imports(graph: dict[str, Module]) -> list[tuple[str, str]]:
    return sorted((m, t) for m, targets in edges(graph).items() for t in targets if layer(t) > layer(m))


def deferred_imports(graph: dict[str, Module]) -> list[tuple[str, int, str]]:
    return sorted((m.name, line, target) for m in graph.values() for target, line in m.deferred)


def app_of(module: str) -> str:
    return LAYERS[layer(module)]


def main() -> None:
    graph = read_graph()
    by_app: dict[str, int] = {}
    for m in graph.values():
        by_app[app_of(m.name)] = by_app.get(app_of(m.name), 0) + m.lines
    print("lines per app (no migrations):")
    for app in LAYERS:
        print(f"  {app:16} {by_app.get(app, 0):6}")
    print(f"  {'total':16} {sum(by_app.values()):6}")
    largest = sorted(graph.values(), key=lambda m: -m.lines)[:5]
    print("largest modules:", ", ".join(f"{m.name} ({m.lines})" for m in largest))
    print("import circles:", len(circles(graph)), circles(graph))
    print("upward imports:", len(upward_imports(graph)), upward_imports(graph))
    print("deferred imports of project modules:", len(deferred_imports(graph)))
    for name, line, target in deferred_imports(graph):
        print(f"  {name}:{line} -> {target}")


if __name__ == "__main__":
    main()
