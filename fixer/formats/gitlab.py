"""`fixer check --format gitlab`: a GitLab Code Quality report (the `codequality` artifact).

A JSON list with one object per finding: `description`, `check_name` (the rule's code),
`fingerprint` (unique in the report: GitLab compares them between the merge request and its
target to say what is new; the one JSON and the baseline show, of the path from the
repository's root), `severity` (one of info, minor, major, critical, blocker) and
`location` (`path` from the repository root, `lines.begin`). An error breaks the stack, so it
is critical; a warning is minor. An input error is reported as a major issue at its file; a
rule crash has no place in the repository and is left to the exit code and stderr.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from typing import Any, cast

from fixer.core.errors import InputError, RuleCrash
from fixer.formats.findings import display_path
from fixer.model.rule import Finding, Severity, short_digest

SEVERITIES = ("info", "minor", "major", "critical", "blocker")
_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "minor"}


def issue(finding: Finding, prefix: str = "") -> dict[str, object]:
    """The finding at its path from the repository root (`prefix`: the checked folder's);
    its fingerprint is the one the JSON output and the baseline show."""
    return {
        "description": f"{finding.code} {finding.message}",
        "check_name": finding.code,
        "fingerprint": finding.fingerprint,
        "severity": _SEVERITY[finding.rule.severity],
        "location": {"path": _path(prefix, finding.path), "lines": {"begin": finding.line}},
    }


def _path(prefix: str, path: str) -> str:
    return posixpath.normpath(display_path(prefix, path))


def _error_issue(error: InputError) -> dict[str, object]:
    key = f"input\0{error.path}\0{error.message}"
    return {
        "description": f"fixer could not read this file: {error.message}",
        "check_name": "input-error",
        "fingerprint": short_digest(key),
        "severity": "major",
        "location": {"path": error.path, "lines": {"begin": max(error.line, 1)}},
    }


def issues(findings: Sequence[Finding], errors: Sequence[InputError],
           prefix: str) -> list[dict[str, object]]:
    """The issues of one checked folder; `prefix`: its path from the repository root."""
    out = [issue(f, prefix) for f in findings]
    out += [_error_issue(_at(e, prefix)) for e in errors if not isinstance(e, RuleCrash)]
    return out


def _at(error: InputError, prefix: str) -> InputError:
    return InputError(_path(prefix, error.path), error.line, error.message)


# Where an issue is and what it says: its location's path and line, and its description
Place = tuple[str, int, str]


def document(issue_lists: Sequence[list[dict[str, object]]]) -> str:
    """One report of several folders' issues. Fingerprints hash paths from the repository's
    root, so folders of one repository never share one; two issues still may (one subject
    reported twice, copies of a folder outside a repository), and GitLab would show one of
    them. The same issue twice (a folder named twice) is written once; of the others that
    share a fingerprint, the first by place keeps it and the rest get one of their own
    place, so that none depends on the order the folders were named in."""
    items = [item for issues_ in issue_lists for item in issues_]
    first: dict[str, Place] = {}
    for item in items:
        print_, place = str(item["fingerprint"]), _place(item)
        first[print_] = min(first.get(print_, place), place)
    written: set[tuple[str, Place]] = set()
    merged = []
    for item in items:
        print_, place = str(item["fingerprint"]), _place(item)
        if (print_, place) not in written:
            written.add((print_, place))
            merged.append(item if place == first[print_]
                          else {**item, "fingerprint": _rehashed(print_, place)})
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


def _place(issue: dict[str, object]) -> Place:
    location = cast(dict[str, Any], issue["location"])
    return str(location["path"]), int(location["lines"]["begin"]), str(issue["description"])


def _rehashed(fingerprint: str, place: Place) -> str:
    key = "\0".join((fingerprint, place[0], str(place[1]), place[2]))
    return short_digest(key)
