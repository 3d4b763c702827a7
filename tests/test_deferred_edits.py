"""`fixer check` builds no edit a rule could defer: only the rules whose fix's safety is
judged on where its edits land build them in `detect` (`Fix.of`), and docs/architecture.md
names exactly those."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from fixer import engine
from fixer.app.registry import discover
from fixer.core.config import Config
from fixer.core.edits import Edit
from fixer.core.tree import FolderSource, Tree
from fixer.model.rule import Fix, Safety
from fixer.model.workspace import Workspace
from support import GOLDEN, REPO, SEED_FLEET


def _documented() -> set[str]:
    """The codes of the "Edits built during detection" debt in docs/architecture.md."""
    text = (REPO / "docs" / "architecture.md").read_text()
    debt = text[text.index("**Edits built during detection.**"):]
    debt = debt[:debt.index(":")]
    return set(re.findall(r"\b[A-Z]\d{3}\b", debt))


@pytest.mark.slow   # every golden case, checked
def test_check_builds_edits_only_in_the_rules_that_judge_safety_on_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    eager: set[str] = set()
    original = Fix.of.__func__   # type: ignore[attr-defined]

    def spy(cls: type[Fix], title: str, safety: Safety, edits: Sequence[Edit]) -> Fix:
        module = sys._getframe(1).f_globals   # the rule module that built them
        eager.add(str(module.get("CODE", module["__name__"])))
        fix: Fix = original(cls, title, safety, edits)
        return fix

    monkeypatch.setattr(Fix, "of", classmethod(spy))
    rules = discover()
    trees = [SEED_FLEET, *sorted(p for p in GOLDEN.glob("*/*/before") if p.is_dir())]
    for root in trees:
        engine.check(Workspace.load(Tree(FolderSource(root)), Config()), rules)
    assert eager, "the spy saw no Fix.of: it does not watch what the rules call"
    assert eager <= _documented(), f"edits built in detect, undocumented: {eager - _documented()}"


def test_the_documented_rules_exist() -> None:
    codes = {rule.code for rule in discover()}
    assert _documented() and _documented() <= codes
