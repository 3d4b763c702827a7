"""The rule catalogue is well formed: codes, names, docs, and golden cases for every rule;
selection works as ruff's does."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fixer.app.registry import choose, discover, unknown_codes
from fixer.model.rule import DOC_SECTIONS, Category, Rule, Safety, Severity, Violation
from fixer.model.workspace import Workspace
from support import GOLDEN, REPO

RULES = discover()
IDS = [rule.code for rule in RULES]


def test_rules_are_found() -> None:
    assert {"P001", "P002", "D001"} <= {rule.code for rule in RULES}


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)), codes
    assert all(re.fullmatch(r"[A-Z]\d{3}", code) for code in codes), codes
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_declarations(rule: Rule) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name), rule.name
    assert isinstance(rule.category, Category)
    assert rule.safety and all(isinstance(s, Safety) for s in rule.safety)
    # rules/<category>/<code>_<name>.py: the category's folder is its name in lower case
    module = f"{rule.category.name.lower()}/{rule.code.lower()}_{rule.name.replace('-', '_')}.py"
    assert (REPO / "rules" / module).is_file(), f"rules/{module} expected"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_docs_have_every_section(rule: Rule) -> None:
    assert rule.summary and not rule.summary.startswith("#"), "first line: a one-line summary"
    headings = re.findall(r"^## (.+)$", rule.doc, re.M)
    missing = [title for title in DOC_SECTIONS if title not in headings]
    assert not missing, f"{rule.code}: missing sections {missing}"
    assert headings[: len(DOC_SECTIONS)] == list(DOC_SECTIONS), "sections out of order"
    assert set(headings) <= {*DOC_SECTIONS, "Options"}, headings
    for title in DOC_SECTIONS:
        assert rule.doc_section(title), f"{rule.code}: empty section {title}"


ERROR, WARNING = Severity.ERROR, Severity.WARNING


def rule_module(rule: Rule) -> ModuleType:
    """The module a rule was loaded from (a module with no SEVERITY fails discover() itself)."""
    return sys.modules[rule.detect_fn.__module__]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_module_declares_its_severity(rule: Rule) -> None:
    """The agreed severities are pinned by the README's rule table (tests/test_readme.py)."""
    declared = vars(rule_module(rule)).get("SEVERITY")
    assert isinstance(declared, Severity), f"{rule.code}: no SEVERITY = Severity.X"
    assert rule.severity is declared   # what every output reads


def test_both_severities_are_in_use() -> None:
    assert {r.severity for r in RULES} == {ERROR, WARNING}


def test_severity_rank_puts_errors_first() -> None:
    assert ERROR.rank < WARNING.rank   # `--severity` and the report order rely on it


def golden_cases(rule: Rule) -> list[Path]:
    return sorted(p for p in (GOLDEN / f"{rule.code}-{rule.name}").glob("*") if p.is_dir())


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_has_a_golden_case_that_states_its_findings(rule: Rule) -> None:
    """One case at least, whose expected.findings names the rule; a rule that offers fixes
    needs one whose diff is not empty. A display-only rule borrows no other rule's diff."""
    cases = golden_cases(rule)
    folder = f"golden/{rule.code}-{rule.name}/"
    assert cases, f"{folder}: no golden case (make new-case CODE={rule.code} NAME=...)"
    for case in cases:
        assert (case / "before").is_dir() and (case / "expected.diff").is_file(), case
    named = [c for c in cases if (c / "expected.findings").is_file()
             and f" {rule.code} " in (c / "expected.findings").read_text(encoding="utf-8")]
    assert named, f"{folder}: no case whose expected.findings names {rule.code}"
    if set(rule.safety) - {Safety.DISPLAY}:
        sizes = [(case / "expected.diff").stat().st_size for case in cases]
        assert any(sizes), f"{folder}: no fix case (non-empty expected.diff)"


def test_every_golden_folder_belongs_to_a_rule() -> None:
    known = {f"{rule.code}-{rule.name}" for rule in RULES}
    orphans = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name not in known)
    assert not orphans, f"golden folders for no rule: {orphans}"


# -- selection --------------------------------------------------------------------------------

def fake(code: str, default: bool = True) -> Rule:
    def detect(ws: Workspace) -> Iterator[Violation]:
        return iter(())

    return Rule(code, f"rule-{code.lower()}", Category.IMPORTS, (Safety.SAFE,), "R.", detect,
                default)


CATALOGUE = [fake("I001"), fake("I002", default=False), fake("P001"), fake("P002"), fake("P101")]


@pytest.mark.parametrize(("select", "ignore", "expected"), [
    pytest.param(None, None, ["I001", "P001", "P002", "P101"], id="defaults"),
    pytest.param(["P"], None, ["P001", "P002", "P101"], id="prefix"),
    pytest.param(["P0"], None, ["P001", "P002"], id="longer-prefix"),
    pytest.param(["I"], None, ["I001"], id="prefix-leaves-off-by-default-rules-off"),
    pytest.param(["I002"], None, ["I002"], id="full-code-turns-it-on"),
    pytest.param(["ALL"], ["P0"], ["I001", "P101"], id="all-minus-prefix"),
    pytest.param(None, ["I001", "P101"], ["P001", "P002"], id="ignore-codes"),
])
def test_choose_as_ruff_does(select: list[str] | None, ignore: list[str] | None,
                             expected: list[str]) -> None:
    assert [r.code for r in choose(CATALOGUE, select, ignore)] == expected


def test_unknown_codes_are_named() -> None:
    assert unknown_codes(CATALOGUE, ["P", "ALL", "P00", "Q", "P003", "I002"]) == ["Q", "P003"]
