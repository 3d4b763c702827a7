"""`fixer check` builds no edit: every rule judges its fix on a plan and defers the edits to
`Fix.build`, which the engine calls only when it applies the fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import GOLDEN, SEED_FLEET

from fixer import engine
from fixer.app.registry import discover
from fixer.core import edits as edit_types
from fixer.core.config import Config
from fixer.core.generated import generated_by
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The kind of each edit made while the test runs, whoever makes it."""
    made: list[str] = []
    for kind in (edit_types.TextEdit, edit_types.CreateFile, edit_types.DeleteFile):
        original = kind.__init__

        def spy(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            made.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(kind, "__init__", spy)
    yield made


def _trees() -> list[Path]:
    """The seed fleet and every golden case but those with a compose file written as JSON,
    a symbolic link, or a file whose header says a tool of the repository writes it, where
    the check judges a fix by the files its edits write (`engine/writable.py`)."""
    return [SEED_FLEET, *sorted(p for p in GOLDEN.glob("*/*/before") if p.is_dir()
                                and not _json_compose(p) and not _linked(p)
                                and not _generated(p))]


def _generated(root: Path) -> bool:
    tree = Tree(FolderSource(root))
    return any(generated_by(tree, path, text.text) is not None for path in tree.paths()
               if ("compose" in path or "Dockerfile" in path)
               and (text := tree.read(path)) is not None)


def _linked(root: Path) -> bool:
    return any(p.is_symlink() for p in root.rglob("*"))


def test_a_finding_naming_a_linked_file_has_its_edits_built(built: list[str]) -> None:
    """The other exception: a finding that names a file a link shares or leads through is
    judged by its edits (a probe rewritten in compose beside a linked app is no write
    through the link)."""
    root = GOLDEN / "H002-health-probe-not-served" / "probe-rewritten-beside-a-linked-app"
    checked = engine.check(Workspace.load(Tree(FolderSource(root / "before")), Config()),
                           discover())
    assert built and any(f.code == "H002" and f.fixable for f in checked.findings)


def _json_compose(root: Path) -> bool:
    return any(re.match(r'\s*\{\s*"', p.read_text()) for p in root.rglob("*compose*.y*ml"))


def test_a_compose_file_written_as_json_is_one_golden_case(built: list[str]) -> None:
    """The exception above is the one golden case of it, whose check builds its edits."""
    json = [p for p in GOLDEN.glob("*/*/before") if _json_compose(p)]
    assert [p.parent.name for p in json] == ["compose-file-written-as-json"]
    engine.check(Workspace.load(Tree(FolderSource(json[0])), Config()), discover())
    assert built


@pytest.mark.slow   # every golden case, checked
def test_check_builds_no_edit_and_fixing_builds_them(built: list[str]) -> None:
    rules = discover()
    fixable = []
    for root in _trees():
        checked = engine.check(Workspace.load(Tree(FolderSource(root)), Config()), rules)
        fixable += [f for f in checked.findings if f.fixable]
    assert not built, f"fixer check built {len(built)} edits"
    codes = {f.code for f in fixable}
    for finding in {f.code: f for f in fixable}.values():   # one fix of each rule, built
        finding.edits()
    assert built, "the spy saw no edit when fixes were built: it watches nothing"
    assert codes >= {"C001", "C003", "C004", "C005", "P001", "H002", "S001"}
