"""The rule catalogue is well formed: codes, names, docs, and golden cases for every rule;
selection works as ruff's does."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from fixer.registry import choose, discover, unknown_codes
from fixer.rule import DOC_SECTIONS, Category, Rule, Safety, Severity, Violation
from fixer.workspace import Workspace
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
    module = f"{rule.code.lower()}_{rule.name.replace('-', '_')}.py"
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


# The severity column of the rule table in RULES.md (the product spec), pinned here: the
# spec lives outside this repository. A rule whose code is missing here has no agreed severity.
ERROR, WARNING = Severity.ERROR, Severity.WARNING
SPEC_SEVERITIES = {
    "S001": ERROR, "S002": WARNING, "S003": ERROR, "S004": ERROR,
    "D001": WARNING, "D002": WARNING, "D003": ERROR,
    "I001": ERROR, "I002": WARNING, "I003": ERROR,
    "H001": WARNING, "H002": ERROR,
    "P001": ERROR, "P002": WARNING,
    "C001": ERROR, "C002": ERROR, "C003": WARNING, "C004": WARNING, "C005": WARNING,
    "C006": WARNING,
}


def rule_module(rule: Rule) -> ModuleType:
    """The module a rule was loaded from (a module with no SEVERITY fails discover() itself)."""
    return sys.modules[rule.detect_fn.__module__]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_module_declares_the_severity_of_the_spec(rule: Rule) -> None:
    declared = vars(rule_module(rule)).get("SEVERITY")
    assert isinstance(declared, Severity), f"{rule.code}: no SEVERITY = Severity.X"
    assert rule.code in SPEC_SEVERITIES, f"{rule.code}: not in the rule table of RULES.md"
    assert declared is SPEC_SEVERITIES[rule.code], \
        f"{rule.code}: SEVERITY is {declared.value}, RULES.md says " \
        f"{SPEC_SEVERITIES[rule.code].value}"
    assert rule.severity is declared   # what every output reads


def test_both_severities_are_in_use() -> None:
    assert {r.severity for r in RULES} == {ERROR, WARNING}


def test_severity_rank_puts_errors_first() -> None:
    assert ERROR.rank < WARNING.rank   # `--severity` and the report order rely on it


def golden_cases(rule: Rule) -> list[Path]:
    return sorted(p for p in (GOLDEN / f"{rule.code}-{rule.name}").glob("*") if p.is_dir())


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_has_a_fix_case_and_a_noop_case(rule: Rule) -> None:
    cases = golden_cases(rule)
    for case in cases:
        assert (case / "before").is_dir() and (case / "expected.diff").is_file(), case
    sizes = [(case / "expected.diff").stat().st_size for case in cases]
    folder = f"golden/{rule.code}-{rule.name}/"
    assert any(size > 0 for size in sizes), f"{folder}: no fix case (non-empty expected.diff)"
    assert any(size == 0 for size in sizes), f"{folder}: no no-op case (empty expected.diff)"


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
