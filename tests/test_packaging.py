"""The wheel must carry every package in the source tree, the rules included."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from support import REPO


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("fixer/**/__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {on_disk - listed}"
    assert config["package-dir"]["fixer_rules"] == "rules" and "fixer_rules" in listed


# The import name of each dependency the project declares.
IMPORTED_AS = {"click": "click", "pyyaml": "yaml", "libcst": "libcst", "gitpython": "git",
               "gitdb": "gitdb", "unidiff": "unidiff", "ruamel.yaml": "ruamel",
               "dockerfile": "dockerfile"}


def third_party_imports() -> set[str]:
    """Top-level names of every module fixer/ and rules/ import that is not fixer's own
    or the standard library's (imports inside functions included)."""
    found: set[str] = set()
    for path in [*REPO.glob("fixer/**/*.py"), *REPO.glob("rules/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {n for n in found if n not in sys.stdlib_module_names
            and n not in ("fixer", "fixer_rules")}


def test_the_declared_dependencies_are_the_ones_imported() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower()
                for d in project["dependencies"]}
    unknown = declared - IMPORTED_AS.keys()
    assert not unknown, f"no import name known for {unknown}"
    assert {IMPORTED_AS[d] for d in declared} == third_party_imports()
