"""Finds rules by scanning the rules package: no central list to edit."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

from fixer.model.rule import Rule

RULES_PACKAGE = "fixer_rules"


# `c001_missing_database_service`: a rule; the other modules of a category are its helpers
RULE_MODULE = re.compile(r"[a-z]\d{3}_\w+")


def discover(package: str = RULES_PACKAGE) -> list[Rule]:
    """Every rule module in the package's category folders, in code order."""
    root: ModuleType = importlib.import_module(package)
    rules = []
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if not info.ispkg and RULE_MODULE.fullmatch(info.name.rpartition(".")[2]):
            rules.append(Rule.from_module(importlib.import_module(info.name)))
    return sorted(rules, key=lambda r: r.code)


def matches(code: str, patterns: list[str]) -> bool:
    """`P` selects P001 and P002, `P001` selects itself, `ALL` everything (as ruff)."""
    return specificity(code, patterns) is not None


def specificity(code: str, patterns: list[str]) -> int | None:
    """How specific the most specific pattern naming the code is (`ALL` 0, `P` 1, `P001`
    4); None when none names it."""
    found = [0 if p == "ALL" else len(p) for p in patterns if p == "ALL" or code.startswith(p)]
    return max(found) if found else None


def choose(rules: list[Rule], select: list[str] | None, ignore: list[str] | None,
           extend: list[str] | None = None) -> list[Rule]:
    """Rules on by default (or the selected ones), plus the `extend` ones, minus the ignored
    ones. When a rule is both selected and ignored, the more specific pattern wins, as in
    ruff (`--select` and `--extend-select` count alike): `--select P001 --ignore P` runs
    P001; `--select P --ignore P001` does not; a tie ignores.

    A rule that is off by default runs only when selected by its full code
    (I002 needs `--select I002` or `--extend-select I002`), so a prefix never turns on a
    stricter policy.
    """
    chosen = []
    wanted = (select or []) + (extend or [])
    for rule in rules:
        on = _selected(rule, select) if select else rule.default
        on = on or (extend is not None and _selected(rule, extend))
        ignored = specificity(rule.code, ignore or [])
        if on and (ignored is None or ignored < (specificity(rule.code, wanted) or 0)):
            chosen.append(rule)
    return chosen


def _selected(rule: Rule, patterns: list[str]) -> bool:
    return rule.code in patterns if not rule.default else matches(rule.code, patterns)


def unknown_codes(rules: list[Rule], patterns: list[str]) -> list[str]:
    return [p for p in patterns if p != "ALL" and not any(r.code.startswith(p) for r in rules)]
