"""The markdown audit report (`fixer report`, `fixer check --format markdown`), rendered from
what a check and a fix run produced; `fixer.app.report` runs them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fixer.core.errors import InputError
from fixer.model.rule import Finding, Rule
from fixer.model.workspace import Workspace

if TYPE_CHECKING:   # the rendering modules are imported when a report is asked for: every
    # `fixer fix` imports this package for its summary (`fixrun`) and renders no report
    from fixer.formats.report.fixrun import FixRun, FixSummary

__all__ = ["markdown_report"]


def markdown_report(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                    errors: Sequence[InputError], after: FixSummary | None = None,
                    fixed_later: FixRun | None = None) -> str:
    """The report of findings `engine.check` made on `ws` with `rules`; `fixed_later` is
    what the fix run does with them (`fixer.app.report.fixed_later`)."""
    from fixer.formats.report import markdown
    from fixer.formats.report.mermaid import diagram
    from fixer.formats.report.model import build_audit
    audit = build_audit(ws, findings, rules, errors, after, fixed_later)
    return markdown.render(audit, diagram(ws))
