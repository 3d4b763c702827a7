"""What a build sends to the builder: the context folder less what `.dockerignore` drops.

Docker removes the files its ignore file matches from the build context before the build,
so no COPY or ADD can reach them. The file is `<context>/.dockerignore`; BuildKit reads
`<Dockerfile path>.dockerignore` beside the Dockerfile instead when there is one. Patterns
are Go's `filepath.Match` plus `**` (any number of folders), one a line: `#` lines are
comments, blank lines are skipped, a leading `!` re-includes what an earlier line dropped
(later lines win), a leading `/` or `./` is stripped, and a pattern that matches a folder
matches everything below it (moby's patternmatcher).
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.errors import InputError
from fixer.core.textfile import TextFile
from fixer.core.tree import Tree
from fixer.core.tree_index import files_under, is_folder


class _Pattern(NamedTuple):
    regex: re.Pattern[str]
    exception: bool   # a `!` line: it re-includes what it matches


def parse(text: str) -> tuple[_Pattern, ...]:
    """The patterns of an ignore file, in order (moby's ignorefile.ReadAll)."""
    patterns: list[_Pattern] = []
    for line in text.removeprefix("\ufeff").splitlines():
        if line.startswith("#"):
            continue
        line = line.strip()
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
        if not line:
            continue
        line = posixpath.normpath(line)
        if len(line) > 1 and line.startswith("/"):
            line = line[1:]
        try:
            patterns.append(_Pattern(re.compile(_regex(line)), exception))
        except re.error:   # the builder refuses the file; fixer drops nothing by it
            continue
    return tuple(patterns)


def _regex(pattern: str) -> str:
    """The regex of one pattern: `*` and `?` within a path segment, `**` across any number
    of them (none included), `[...]` a class, `\\` escapes the next character."""
    out, i = ["^"], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):   # `**/` is `**`
                i += 1
            out.append(".*" if i == len(pattern) else "(.*/)?")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:   # classes pass through, as moby writes them into its regexp
            out.append("\\" + char if char in _SPECIAL else char)
        i += 1
    return "".join(out) + "$"


# what moby escapes: regexp syntax that means nothing to filepath.Match
_SPECIAL = frozenset(".+()|{}$")


def drops(patterns: tuple[_Pattern, ...], path: str) -> bool:
    """Whether the patterns drop `path` (relative to the context): the last pattern that
    matches it or a folder above it decides."""
    dropped = False
    parents = _parents(path)
    for pattern in patterns:
        if pattern.exception != dropped:
            continue   # it cannot change the verdict
        if pattern.regex.match(path) or any(pattern.regex.match(p) for p in parents):
            dropped = not pattern.exception
    return dropped


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


# per ignore file (kept with its text): its patterns, and what they say of each path asked
_PATTERNS: Memo[tuple[_Pattern, ...]] = Memo("dockerignore patterns")
_DROPS: Memo[dict[str, bool]] = Memo("paths a dockerignore drops")
# per tree: (ignore file, context, folder) -> whether the folder holds a file it keeps
_KEEPS_FILES: Memo[dict[tuple[str, str, str], bool]] = Memo("folders a dockerignore keeps")


class ContextFiles:
    """The files of a build context as the builder receives them. Paths are relative to
    the context folder (`.` is the context itself)."""

    def __init__(self, tree: Tree, folder: str, ignore: TextFile | None) -> None:
        self.tree = tree
        self.folder = folder
        self.ignore = ignore   # the ignore file that applies; None: nothing is dropped

    def path(self, relative: str) -> str:
        """The repository path of a path in the context."""
        return posixpath.normpath(posixpath.join(self.folder, relative)) if self.folder \
            else posixpath.normpath(relative)

    def dropped(self, relative: str) -> bool:
        ignore = self.ignore
        if ignore is None:
            return False
        relative = posixpath.normpath(relative)
        patterns = ignore.derived.get(_PATTERNS, lambda: parse(ignore.text))
        return ignore.derived.keyed(_DROPS, relative, lambda: drops(patterns, relative))

    def has_file(self, relative: str) -> bool:
        return self.tree.exists(self.path(relative)) and not self.dropped(relative)

    def has_folder(self, relative: str) -> bool:
        """A folder of the context that holds a file the ignore file keeps."""
        full = self.path(relative)
        if not is_folder(self.tree, "" if full == "." else full):
            return False
        if self.ignore is None:
            return True
        start = len(self.folder) + 1 if self.folder else 0
        # kept with the tree, whose files it rests on: an allow-list may drop thousands
        # of files before the first it keeps, and `locate` asks for every module
        key = (self.ignore.path, self.folder, full)
        return self.tree.derived.keyed(_KEEPS_FILES, key, lambda: any(
            not self.dropped(path[start:])
            for path in files_under(self.tree, "" if full == "." else full)))

    def drops_all_of(self, relative: str) -> bool:
        """The context holds `relative` (a file, or a folder with files) and the ignore
        file drops all of it: a COPY of it fails ("not found")."""
        if self.ignore is None or self.has_file(relative) or self.has_folder(relative):
            return False
        whole = self.unfiltered()
        return whole.has_file(relative) or whole.has_folder(relative)

    def unfiltered(self) -> ContextFiles:
        """The context as it would be without the ignore file."""
        return ContextFiles(self.tree, self.folder, None)


def context_files(tree: Tree, folder: str, dockerfile: str) -> ContextFiles:
    """The build context `folder` of the Dockerfile at `dockerfile` (repository paths)."""
    beside = dockerfile + ".dockerignore"
    at_root = posixpath.join(folder, ".dockerignore") if folder else ".dockerignore"
    path = next((p for p in (beside, at_root) if tree.exists(p)), None)
    try:
        ignore = tree.read(path) if path is not None else None
    except InputError:   # not text: the builder rejects it, and fixer drops nothing
        ignore = None
    return ContextFiles(tree, folder, ignore)
