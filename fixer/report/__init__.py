"""The markdown audit report (`fixer report`, `fixer check --format markdown`)."""

from __future__ import annotations

from collections.abc import Sequence

from fixer import engine
from fixer.config import Config
from fixer.errors import InputError
from fixer.report import markdown
from fixer.report.fixrun import fix_run, summary
from fixer.report.mermaid import diagram
from fixer.report.model import FixRun, FixSummary, build_audit
from fixer.rule import Finding, Rule
from fixer.tree import Tree
from fixer.workspace import Workspace

__all__ = ["audit_report", "fixed_later", "markdown_report"]


def markdown_report(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                    errors: Sequence[InputError], after: FixSummary | None = None,
                    fixed_later: FixRun | None = None) -> str:
    """The report of findings `engine.check` made on `ws` with `rules`; `fixed_later` is
    what the fix run does with them (see `fixed_later()`)."""
    audit = build_audit(ws, findings, rules, errors, after, fixed_later)
    return markdown.render(audit, diagram(ws))


def audit_report(tree: Tree, rules: Sequence[Rule], config: Config, after: bool = False) -> str:
    """The report of a tree; with `after`, of the tree as `fixer fix` would leave it (in
    memory: nothing is written). Either way the fix run is made, so the report's counts of
    what `fixer fix` fixes are the fixes the diff makes."""
    result = engine.fix(tree, rules, config)
    ws = Workspace.load(tree, config)
    checked = engine.check(ws, rules)
    findings = checked.findings
    if not after:
        return markdown_report(ws, findings, rules, checked.errors,
                               fixed_later=fix_run(findings, result, config))
    done = summary(findings, result, config)
    ws = Workspace.load(result.tree, config)
    checked = engine.check(ws, rules)
    return markdown_report(ws, checked.findings, rules, checked.errors, done)


def fixed_later(tree: Tree, findings: Sequence[Finding], rules: Sequence[Rule],
                config: Config) -> FixRun:
    """What `markdown_report` needs to count as `fixer fix` does: a fix run of the tree."""
    return fix_run(findings, engine.fix(tree, rules, config), config)
