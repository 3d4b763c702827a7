"""`fixer check --format sarif`: a SARIF 2.1.0 log, for GitHub code scanning and SARIF viewers.

Each rule that ran is a reportingDescriptor (docs from its module docstring, help link to its
section of docs/rules.md, its severity as the default level); each finding a result at its
file, line and column, relative to %SRCROOT% (the repository fixer checked), at the level of
its rule's severity (SARIF's "error" and "warning" are fixer's two severities). A fixable
finding carries its fix: the rule's own edits, as replacements of line/column regions of the
unfixed files. Each fix is built alone, against the files as they are (`fixer fix` applies
fixes one after another, re-checking between them, so a later fix there may differ from its
SARIF form).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fixer import __version__
from fixer.core.edits import CreateFile, DeleteFile, Edit, EditConflict, TextEdit
from fixer.core.errors import InputError, NoComposeFile, RuleCrash
from fixer.core.textfile import TextFile
from fixer.core.tree import place_in_work_tree
from fixer.engine.suppress import Unused
from fixer.model.rule import Finding, Rule
from fixer.model.workspace import Workspace

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT_ID = "%SRCROOT%"


def _message(text: str) -> dict[str, str]:
    return {"text": text}


def project_urls() -> dict[str, str]:
    """The installed package's project URLs by label (Homepage, Documentation, ...); none
    when fixer runs from a tree that is not installed."""
    from importlib.metadata import PackageNotFoundError, metadata   # 25 ms: only for SARIF
    try:
        entries = metadata("fixer").get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    return dict(entry.split(", ", 1) for entry in entries if ", " in entry)


def _help_uri(rule: Rule, urls: dict[str, str]) -> dict[str, str]:
    """The rule's section of the rule docs (an absolute URI, as SARIF requires), when the
    metadata names where the docs are."""
    docs = urls.get("Documentation")
    return {"helpUri": f"{docs}#{rule.code.lower()}-{rule.name}"} if docs else {}


def rule_descriptor(rule: Rule, urls: dict[str, str] | None = None) -> dict[str, Any]:
    what = rule.doc_section("What it does") or rule.summary
    return {
        "id": rule.code, "name": rule.name, **_help_uri(rule, urls or {}),
        "shortDescription": _message(rule.summary),
        "fullDescription": _message(what),
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": rule.severity.value, "enabled": rule.default},
        "properties": {"category": rule.category.value,
                       "safety": [s.value for s in rule.safety],
                       "tags": [rule.category.value]},
    }


def artifact(path: str, prefix: str = "") -> dict[str, str]:
    """A file by its path from the repository's root (`prefix`: the checked folder's path
    from there), which is where code scanning looks for it."""
    return {"uri": quote(prefix + path, errors="surrogateescape"), "uriBaseId": ROOT_ID}


def repository_root(folder: Path) -> tuple[Path, str]:
    """The root of the git repository the folder is in (the folder itself outside one), and
    the folder's path from it, ending in "/" (or "")."""
    return place_in_work_tree(folder) or (folder.resolve(), "")


def region(file: TextFile, start: int, end: int) -> dict[str, int]:
    """A region of `file` by line and column (end column exclusive; start == end inserts)."""
    return {"startLine": file.line_of(start), "startColumn": file.column_of(start),
            "endLine": file.line_of(end), "endColumn": file.column_of(end)}


def _replacement(file: TextFile, start: int, end: int, text: str) -> dict[str, Any]:
    return {"deletedRegion": region(file, start, end), "insertedContent": {"text": text}}


def _change(ws: Workspace, path: str, edits: Sequence[Edit],
            prefix: str) -> dict[str, Any] | None:
    """One artifactChange: every edit of one file. Creating a file inserts its text into an
    empty artifact; deleting one removes all of its text (marked in the properties)."""
    first = edits[0]
    if isinstance(first, CreateFile):
        replacements = [_replacement(TextFile(path, ""), 0, 0, first.text)]
        return {"artifactLocation": artifact(path, prefix), "replacements": replacements,
                "properties": {"operation": "create"}}
    current = ws.read(path)
    if current is None:
        return None
    if isinstance(first, DeleteFile):
        replacements = [_replacement(current, 0, len(current.text), "")]
        return {"artifactLocation": artifact(path, prefix), "replacements": replacements,
                "properties": {"operation": "delete"}}
    splices = sorted((e for e in edits if isinstance(e, TextEdit)), key=lambda e: e.start)
    replacements = [_replacement(current, e.start, e.end, e.text) for e in splices]
    return {"artifactLocation": artifact(path, prefix), "replacements": replacements}


