"""The markdown audit report (`fixer report`, `fixer check --format markdown`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fixer import engine
from fixer.config import Config
from fixer.report import markdown
from fixer.report.mermaid import stack_diagram
from fixer.report.model import FixLine, FixSummary, build_audit
from fixer.rule import Finding, Rule
from fixer.tree import Tree
from fixer.workspace import Workspace

__all__ = ["audit_report", "fixed_later", "markdown_report"]


def markdown_report(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                    after: FixSummary | None = None,
                    fixed_later: Mapping[str, str] | None = None) -> str:
    """The report of findings `engine.check` made on `ws` with `rules`."""
    return markdown.render(build_audit(ws, findings, rules, after, fixed_later),
                           stack_diagram(ws))


def audit_report(tree: Tree, rules: Sequence[Rule], config: Config, after: bool = False) -> str:
    """The report of a tree; with `after`, of the tree as `fixer fix` would leave it (in
    memory: nothing is written). Either way the fix run is made, so the report's counts of
    what `fixer fix` fixes are the fixes the diff makes."""
    result = engine.fix(tree, rules, config)
    if not after:
        ws = Workspace.load(tree, config)
        findings = engine.check(ws, rules)
        return markdown_report(ws, findings, rules, fixed_later=_removed(findings, result))
    summary = FixSummary(
        applied=tuple(FixLine(a.finding.code, a.finding.report.service,
                              a.finding.report.fix_title or a.finding.rule.summary)
                      for a in result.applied),
        failed=tuple(FixLine(f.finding.code, f.finding.report.service, f.reason)
                     for f in result.failed),
        problems=tuple(result.problems))
    ws = Workspace.load(result.tree, config)
    return markdown_report(ws, engine.check(ws, rules), rules, summary)


def fixed_later(tree: Tree, findings: Sequence[Finding], rules: Sequence[Rule],
                config: Config) -> dict[str, str]:
    """What `markdown_report` needs to count as `fixer fix` does: a fix run of the tree."""
    return _removed(findings, engine.fix(tree, rules, config))


def _removed(findings: Sequence[Finding], result: engine.FixResult) -> dict[str, str]:
    """Display-only findings of the tree that the fix run removed, after the fixes they wait
    on (one C003 fix may settle two entries): fingerprint -> the title of the fix."""
    remaining = {f.fingerprint for f in result.remaining}
    titles = {(a.finding.code, a.finding.report.service): a.finding.report.fix_title
              for a in result.applied}
    return {f.fingerprint: titles.get((f.code, f.report.service)) or f.rule.summary
            for f in findings if not f.fixable and f.fingerprint not in remaining}
