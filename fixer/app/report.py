"""The audit report use case: check a tree, make the fix run its counts need, render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fixer import engine
from fixer.core.config import Config
from fixer.core.errors import InputError
from fixer.core.tree import Tree
from fixer.formats.report import markdown_report
from fixer.formats.report.fixrun import fix_run, summary
from fixer.formats.report.fixrun import FixRun
from fixer.model.rule import Finding, Rule
from fixer.model.workspace import Workspace


@dataclass(frozen=True)
class Audit:
    text: str                      # the markdown report
    errors: list[InputError]       # what it lists under "Input Errors" (rule crashes too)


def audit_report(tree: Tree, rules: Sequence[Rule], config: Config, after: bool = False) -> Audit:
    """The report of a tree; with `after`, of the tree as `fixer fix` would leave it (in
    memory: nothing is written). Either way the fix run is made, so the report's counts of
    what `fixer fix` fixes are the fixes the diff makes."""
    result = engine.fix(tree, rules, config)
    ws = Workspace.load(tree, config)
    checked = engine.check(ws, rules)
    findings = checked.findings
    if not after:
        text = markdown_report(ws, findings, rules, checked.errors,
                               fixed_later=fix_run(findings, result, config))
        return Audit(text, checked.errors)
    done = summary(findings, result, config)
    ws = Workspace.load(result.tree, config)
    checked = engine.check(ws, rules)
    return Audit(markdown_report(ws, checked.findings, rules, checked.errors, done),
                 checked.errors)


def fixed_later(tree: Tree, findings: Sequence[Finding], rules: Sequence[Rule],
                config: Config) -> FixRun:
    """What `markdown_report` needs to count as `fixer fix` does: a fix run of the tree."""
    return fix_run(findings, engine.fix(tree, rules, config), config)
