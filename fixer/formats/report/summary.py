"""The report's executive summary: what was audited, what was found, and what the fix run
makes, in counts that match the sections below and the diff of `fixer fix`."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.core.errors import input_errors
from fixer.formats.report.model import Audit
from fixer.formats.report.scores import percent
from fixer.formats.report.text import inline
from fixer.model.rule import Safety, Severity


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def summary(audit: Audit) -> Iterator[str]:
    yield "## Executive Summary"
    yield ""
    yield " ".join(part for part in (_scope(audit), _found(audit), _run(audit)) if part) + \
        (f" Overall compliance: {percent(audit.overall)}%." if audit.overall is not None else "")
    yield ""


def _scope(audit: Audit) -> str:
    if not audit.compose_files:
        return "fixer read no compose file, so it audited no service."
    built = audit.built_from or audit.compose_files
    files = ", ".join(f"`{f}`" for f in built) or "no compose file"
    # the other compose files read (image services only, overlays): named, not as builders
    others = [f"`{f}`" for f in audit.compose_files if f not in built]
    also = f" (also read: {', '.join(others)})" if others else ""
    text = (f"Audited {plural(len(audit.checked), 'service')} that fixer builds from {files}"
            f"{also} for containerization correctness, structural soundness and runtime "
            f"readiness, with {plural(len(audit.rules), 'rule')}.")
    images = [name for name in audit.unscored if name not in audit.imageless]
    if images:
        names = ", ".join(f"`{name}`" for name in images)
        text += f" Image services, drawn in the diagram but not scored: {names}."
    if audit.imageless:
        names = ", ".join(f"`{name}`" for name in audit.imageless)
        text += (f" Services with neither `image` nor `build` in the compose files fixer read, "
                 f"not scored: {names}.")
    unread = [f"`{s.name}` ({inline(s.unread)})" for s in audit.services if s.unread]
    if unread:
        text += f" Built services not checked, and not scored: {', '.join(unread)}."
    # what a compliant service's line says of them, said here too: "nothing to fix" and its
    # compliance speak only of the rules that ran
    unchecked = [f"`{s.name}`" for s in audit.checked if s.unchecked is not None]
    if unchecked:
        their = "its" if len(unchecked) == 1 else "their"
        text += (f" App checks not run on {', '.join(unchecked)} (see below): {their} imports, "
                 "health routes and app ports are not scored.")
    return text


def _found(audit: Audit) -> str:
    if not audit.compose_files and not audit.findings:
        return ""   # nothing was read, so nothing was found either
    if not audit.findings:
        return "Found nothing to fix."
    checked = audit.checked
    broken = sum(1 for s in checked if not s.compliant)
    minor = sum(1 for s in checked if s.compliant and s.findings)
    errors = sum(1 for f in audit.findings if f.rule.severity is Severity.ERROR)
    safe, unsafe = len(audit.with_safety(Safety.SAFE)), len(audit.with_safety(Safety.UNSAFE))
    manual = len(audit.findings) - safe - unsafe
    return (f"Found {plural(len(audit.findings), 'finding')} of "
            f"{plural(len(audit.by_rule()), 'type')}: {plural(errors, 'critical issue')} and "
            f"{len(audit.findings) - errors} minor. Services with critical issues: {broken} of "
            f"{len(checked)}; with minor issues only: {minor}; with none: "
            f"{len(checked) - broken - minor}. Fixable with `fixer fix`: "
            f"{safe}; with `--unsafe-fixes`: {unsafe} more; by hand: {manual}.")


def _run(audit: Audit) -> str:
    """What the fix run makes, so the count is the diff's: one fix may settle several
    findings, and a fix may reveal a finding that the same run then fixes."""
    run = audit.run
    if audit.after is not None or not run.fixes:
        return ""
    command = "`fixer fix --unsafe-fixes`" if run.unsafe else "`fixer fix`"
    text = f"{command} makes {plural(run.fixes, 'fix', 'fixes')}"
    if input_errors(audit.errors):   # `--apply` writes nothing while input cannot be read
        text += " once the input errors are fixed (until then `--apply` writes none)"
    if run.fixes - len(run.revealed) < len(audit.with_safety(Safety.SAFE)):
        text += " (one fix may settle several findings)"
    if run.revealed:
        text += (f", {len(run.revealed)} of them for findings that appear only once another "
                 "fix is in (under Recommendations, with the fix that reveals them)")
    if run.left:
        text += (f"; its fixes reveal {plural(len(run.left), 'finding')} they leave to a "
                 "person (under Needs a Person)")
    return text + "."
