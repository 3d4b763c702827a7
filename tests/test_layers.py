"""The packages are layered: each imports only the layers below it, and no two packages
import each other. An AST walk over every module, so the rule holds for imports inside
functions and under TYPE_CHECKING too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from support import REPO

# Lowest first. A module may import its own layer and those before it. The rules sit beside
# the engine: they import the layers below it, and neither imports the other.
LAYERS = ("core", "sources", "model", "facts", "stackcheck", "engine", "formats", "git", "app",
          "cli", "__main__")
RULES = "fixer_rules"


def module_name(path: Path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[0] == "rules":
        parts[0] = RULES
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    files = [*(REPO / "fixer").rglob("*.py"), *(REPO / "rules").rglob("*.py")]
    return {module_name(path): path for path in files if "__pycache__" not in path.parts}


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The fixer modules a module imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] in ("fixer", RULES))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] not in ("fixer", RULES):
                continue
            for alias in node.names:  # `from fixer.facts import ports` imports a module
                child = f"{base}.{alias.name}"
                yield child if child in known else base


def unit(module: str) -> str:
    """The package a module belongs to for the cycle check: `fixer.facts.ports`,
    `fixer.model`, `fixer_rules.compose`."""
    parts = module.split(".")
    depth = 3 if parts[:2] == ["fixer", "facts"] or parts[:3] == ["fixer", "formats", "report"] \
        or parts[:3] == ["fixer", "app", "probe"] else 2
    return ".".join(parts[:depth])


def layer(module: str) -> int:
    parts = module.split(".")
    if parts[0] == RULES:
        return LAYERS.index("engine")
    if len(parts) == 1:
        return -1  # the package itself: only its version
    return LAYERS.index(parts[1])


@cache  # three tests read the graph; parsing every module once is enough
def edges() -> frozenset[tuple[str, str]]:
    known = modules()
    return frozenset((name, target) for name, path in known.items()
                     for target in imported(name, path, known) if target != name)


def test_every_module_sits_in_a_layer() -> None:
    known = modules()
    assert len(known) > 100, "fixer/ and rules/ not found"
    strays = sorted(m for m in known if m.count(".") >= 1 and m.startswith("fixer.")
                    and m.split(".")[1] not in LAYERS)
    assert not strays, f"modules outside the layers: {strays}"


def test_imports_go_down_the_layers() -> None:
    upward = sorted(f"{a} -> {b}" for a, b in edges() if layer(b) > layer(a))
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_the_engine_and_the_rules_do_not_import_each_other() -> None:
    crossing = sorted(f"{a} -> {b}" for a, b in edges()
                      if {a.split(".")[0], b.split(".")[0]} == {"fixer", RULES}
                      and (a.startswith("fixer.engine") or b.startswith("fixer.engine")))
    assert not crossing, "\n".join(crossing)


def test_no_two_packages_import_each_other() -> None:
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        if unit(a) != unit(b):
            graph.setdefault(unit(a), set()).add(unit(b))
    cycles = [f"{a} <-> {b}" for a in sorted(graph) for b in sorted(graph[a])
              if a < b and _reaches(graph, b, a)]
    assert not cycles, "package cycles:\n" + "\n".join(cycles)


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk finds imports inside functions and relative ones: the check can fail."""
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from fixer.cli import main\n    from . import sibling\n")
    found = set(imported("fixer.model.probe", source, {"fixer.model.sibling": source}))
    assert found == {"fixer.cli", "fixer.model.sibling"}
    assert layer("fixer.cli") > layer("fixer.model.probe")