def fix_object(ws: Workspace, finding: Finding, prefix: str = "") -> dict[str, Any] | None:
    """The finding's fix as SARIF, built by the finding itself; None when it cannot build one."""
    try:
        edits = list(finding.edits())
    except (InputError, EditConflict, ValueError, KeyError, IndexError):
        return None
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    changes = [_change(ws, path, group, prefix) for path, group in sorted(by_path.items())]
    if not changes or any(c is None for c in changes):
        return None
    return {"description": _message(finding.fix_title or f"Fix {finding.code}"),
            "artifactChanges": changes,
            "properties": {"safety": finding.safety.value}}


def result(ws: Workspace, finding: Finding, index: int, prefix: str = "") -> dict[str, Any]:
    location = {"physicalLocation": {
        "artifactLocation": artifact(finding.path, prefix),
        "region": {"startLine": finding.line, "startColumn": finding.column}}}
    out: dict[str, Any] = {
        "ruleId": finding.code, "ruleIndex": index, "level": finding.rule.severity.value,
        "message": _message(finding.message), "locations": [location],
        "partialFingerprints": {"fixerFingerprint/v1": finding.fingerprint},
        "properties": {"service": finding.service, "category": finding.rule.category.value},
    }
    if finding.reason:
        out["properties"]["reason"] = finding.reason
    fix = fix_object(ws, finding, prefix) if finding.fixable else None
    if fix is not None:
        out["fixes"] = [fix]
    return out


# A comment code that suppresses nothing fails the check as a finding does (ruff's RUF100):
# a result, so that the log says why, of a rule that is no rule module's.
UNUSED_ID = "unused-suppression"
_UNUSED_RULE: dict[str, Any] = {
    "id": UNUSED_ID, "name": UNUSED_ID,
    "shortDescription": _message("A `# fixer: ignore[...]` code that suppresses nothing"),
    "defaultConfiguration": {"level": "warning"},
}


def _unused_result(unused: Unused, index: int, prefix: str) -> dict[str, Any]:
    place = unused.suppression
    location = {"physicalLocation": {
        "artifactLocation": artifact(place.path, prefix),
        "region": {"startLine": place.line, "startColumn": place.column}}}
    return {"ruleId": UNUSED_ID, "ruleIndex": index, "level": "warning",
            "message": _message(unused.message), "locations": [location]}


def _notification(error: InputError, prefix: str) -> dict[str, Any]:
    """An input error at its file and line; a rule crash at no location, naming its rule and
    carrying its exception (SARIF's way to say the tool, not the code, went wrong)."""
    if isinstance(error, RuleCrash):
        return {"level": "error", "message": _message(error.report_line()),
                "associatedRule": {"id": error.code},
                "exception": {"kind": type(error.exc).__name__, "message": str(error.exc)},
                "properties": {"kind": "crash", "stage": error.stage}}
    if isinstance(error, NoComposeFile):   # the folder itself: at no file
        return {"level": "error", "message": _message(error.message)}
    location = {"physicalLocation": {"artifactLocation": artifact(error.path, prefix),
                                     "region": {"startLine": max(error.line, 1)}}}
    return {"level": "error", "message": _message(error.message), "locations": [location]}


def automation_details(root: Path) -> dict[str, str]:
    """The run's category in code scanning when a log holds one run per folder. GitHub
    refuses an upload with two runs of one tool and category (it no longer merges them), and
    its docs give a category per run (`id` up to its last "/") for analyses of different
    parts of the code: `fixer/<the folder's path from the repository's root>/`, the same
    however the folder is typed (outside a repository, from the file system's root). A log
    of one folder carries none: the category the upload step sets stays the run's."""
    place = place_in_work_tree(root)
    where = place[1] if place is not None else root.resolve().as_posix().strip("/") + "/"
    return {"id": f"fixer/{where}"}


def document(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule], root: Path,
             errors: Sequence[InputError] = (), unused: Sequence[Unused] = (),
             several: bool = False) -> str:
    """The SARIF log of one check run, as text. `unused`: the suppression codes that
    suppressed nothing (--show-unused-suppressions), results of a rule of their own.
    `several`: the run is one of several folders' in one log (`automation_details`)."""
    index = {rule.code: i for i, rule in enumerate(rules)}
    top, prefix = repository_root(root)
    urls = project_urls()
    homepage = {"informationUri": urls["Homepage"]} if "Homepage" in urls else {}
    descriptors = [rule_descriptor(r, urls) for r in rules]
    descriptors += [_UNUSED_RULE] if unused else []
    run = {
        "tool": {"driver": {"name": "fixer", "version": __version__, **homepage,
                            "rules": descriptors}},
        "originalUriBaseIds": {ROOT_ID: {"uri": top.as_uri().rstrip("/") + "/"}},
        "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications":
                         [_notification(e, prefix) for e in errors]}],
        "columnKind": "unicodeCodePoints",
        "results": [result(ws, f, index[f.code], prefix) for f in findings]
        + [_unused_result(u, len(rules), prefix) for u in unused],
        **({"automationDetails": automation_details(root)} if several else {}),
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
