"""The module graph of src/lmndeck stays a graph that points one way (issue 21): no import
cycle, counting imports inside functions and under TYPE_CHECKING; no module over 500 lines;
and outside the kinds no module names a kind module, but the rules of one kind."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "lmndeck"
# What every module may know of the kinds: the registry, the interface, and the comparison
# model (its columns, rows and cells), which two kinds make cards of and the Markdown importer
# writes: it is no kind's own.
KIND_INTERFACE = {"lmndeck.kinds", "lmndeck.kinds.base", "lmndeck.kinds.comparison"}
# The rules of one kind, and the kind each reads.
KIND_RULES = {
    "lmndeck.rules.list_in_deletion": "lmndeck.kinds.cloze",
    "lmndeck.rules.too_many_deletions": "lmndeck.kinds.cloze",
    "lmndeck.rules.equal_row": "lmndeck.kinds.comparison",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(("lmndeck", *parts)).removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    edges = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lmndeck"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                edges.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            edges.update(alias.name for alias in node.names if alias.name.startswith("lmndeck"))
    return {edge for edge in edges if edge in known}


def test_no_import_cycle_late_or_type_checking_imports_included() -> None:
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SRC.rglob("*.py")
    }
    assert {name: lines for name, lines in long.items() if lines > 500} == {}


def test_outside_the_kinds_no_module_names_a_kind_module() -> None:
    known = modules()
    named = {
        name: {
            target
            for target in imports(path, known)
            if target.startswith("lmndeck.kinds.") and target not in KIND_INTERFACE
        }
        - {KIND_RULES.get(name)}
        for name, path in known.items()
        if name != "lmndeck.kinds" and not name.startswith("lmndeck.kinds.")
    }
    assert {name: targets for name, targets in named.items() if targets} == {}
