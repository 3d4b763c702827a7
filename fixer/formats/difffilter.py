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

A deletion also breaks what reads the lines or the file it took away, far from where it
was: a service deleted from compose leaves a `depends_on` or a DATABASE_URL naming it, a
Dockerfile renamed leaves the `build:` that builds it. So a file the diff deletes or
renames (both its names count, as a deleted and an added file) also touches every finding
of each stack that may have read it: a stack with a compose file in its folder, whose
service builds from a context holding it, or names it as Dockerfile, `env_file` or bind
mount. The findings of a stack are those reported in its compose files and env files. A
hunk that deletes or replaces lines of a compose file (a service renamed is one) also
touches the findings of that file's stacks that name a service (C001, C002, C003, C005) or
a build (S001), wherever in those files.
Diff paths are relative to the repository's top (git's default) or to the checked folder
(`git diff --relative`); both are matched.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unidiff.constants import RE_PATCH_FILE_PREFIX
from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk, PatchedFile, PatchSet

from fixer.core.tree_index import within
from fixer.model.rule import Finding, Location
from fixer.model.services import Stack, bind_mounts, resolve_build

# The rules whose findings name another service (C001's database host, C002's and C003's
# `depends_on` entries, C005's database) or a build (S001's Dockerfile): a deletion anywhere
# in the stack's compose files may have taken away what they name.
_NAMING_CODES = frozenset({"C001", "C002", "C003", "C005", "S001"})


class DiffFilterError(ValueError):
    """The diff cannot be read or parsed."""


@dataclass(frozen=True)
class DiffScope:
    whole_files: frozenset[str]               # added, deleted or renamed (both names)
    lines: dict[str, frozenset[int]]          # other files: new-side numbers of touched lines
    gone: frozenset[str] = frozenset()        # deleted, or renamed away: their readers break
    cut: frozenset[str] = frozenset()         # modified, with lines deleted

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
    gone: set[str] = set()
    cut: set[str] = set()
    for patched in patch:
        path = _unquote(patched.path)
        if patched.is_added_file or patched.is_removed_file or patched.is_rename:
            whole.add(path)
            if patched.is_removed_file or patched.is_rename:
                gone.add(_old_path(patched))
            continue
        lines[path] = _touched(patched)
        if patched.removed:
            cut.add(path)
    return DiffScope(frozenset(whole | gone), lines, frozenset(gone), frozenset(cut))


def _old_path(patched: PatchedFile) -> str:
    """The path a deleted or renamed file had (unidiff's `path` is a rename's new one)."""
    source = patched.source_file
    quoted = len(source) > 1 and source.startswith('"') and source.endswith('"')
    bare = source[1:-1] if quoted else source
    if RE_PATCH_FILE_PREFIX.match(bare):
        bare = bare[2:]
    return _unquote(f'"{bare}"' if quoted else bare)


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


def only_changed(findings: Sequence[Finding], source: str, root: Path,
                 stacks: Sequence[Stack] = ()) -> list[Finding]:
    """The findings the diff touches; `stacks` are the checked folder's, whose readers of a
    deleted file, or of deleted compose lines, count too (see the module's docs)."""
    scope = parse_scope(read_diff(source))
    prefix = repo_prefix(root)
    broken = _broken_files(scope, stacks, prefix)
    return [f for f in findings
            if _in_scope(scope, f, prefix) or f.path in broken.get(f.code, broken["*"])]


def _in_scope(scope: DiffScope, finding: Finding, prefix: str) -> bool:
    own = Location(finding.path, finding.line)
    return any(_covered(scope, place, prefix) for place in (own, *finding.causes))


def _covered(scope: DiffScope, place: Location, prefix: str) -> bool:
    if scope.covers(place.path, place.line, place.last):
        return True
    return bool(prefix) and scope.covers(f"{prefix}/{place.path}", place.line, place.last)


def _broken_files(scope: DiffScope, stacks: Sequence[Stack], prefix: str
                  ) -> dict[str, frozenset[str]]:
    """The files whose findings a deletion may have caused, wherever in them: under "*",
    those of every rule (a stack read a deleted file); under a code of `_NAMING_CODES`,
    also those of the stacks whose compose files lost lines."""
    gone = _checked_paths(scope.gone, prefix)
    cut = _checked_paths(scope.cut, prefix)
    every: set[str] = set()
    naming: set[str] = set()
    for stack in stacks if gone or cut else ():
        files = _stack_files(stack)
        if any(_reads(stack, path) for path in gone):
            every |= files
        if not cut.isdisjoint(doc.path for doc in stack.docs):
            naming |= files
    found = {"*": frozenset(every)}
    found.update({code: frozenset(every | naming) for code in _NAMING_CODES})
    return found


def _checked_paths(paths: Iterable[str], prefix: str) -> frozenset[str]:
    """Diff paths as the checked folder names them: both readings of each (see `_covered`)."""
    inside = (p[len(prefix) + 1:] for p in paths if prefix and p.startswith(f"{prefix}/"))
    return frozenset((*paths, *inside))


def _stack_files(stack: Stack) -> set[str]:
    """Where a stack's own findings are reported: its compose files and env files."""
    env = {path for service in stack.services.values() for path in service.env_files()}
    dotenv = posixpath.join(stack.folder, ".env")
    return {doc.path for doc in stack.docs} | env | {dotenv}


def _reads(stack: Stack, path: str) -> bool:
    """Whether bringing the stack up may read `path`: a file beside one of its compose files
    (`.env`, an override file), in a build context or a bind mount, or a Dockerfile or env
    file it names. Errs towards yes: a build context holds every file under it."""
    if any(posixpath.dirname(doc.path) == posixpath.dirname(path) for doc in stack.docs):
        return True
    for service in stack.services.values():
        build = resolve_build(service, stack.dotenv)
        places = [source for source, _target in bind_mounts(service)]
        if build is not None:
            places += [build.context, build.dockerfile]
        if path in service.env_files() or any(_within(path, place) for place in places):
            return True
    return False


def _within(path: str, folder: str) -> bool:
    return within(path, "" if folder == "." else folder)
