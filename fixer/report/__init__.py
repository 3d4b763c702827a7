"""The markdown audit report (`fixer report`, `fixer check --format markdown`)."""

from __future__ import annotations

from collections.abc import Sequence

from fixer import engine
from fixer.config import Config
from fixer.report import markdown
from fixer.report.mermaid import stack_diagram
from fixer.report.model import FixLine, FixSummary, build_audit
from fixer.rule import Finding, Rule
from fixer.tree import Tree
from fixer.workspace import Workspace

__all__ = ["audit_report", "markdown_report"]


def markdown_report(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                    after: FixSummary | None = None) -> str:
    """The report of findings `engine.check` made on `ws` with `rules`."""
    return markdown.render(build_audit(ws, findings, rules, after), stack_diagram(ws))


def audit_report(tree: Tree, rules: Sequence[Rule], config: Config, after: bool = False) -> str:
    """The report of a tree; with `after`, of the tree as `fixer fix` would leave it (in
    memory: nothing is written)."""
    summary = None
    if after:
        result = engine.fix(tree, rules, config)
        tree = result.tree
        summary = FixSummary(
            applied=tuple(FixLine(a.finding.code, a.finding.report.service,
                                  a.finding.report.fix_title or a.finding.rule.summary)
                          for a in result.applied),
            failed=tuple(FixLine(f.finding.code, f.finding.report.service, f.reason)
                         for f in result.failed),
            problems=tuple(result.problems))
    ws = Workspace.load(tree, config)
    return markdown_report(ws, engine.check(ws, rules), rules, summary)
