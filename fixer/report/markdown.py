"""The audit report as markdown, in the seed audit's shape. Deterministic: no dates, no
machine paths, only repository-relative ones, so a golden file can pin it."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.report.issues import critical_issues, fix_title, message, recommendations, where
from fixer.report.model import Audit, FixSummary, ServiceAudit
from fixer.report.scores import CATEGORIES, FORMULA, badge, percent
from fixer.report.text import inline
from fixer.rule import Category, Finding, Safety

TITLE = "# FastAPI Microservices Audit Report"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def render(audit: Audit, diagram: str) -> str:
    """The whole report; `diagram` is the Mermaid flowchart of the stack."""
    parts = [
        _title(audit), _summary(audit), _errors(audit), _fixes_made(audit.after),
        _services(audit), _diagram(diagram), critical_issues(audit), _details(audit),
        recommendations(audit), _scores(audit),
    ]
    lines = [line for part in parts for line in part]
    return "\n".join(lines).rstrip("\n") + "\n"


def _title(audit: Audit) -> Iterator[str]:
    yield TITLE + (" (after `fixer fix`)" if audit.after else "")
    yield ""
    if audit.after:
        applied, failed = len(audit.after.applied), len(audit.after.failed)
        made = f"{plural(applied, 'fix', 'fixes')} applied" + (f", {failed} failed" * bool(failed))
        yield f"> The tree as `fixer fix` would leave it: {made}. Nothing was written."
        yield ""


def _summary(audit: Audit) -> Iterator[str]:
    files = ", ".join(f"`{f}`" for f in audit.compose_files) or "no compose file"
    total = len(audit.services)
    text = (f"Audited {plural(total, 'service')} of {files} for containerization correctness, "
            f"structural soundness and runtime readiness, with {plural(len(audit.rules), 'rule')}.")
    if audit.findings:
        failing = sum(1 for s in audit.services if not s.compliant)
        safe, unsafe = len(audit.with_safety(Safety.SAFE)), len(audit.with_safety(Safety.UNSAFE))
        manual = len(audit.findings) - safe - unsafe
        text += (f" Found {plural(len(audit.findings), 'finding')} of "
                 f"{plural(len(audit.by_rule()), 'type')} in {failing} of {total} services: "
                 f"{safe} fixable with `fixer fix`, {unsafe} more with `--unsafe-fixes`, "
                 f"{manual} to fix by hand.")
    else:
        text += " Found nothing to fix."
    share = audit.overall
    if share is not None:
        text += f" Overall compliance: {percent(share)}%."
    yield "## Executive Summary"
    yield ""
    yield text
    yield ""


def _errors(audit: Audit) -> Iterator[str]:
    if not audit.errors:
        return
    yield "## Input Errors"
    yield ""
    yield "These files could not be read; the findings below leave them out."
    yield ""
    for error in audit.errors:
        yield f"- `{error.path}:{error.line}`: {inline(error.message)}"
    yield ""


def _fixes_made(after: FixSummary | None) -> Iterator[str]:
    if after is None:
        return
    yield "## Fixes Applied"
    yield ""
    if not after.applied:
        yield "None."
    for number, line in enumerate(after.applied, 1):
        yield f"{number}. {line.code} `{line.service or '-'}`: {inline(line.text)}"
    for line in after.failed:
        yield f"- ❌ {line.code} `{line.service or '-'}` failed: {inline(line.text)}"
    for problem in after.problems:
        yield f"- ❌ {inline(problem)}"
    yield ""


def _services(audit: Audit) -> Iterator[str]:
    yield "## Target Services Audited"
    yield ""
    if not audit.services:
        yield "No service: no compose file builds one."
    for number, service in enumerate(audit.services, 1):
        yield f"{number}. {_mark(service)} **{inline(service.name)}** - {_service_state(service)}"
    yield ""


def _mark(service: ServiceAudit) -> str:
    return "✅" if service.compliant else "❌"


def _service_state(service: ServiceAudit) -> str:
    if service.compliant:
        return "No findings"
    categories = [c.value for c in CATEGORIES if service.in_category(c)]
    return f"{plural(len(service.findings), 'finding')} ({', '.join(categories)})"


def _diagram(diagram: str) -> Iterator[str]:
    yield "## Stack Diagram"
    yield ""
    yield "```mermaid"
    yield diagram.rstrip("\n")
    yield "```"
    yield ""


def _details(audit: Audit) -> Iterator[str]:
    yield "## Detailed Findings by Service"
    yield ""
    checked = {category: sorted(r.code for r in audit.rules if r.category is category)
               for category in CATEGORIES}
    if not audit.services:
        yield "No service."
        yield ""
    for service in audit.services:
        yield f"### {_mark(service)} {inline(service.name)}"
        for category in CATEGORIES:
            yield f"- **{category.value}**: {_category_state(service, category, checked)}"
        if not service.findings:
            yield "- **Issues**: None"
        else:
            yield "- **Issues**:"
        for finding in service.findings:
            yield (f"  - {finding.code} {where(finding)}: {message(finding)}. "
                   f"{_fix_text(finding, audit)}")
        yield ""


def _fix_text(finding: Finding, audit: Audit) -> str:
    later = audit.fixed_later.get(finding.fingerprint)
    if later is not None:
        return (f"Fix (safe, once the fixes it waits on are in): {inline(later)}; until then: "
                f"{inline(finding.report.reason or '')}")
    if finding.fixable:
        return f"Fix ({finding.report.safety.value}): {fix_title(finding)}"
    return f"No automatic fix: {inline(finding.report.reason or 'none offered')}"


def _category_state(service: ServiceAudit, category: Category,
                    checked: dict[Category, list[str]]) -> str:
    if not checked[category]:
        return "Not checked"
    found = service.in_category(category)
    if not found:
        return f"✅ No findings ({', '.join(checked[category])})"
    codes = dict.fromkeys(f"{f.code} {f.rule.name}" for f in found)
    return "❌ " + ", ".join(codes)


def _scores(audit: Audit) -> Iterator[str]:
    yield "## Compliance Score"
    yield ""
    for score in audit.scores:
        name = f"- **{score.category.value}**:"
        if score.share is None:
            yield f"{name} {'not checked' if not score.checked else 'no service to score'}"
            continue
        yield (f"{name} {percent(score.share)}% {badge(score.share)} "
               f"({score.passing} of {plural(score.total, 'service')})")
    yield ""
    yield f"**Overall Compliance**: {_verdict(audit)}"
    yield ""
    yield f"How the scores are computed: {FORMULA}"


def _verdict(audit: Audit) -> str:
    share = audit.overall
    if share is None:
        return "not scored (no service audited, or no category checked)"
    if audit.errors:
        verdict = "Incomplete: some files could not be read"
    elif share == 1:
        # fixer reads configuration; it has not seen the stack run
        verdict = "No finding in what fixer checks"
    else:
        verdict = "Requires fixes before production deployment"
    return f"{percent(share)}% - {verdict}"
