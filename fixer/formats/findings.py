"""Findings and errors as text and as the JSON object of the CLI contract."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence

from fixer.core.errors import InputError, RuleCrash
from fixer.model.rule import Finding, Severity

JSON_VERSION = 1
# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts an escape
# sequence), DEL, and the bidirectional overrides that reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def display_path(prefix: str, path: str) -> str:
    """A repository path as the user can open it from where they ran fixer."""
    return path if prefix in ("", ".") else posixpath.join(prefix, path)


def at_or_above(findings: Sequence[Finding], threshold: Severity) -> list[Finding]:
    """The findings as severe as `threshold` or more (`--severity error`: errors only)."""
    return [f for f in findings if f.rule.severity.rank <= threshold.rank]


def text_lines(findings: Sequence[Finding], prefix: str) -> list[str]:
    """`path:line:col: CODE [severity] message`: the code stays the first word after the
    place, as flake8-style parsers expect; the severity tag leads the message."""
    return [printable(f"{display_path(prefix, f.path)}:{f.line}:{f.column}: {f.code} "
                      f"[{f.rule.severity.value}] {f.message}")
            for f in findings]


def printable(line: str) -> str:
    """The line with every control character escaped (`\\x1b`, `\\n`): a file name or a
    value from the repository cannot move the cursor, recolour the terminal or split one
    finding over two lines."""
    return _UNPRINTABLE.sub(_escaped, line)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def error_lines(errors: Sequence[InputError], prefix: str, verbose: bool = False) -> list[str]:
    """An input error at its file and line; a rule crash as fixer's own bug, which names no
    file of the repository (its traceback under --verbose)."""
    lines: list[str] = []
    for error in errors:
        if isinstance(error, RuleCrash):
            lines.append(error.report_line())
            lines += [error.traceback_text()] if verbose else []
        else:
            lines.append(printable(f"{display_path(prefix, error.path)}:{error.line}: "
                                   f"{error.message}"))
    return lines


def finding_object(finding: Finding) -> dict[str, object]:
    """Exactly the keys of docs/schema/check.schema.json: scripts rely on the shape."""
    fix = None
    if finding.fixable:
        fix = {"safety": finding.safety.value, "title": finding.fix_title}
    return {
        "code": finding.code, "name": finding.rule.name,
        "category": finding.rule.category.value, "severity": finding.rule.severity.value,
        "service": finding.service, "path": finding.path, "line": finding.line,
        "column": finding.column, "message": finding.message, "fix": fix,
    }


def json_document(findings: Sequence[Finding], errors: Sequence[InputError]) -> str:
    document = {
        "version": JSON_VERSION,
        "findings": [finding_object(f) for f in findings],
        "errors": [error_object(e) for e in errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def error_object(error: InputError) -> dict[str, object]:
    """`kind` tells fixer's own bug (a rule crash, no place in the repository) from input
    fixer could not read (at a file and line)."""
    if isinstance(error, RuleCrash):
        return {"kind": "crash", "rule": error.code, "stage": error.stage,
                "exception": error.exception, "message": error.message}
    return {"kind": "input", "path": error.path, "line": error.line, "message": error.message}
