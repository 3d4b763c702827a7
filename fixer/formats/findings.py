"""Findings and errors as text and as the JSON object of the CLI contract."""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fixer.core.errors import InputError, NoComposeFile, RuleCrash
from fixer.core.lazyre import lazy_compile
from fixer.model.rule import Finding, Safety, Severity

if TYPE_CHECKING:   # a type only: the text formats need not load the engine
    from fixer.engine.suppress import Unused

JSON_VERSION = 1
# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts an escape
# sequence), DEL, and the bidirectional overrides that reorder what is shown; and the bytes
# of a name that is not UTF-8 (`stack\xe9/`, read as the lone surrogates of
# `surrogateescape`), which a UTF-8 report (JUnit's XML) cannot carry.
_UNPRINTABLE = lazy_compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def display_path(prefix: str, path: str) -> str:
    """A repository path as the user can open it from where they ran fixer."""
    return path if prefix in ("", ".") else posixpath.join(prefix, path)


def moved(finding: Finding, prefix: str) -> Finding:
    """The finding with its path as seen from where the user ran fixer (`prefix`: the folder
    as typed). Its fingerprint stays the one of its path from the repository's root, once
    set (`Finding.rooted`): a finding has one however the folder was typed."""
    if prefix in ("", "."):
        return finding
    return Finding(finding.rule, dataclasses.replace(finding.violation,
                                                     path=display_path(prefix, finding.path)),
                   finding.rooted_key)


def moved_error(error: InputError, prefix: str) -> InputError:
    """An input error at its path as typed; a rule crash names no file, and a folder with
    no compose file names itself as typed, so they stay as they are."""
    if isinstance(error, (RuleCrash, NoComposeFile)) or prefix in ("", "."):
        return error
    return InputError(display_path(prefix, error.path), error.line, error.message)


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
        elif isinstance(error, NoComposeFile):
            lines.append(error.message)
        else:
            lines.append(printable(f"{display_path(prefix, error.path)}:{error.line}: "
                                   f"{error.message}"))
    return lines


# How a finding with no fix of its own yet is fixed all the same (`fixed_later`)
LATER_SAFE = "safe"          # by `fixer fix`, once the fixes it waits on are in
LATER_UNSAFE = "unsafe"      # by `fixer fix --unsafe-fixes`, after the unsafe fixes it follows
LATER_SETTLED = "settled"    # by another finding's fix, which leaves nothing to do here


def fixed_later(finding: Finding) -> str | None:
    """How `fixer fix` still fixes a finding that has no fix of its own now (C003's entry for
    a dependency whose healthcheck another fix adds), or None: its fix is the one it has, or
    it is a person's job. `check`'s summary counts by it, and the JSON carries it."""
    violation = finding.violation
    if finding.fixable:   # an unsafe fix the safe fixes of others make safe (gates.py)
        return LATER_SAFE if finding.safety is Safety.UNSAFE and violation.waits else None
    if violation.yielded:
        return LATER_SETTLED
    if violation.waits:
        return LATER_SAFE
    return LATER_UNSAFE if violation.after_unsafe else None


def after_unsafe_fixes(finding: Finding) -> bool:
    """No fix of its own, and `fixer fix --unsafe-fixes` fixes it after the unsafe fixes it
    follows: counted with them, never as a person's job (`check`, `fix`, the report)."""
    return fixed_later(finding) == LATER_UNSAFE


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
        "fixed_later": fixed_later(finding),
        "reason": finding.reason, "fingerprint": finding.fingerprint,
    }


def json_document(findings: Sequence[Finding], errors: Sequence[InputError],
                  unused: Sequence[tuple[str, Unused]] | None = None) -> str:
    """`unused`: with --show-unused-suppressions, each comment code that suppressed nothing,
    with the folder as typed; such a code fails the check as a finding does, so the document
    says why (as ruff reports RUF100)."""
    document: dict[str, object] = {
        "version": JSON_VERSION,
        "findings": [finding_object(f) for f in findings],
        "errors": [error_object(e) for e in errors],
    }
    if unused is not None:
        document["unused_suppressions"] = [unused_object(u, prefix) for prefix, u in unused]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def unused_object(unused: Unused, prefix: str) -> dict[str, object]:
    place = unused.suppression
    return {"code": unused.code, "path": unused.path(prefix), "line": place.line,
            "column": place.column, "message": unused.message}


def error_object(error: InputError) -> dict[str, object]:
    """`kind` tells fixer's own bug (a rule crash, no place in the repository) from input
    fixer could not read (at a file and line)."""
    if isinstance(error, RuleCrash):
        return {"kind": "crash", "rule": error.code, "stage": error.stage,
                "exception": error.exception, "message": error.message}
    return {"kind": "input", "path": error.path, "line": error.line, "message": error.message}


def statistics(findings: Sequence[Finding]) -> list[dict[str, object]]:
    """Per rule code: how many findings, and how many of them `fixer fix` fixes (safe
    fixes); the most frequent first, then by code."""
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.safety is Safety.SAFE)
    names = {f.code: f.rule.name for f in findings}
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [{"code": code, "name": names[code], "count": counts[code],
             "fixable": fixable[code]} for code in order]


def statistics_lines(findings: Sequence[Finding]) -> list[str]:
    """`  12 P001 port-mismatch [*]`, as ruff's --statistics: `[*]` when `fixer fix` fixes
    every one of them, `[3 fixable]` when it fixes some."""
    rows = statistics(findings)
    width = max((len(str(row["count"])) for row in rows), default=1)
    return [f"{row['count']:>{width}} {row['code']} {row['name']}{_fixable_tag(row)}"
            for row in rows]


def _fixable_tag(row: dict[str, object]) -> str:
    if not row["fixable"]:
        return ""
    return " [*]" if row["fixable"] == row["count"] else f" [{row['fixable']} fixable]"
