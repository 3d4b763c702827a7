"""What an audit report says, before it is rendered: services, findings, scores, fixes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from fixer.errors import InputError
from fixer.report.scores import CATEGORIES, CategoryScore, category_scores, overall
from fixer.rule import Category, Finding, Rule, Safety
from fixer.workspace import Workspace


@dataclass(frozen=True)
class ServiceAudit:
    name: str
    findings: tuple[Finding, ...]

    @property
    def compliant(self) -> bool:
        return not self.findings

    def in_category(self, category: Category) -> list[Finding]:
        return [f for f in self.findings if f.rule.category is category]


@dataclass(frozen=True)
class FixLine:
    """One fix `fixer fix` made (or could not make) on the way to the reported tree."""

    code: str
    service: str | None
    text: str                 # the fix title, or why it failed


@dataclass(frozen=True)
class FixSummary:
    applied: tuple[FixLine, ...] = ()
    failed: tuple[FixLine, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audit:
    compose_files: tuple[str, ...]
    services: tuple[ServiceAudit, ...]
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    scores: tuple[CategoryScore, ...]
    errors: tuple[InputError, ...] = ()
    after: FixSummary | None = None   # set when the report is of the tree after `fixer fix`
    # display-only findings that `fixer fix` still fixes once the fixes they wait on are in
    # (a dependency's healthcheck that its own D003/P001 fixes make passable): fingerprint ->
    # the title of the fix it makes
    fixed_later: Mapping[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> Fraction | None:
        return overall(self.scores)

    def by_rule(self) -> list[tuple[Rule, list[Finding]]]:
        return group_by_rule(self.findings)

    def with_safety(self, safety: Safety) -> list[Finding]:
        """Findings by what `fixer fix` does with them: a display-only finding that the fix
        run fixes after others counts as safe, so the counts match the diff."""
        return [f for f in self.findings if self.safety_of(f) is safety]

    def safety_of(self, finding: Finding) -> Safety:
        """What `fixer fix` does with the finding. In a report of the tree after the fix run,
        a safe finding still there is one whose fix failed verification: a person's job."""
        if finding.fingerprint in self.fixed_later:
            return Safety.SAFE
        if self.after is not None and finding.report.safety is Safety.SAFE:
            return Safety.DISPLAY
        return finding.report.safety

    def failure_of(self, finding: Finding) -> str | None:
        """Why `fixer fix` could not fix the finding, in a report of the tree after it."""
        if self.after is None:
            return None
        return next((f.text for f in self.after.failed
                     if (f.code, f.service) == (finding.code, finding.report.service)), None)


def category_order(finding: Finding) -> tuple[int, str, tuple[str, int, int, str, str]]:
    """Category (in the scores' order), then code, then position."""
    return CATEGORIES.index(finding.rule.category), finding.code, finding.sort_key()


def group_by_rule(findings: Sequence[Finding]) -> list[tuple[Rule, list[Finding]]]:
    """Finding types in category order (as the scores list them), then by code."""
    groups: dict[str, tuple[Rule, list[Finding]]] = {}
    for finding in findings:
        groups.setdefault(finding.code, (finding.rule, []))[1].append(finding)
    return sorted(groups.values(), key=lambda group: category_order(group[1][0])[:2])


def audited_names(ws: Workspace, findings: Sequence[Finding]) -> list[str]:
    """The services fixer builds (compose `build:`) and any other service a finding names (an
    image service whose `depends_on` is wrong, say), in compose order."""
    named = {f.report.service for f in findings if f.report.service}
    in_compose = dict.fromkeys(s.name for s in ws.services()
                               if s.get("build") is not None or s.name in named)
    return list(in_compose) + sorted(named - set(in_compose))


def build_audit(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                after: FixSummary | None = None,
                fixed_later: Mapping[str, str] | None = None) -> Audit:
    names = audited_names(ws, findings)
    grouped: dict[str, list[Finding]] = {name: [] for name in names}
    for finding in findings:
        if finding.report.service in grouped:
            grouped[finding.report.service].append(finding)
    services = tuple(ServiceAudit(name, tuple(sorted(grouped[name], key=category_order)))
                     for name in names)
    files = tuple(doc.path for stack in ws.stacks for doc in stack.docs)
    return Audit(
        compose_files=files, services=services, findings=tuple(findings), rules=tuple(rules),
        scores=tuple(category_scores(grouped, rules)), errors=tuple(ws.errors), after=after,
        fixed_later=dict(fixed_later or {}))
