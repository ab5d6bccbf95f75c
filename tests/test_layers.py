"""The import layers of ``src/credit_ledger`` (docs/architecture.md): a lower layer never
imports a higher one, the core never imports a rule pack, no modules form an import circle,
``contracts`` imports only the bottom layers and nothing below ``plugins`` imports it.

Imports inside functions count (a deferred import of a higher layer is still an upward one);
imports under ``if TYPE_CHECKING:`` are left out: they name types, they do not run. The imports
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
_FROM = " import "

#: Layer rank of each top-level module or subpackage of ``credit_ledger``; a module may import
#: its own rank or lower. Keep in step with the table in docs/architecture.md.
LAYERS: dict[str, int] = {
    "_kernels": 0,
    "_files": 0,
    "ids": 1,
    "_redact": 1,
    "errors": 1,
    "contracts": 2,
    "kinds": 3,
    "_parse": 3,
    "reasons": 3,
    "ingest": 4,
    "validate": 5,
    "streaming": 5,
    "quarantine_files": 5,
    "rules": 6,
    "plugins": 7,
    "ledger": 8,
    "pipeline": 9,
    "jobs": 10,
    "synth": 10,
    "report": 10,
    "corrections": 10,
    "testing": 11,
    "cli": 11,
    "__init__": 11,
    "_api": 11,
    "__main__": 11,
}

#: (importing module, imported package) pairs that break the layering today, with why. Issue 14
#: ("contracts at the bottom, one pipeline") removes them; nothing may be added.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


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
            # ``from credit_ledger.jobs import _stages`` imports the submodule ``_stages``;
            # ``_graph`` keeps ``target`` itself only when some name is not a module.
            found.add(f"{target}{_FROM}" + ",".join(alias.name for alias in node.names))
        stack.extend(ast.iter_child_nodes(node))
    return found


def _graph() -> dict[str, set[str]]:
    raw: dict[str, set[str]] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        raw[module] = _runtime_imports(tree, module, path.name == "__init__.py")
    # C extensions are modules too (their stubs name them)
    modules = set(raw) | {_module_name(p) for p in (SRC / PACKAGE).rglob("*.pyi")}
    graph: dict[str, set[str]] = {}
    for module, found in raw.items():
        targets = graph[module] = set()
        for item in found:
            target, _, names = item.partition(_FROM)
            submodules = {f"{target}.{n}" for n in names.split(",") if f"{target}.{n}" in modules}
            targets |= submodules
            if not names or len(submodules) < len(names.split(",")):
                targets.add(target)
        # Importing ``a.b.c`` first runs the packages ``a.b`` and ``a`` unless they are already
        # running, as the importer's own packages are.
        own = _ancestors(module)
        targets |= {p for t in set(targets) for p in _ancestors(t) if p in raw and p not in own}
    return graph


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


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


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(out)


def _module_edges() -> dict[str, set[str]]:
    """Module → the ``credit_ledger`` modules it imports when it runs (deferred imports
    included, ``TYPE_CHECKING`` imports left out, no exceptions)."""
    return {
        module: {t for t in targets if t in GRAPH and t != module}
        for module, targets in GRAPH.items()
    }


def test_no_import_circle_between_modules() -> None:
    circles = _circles(_module_edges())
    assert not circles, "import circles between modules:\n" + "\n".join(
        "  " + " <-> ".join(group) for group in circles
    )


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set(), "c": {"b"}}, []),
    ],
)
def test_the_circle_finder_finds_circles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    # guards the test above: a circle among three modules is found, a diamond is not one
    assert _circles(graph) == expected


def test_contracts_import_only_the_bottom_layers() -> None:
    allowed = {"_kernels", "_files", "ids", "_redact", "errors", "contracts"}
    found = {
        (module, target)
        for module, targets in GRAPH.items()
        if _top(module) == "contracts"
        for target in targets
        if target.startswith(PACKAGE + ".") and _top(target) not in allowed
    }
    assert not found, f"contracts must import nothing above the bottom layers: {sorted(found)}"


def test_only_the_facade_and_layers_above_the_manager_import_plugins() -> None:
    below = {m for m in GRAPH if LAYERS[_top(m)] < LAYERS["plugins"]}
    found = sorted((m, t) for m in below for t in GRAPH[m] if t.startswith(f"{PACKAGE}.plugins"))
    assert not found, f"modules below the plugin manager import it: {found}"


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


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level:
        return [node.module or ""]
    return []


def test_no_core_module_imports_a_rule_pack() -> None:
    # Deferred and TYPE_CHECKING imports included: the core reaches the packs through hooks.
    found = sorted(
        f"{_module_name(path)} imports {name}"
        for path in sorted((SRC / PACKAGE).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        for name in _imported(node)
        if name.split(".")[0] == "credit_ledger_packs"
    )
    assert not found, "core modules importing a rule pack:\n" + "\n".join(found)


#: Where the core may still name the zeroing pack's domain, and why: the synthetic generator
#: writes the ground truth the packs are tested against, and its comments and docstrings say
#: which pack rule a generated defect is for. Its code (names, strings) may not.
DOMAIN_WORD = "zeroing"
DOMAIN_WORD_IN_PROSE = ("credit_ledger/synth/",)


def _code_without_prose(source: str) -> str:
    """``source`` without comments and docstrings (what runs, and its strings)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.unparse(tree)  # comments are gone once parsed


def test_the_core_names_no_pack_domain() -> None:
    hits = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(DOMAIN_WORD_IN_PROSE):
            text = _code_without_prose(text)
        hits += [
            f"{rel}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if DOMAIN_WORD in line.lower()
        ]
    assert not hits, f"the core names the {DOMAIN_WORD!r} pack's domain:\n" + "\n".join(hits)


@pytest.mark.parametrize("module", ["credit_ledger.contracts._plugin", "credit_ledger.ids"])
def test_the_graph_sees_imports(module: str) -> None:
    # guards the parser itself: these modules do import lower layers
    assert any(t.startswith(PACKAGE) for t in GRAPH[module])
