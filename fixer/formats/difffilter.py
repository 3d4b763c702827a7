"""`fixer check --diff-filter DIFF`: keep only the findings a change introduced or touched.

DIFF is a unified diff (a file, or `-` for stdin), e.g. `git diff main...HEAD`. A finding
counts when its file is one the diff adds or deletes, or when the diff modifies its file
and the finding's line is one the diff adds. Diff paths are relative to the repository's
top (git's default) or to the checked folder (`git diff --relative`); both are matched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from fixer.model.rule import Finding


class DiffFilterError(ValueError):
    """The diff cannot be read or parsed."""


@dataclass(frozen=True)
class DiffScope:
    whole_files: frozenset[str]               # added or deleted by the diff
    added_lines: dict[str, frozenset[int]]    # other files: new-side numbers of added lines

    def covers(self, path: str, line: int) -> bool:
        if path in self.whole_files:
            return True
        return line in self.added_lines.get(path, frozenset())


def read_diff(source: str) -> str:
    """The diff's text from a file or `-` (stdin); bytes that are not UTF-8 are kept as
    escapes so that a diff of a Latin-1 file still parses."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise DiffFilterError(f"--diff-filter {source}: {exc.strerror or exc}") from None
    return data.decode("utf-8", "surrogateescape")


def parse_scope(text: str) -> DiffScope:
    try:
        patch = PatchSet(text)
    except UnidiffParseError as exc:
        raise DiffFilterError(f"--diff-filter: not a unified diff: {exc}") from None
    if not patch and text.strip():
        # An empty diff is a change of nothing; text without one file header is a mistake
        # (the wrong file), and filtering by it would silently report nothing.
        raise DiffFilterError("--diff-filter: not a unified diff: no file header found")
    whole: set[str] = set()
    lines: dict[str, frozenset[int]] = {}
    for patched in patch:
        path = _unquote(patched.path)
        if patched.is_added_file or patched.is_removed_file:
            whole.add(path)
            continue
        lines[path] = frozenset(line.target_line_no for hunk in patched for line in hunk
                                if line.is_added and line.target_line_no is not None)
    return DiffScope(frozenset(whole), lines)


def _unquote(path: str) -> str:
    """git quotes unusual paths C-style ("caf\\303\\251.yml"); unquote to the real name."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", "replace")


def repo_prefix(root: Path) -> str:
    """`root`'s folder relative to the enclosing git work tree (POSIX), "" when it is the
    top or no work tree encloses it. Found by looking for `.git`: no git process."""
    here = root.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            relative = os.path.relpath(here, folder)
            return "" if relative == "." else Path(relative).as_posix()
    return ""


def only_changed(findings: Sequence[Finding], source: str, root: Path) -> list[Finding]:
    scope = parse_scope(read_diff(source))
    prefix = repo_prefix(root)
    return [f for f in findings if _in_scope(scope, f, prefix)]


def _in_scope(scope: DiffScope, finding: Finding, prefix: str) -> bool:
    path, line = finding.path, finding.line
    if scope.covers(path, line):
        return True
    return bool(prefix) and scope.covers(f"{prefix}/{path}", line)
