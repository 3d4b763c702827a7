"""Finds rules by scanning the rules package: no central list to edit."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

from fixer.core.lazyre import lazy_compile
from fixer.model.rule import Rule

RULES_PACKAGE = "fixer_rules"


# `c001_missing_database_service`: a rule; the other modules of a category are its helpers
RULE_MODULE = lazy_compile(r"[a-z]\d{3}_\w+")


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


@dataclass(frozen=True)
class Selection:
    """One layer of rule selection, as ruff reads them: the configuration file's, then the
    command line's. A layer with `select` starts afresh; one without turns its
    `extend_select` rules on and its `ignore` rules off in what the layers before it chose."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


def choose(rules: list[Rule], select: list[str] | None, ignore: list[str] | None,
           extend: list[str] | None = None) -> list[Rule]:
    """The rules one layer of selection chooses out of the rules on by default."""
    return chosen(rules, [Selection(tuple(select or ()), tuple(ignore or ()),
                                    tuple(extend or ()))])


def chosen(rules: list[Rule], layers: list[Selection]) -> list[Rule]:
    """Rules on by default, then each layer over what the ones before it chose. Within a
    layer, when a rule is both selected and ignored, the more specific pattern wins, as in
    ruff (`select` and `extend_select` count alike): `--select P001 --ignore P` runs P001;
    `--select P --ignore P001` does not; a tie ignores.

    A rule that is off by default runs only when selected by its full code
    (I002 needs `--select I002` or `--extend-select I002`), so a prefix never turns on a
    stricter policy.
    """
    on = {rule.code for rule in rules if rule.default}
    for layer in layers:
        verdicts = {rule.code: v for rule in rules if (v := _verdict(rule, layer)) is not None}
        turned_on = {code for code, v in verdicts.items() if v}
        on = turned_on if layer.select else (on | turned_on) - set(verdicts).difference(turned_on)
    return [rule for rule in rules if rule.code in on]


def _verdict(rule: Rule, layer: Selection) -> bool | None:
    """True when the layer turns the rule on, False when it turns it off, None when it
    names it in neither way."""
    wanted = [*layer.select, *layer.extend_select]
    on = specificity(rule.code, wanted) if _selected(rule, wanted) else None
    off = specificity(rule.code, list(layer.ignore))
    if off is None:
        return None if on is None else True
    return on is not None and on > off


def _selected(rule: Rule, patterns: list[str]) -> bool:
    return rule.code in patterns if not rule.default else matches(rule.code, patterns)


def unknown_codes(rules: list[Rule], patterns: list[str]) -> list[str]:
    return [p for p in patterns if p != "ALL" and not any(r.code.startswith(p) for r in rules)]
