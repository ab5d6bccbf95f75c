"""The import layers of ``src/credit_ledger`` (docs/architecture.md): a lower layer never
imports a higher one, the core never imports a rule pack, and packages form no import circle.

Imports under ``if TYPE_CHECKING:`` are left out: they name types, they do not run. The imports
that still break the layering today are listed in ``KNOWN_UPWARD`` with the reason; the list may
only shrink (a new upward import fails here, and so does a listed one that is gone).
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "credit_ledger"

#: Layer rank of each top-level module or subpackage of ``credit_ledger``; a module may import
#: its own rank or lower. Keep in step with the table in docs/architecture.md.
LAYERS: dict[str, float] = {
    "_kernels": 0,
    "_files": 0,
    "ids": 1,
    "_redact": 1,
    "errors": 1,
    "kinds": 2,
    "_parse": 2,
    "_compile": 2,
    "reasons": 2,
    "ingest": 3,
    "validate": 4,
    "streaming": 4,
    "quarantine_files": 4,
    "rules": 5,
    "plugins": 6,
    "ledger": 7,
    "pipeline": 7.5,
    "jobs": 8,
    "synth": 8,
    "report": 8,
    "corrections": 8,
    "testing": 9,
    "cli": 9,
    "__init__": 9,
    "__main__": 9,
}

#: (importing module, imported package) pairs that break the layering today, with why. Issue 14
#: ("contracts at the bottom, one pipeline") removes them; nothing may be added.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("credit_ledger.kinds", "plugins"): "get_kind asks the process-wide plugin manager",
    ("credit_ledger.rules._engine", "plugins"): "evaluate_many() defaults to the active manager",
    ("credit_ledger.cli._zeroing", "credit_ledger_packs"): "the zeroing command calls the pack",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Absolute names of what ``module`` imports when it runs (deferred imports included)."""
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from credit_ledger import ids`` imports the submodule ``ids``.
            if target == PACKAGE:
                found.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = _runtime_imports(tree, module, path.name == "__init__.py")
    return graph


GRAPH = _graph()


def _upward() -> dict[tuple[str, str], str]:
    """Every import of a higher layer or of a rule pack, as (module, target top name)."""
    found: dict[tuple[str, str], str] = {}
    for module, targets in GRAPH.items():
        rank = LAYERS[_top(module)]
        for target in targets:
            if target.split(".")[0] == "credit_ledger_packs":
                found[(module, "credit_ledger_packs")] = target
            elif target == PACKAGE or target.startswith(PACKAGE + "."):
                top = _top(target)
                if top != _top(module) and LAYERS[top] > rank:
                    found[(module, top)] = target
    return found


def test_every_top_level_module_has_a_layer() -> None:
    tops = {_top(module) for module in GRAPH}
    assert tops <= set(LAYERS), f"give these a layer in LAYERS: {sorted(tops - set(LAYERS))}"


def test_no_lower_layer_imports_a_higher_one() -> None:
    new = {pair: target for pair, target in _upward().items() if pair not in KNOWN_UPWARD}
    assert not new, "imports of a higher layer (see docs/architecture.md):\n" + "\n".join(
        f"  {module} imports {target}" for (module, _), target in sorted(new.items())
    )


def test_the_known_upward_imports_only_shrink() -> None:
    gone = set(KNOWN_UPWARD) - set(_upward())
    assert not gone, f"remove these from KNOWN_UPWARD, they are fixed: {sorted(gone)}"


def test_packages_form_no_import_circle_apart_from_the_known_upward_imports() -> None:
    edges: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        for target in targets:
            if not target.startswith(PACKAGE + ".") or (module, _top(target)) in KNOWN_UPWARD:
                continue
            if _top(module) != _top(target):
                edges.setdefault(_top(module), set()).add(_top(target))
    circles = sorted(
        (a, b)
        for a, b in itertools.combinations(sorted(edges), 2)
        if _reaches(edges, a, b) and _reaches(edges, b, a)
    )
    assert not circles, f"import circles between packages: {circles}"


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


@pytest.mark.parametrize("module", ["credit_ledger.kinds._model", "credit_ledger.ids"])
def test_the_graph_sees_imports(module: str) -> None:
    # guards the parser itself: these modules do import lower layers
    assert any(t.startswith(PACKAGE) for t in GRAPH[module])
