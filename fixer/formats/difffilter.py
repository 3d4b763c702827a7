"""`fixer check --diff-filter DIFF`: keep only the findings a change introduced or touched.

DIFF is a unified diff (a file, or `-` for stdin), e.g. `git diff main...HEAD`. A finding
counts when the diff touches its own line or one of its causes (`Violation.causes`: the
other places whose change can cause it, such as P001's command, EXPOSE and port claims,
wherever the finding itself is reported). A file the diff adds or deletes is touched
throughout; in a file it modifies, the lines it adds are touched, and so is a place where
it only deletes lines. A unified diff says where deleted lines were, between two lines of
the new file, not what they belonged to, so both of those lines count as touched: deleting
the last line of a continued CMD, or one of two `ports` entries, keeps what depends on
them. A line replaced by others counts through the lines that replace it. This errs
towards keeping a finding beside a deletion, never towards hiding one the change caused.
Diff paths are relative to the repository's top (git's default) or to the checked folder
(`git diff --relative`); both are matched.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk, PatchedFile, PatchSet

from fixer.model.rule import Finding, Location


class DiffFilterError(ValueError):
    """The diff cannot be read or parsed."""


@dataclass(frozen=True)
class DiffScope:
    whole_files: frozenset[str]               # added or deleted by the diff
    lines: dict[str, frozenset[int]]          # other files: new-side numbers of touched lines

    def covers(self, path: str, line: int | None, last: int | None = None) -> bool:
        """Whether the diff touches lines `line` to `last` of `path` (the whole file when
        `line` is None)."""
        if path in self.whole_files:
            return True
        touched = self.lines.get(path, frozenset())
        if line is None:
            return bool(touched)
        return not touched.isdisjoint(range(line, max(line, last or line) + 1))


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
        lines[path] = _touched(patched)
    return DiffScope(frozenset(whole), lines)


def _touched(patched: PatchedFile) -> frozenset[int]:
    found: set[int] = set()
    for hunk in patched:
        found |= _hunk_lines(hunk)
    found.discard(0)  # a deletion at the top of the file has no line above it
    return frozenset(found)


def _hunk_lines(hunk: Hunk) -> set[int]:
    """New-side numbers of the lines the hunk adds, and of the two lines around each place
    where it only deletes (see the module's docs)."""
    found: set[int] = set()
    # The new-side line above the next one; a side of length 0 is numbered from the line
    # before it, as unified diffs do.
    above = hunk.target_start - (1 if hunk.target_length else 0)
    deleting = False
    for line in hunk:
        if line.is_removed:
            deleting = True
            continue
        if not (line.is_added or line.is_context) or line.target_line_no is None:
            continue  # the "No newline at end of file" marker
        if deleting and line.is_context:
            found.update((above, above + 1))
        deleting = False
        above = line.target_line_no
        if line.is_added:
            found.add(above)
    if deleting:
        found.update((above, above + 1))
    return found


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
    own = Location(finding.path, finding.line)
    return any(_covered(scope, place, prefix) for place in (own, *finding.causes))


def _covered(scope: DiffScope, place: Location, prefix: str) -> bool:
    if scope.covers(place.path, place.line, place.last):
        return True
    return bool(prefix) and scope.covers(f"{prefix}/{place.path}", place.line, place.last)
