"""`exclude` globs: repository paths fixer never reads nor edits.

Syntax (paths relative to the repository root, `/` separated):
- `*` matches within one path segment, `?` one character, `[abc]` / `[!abc]` a class;
- `**` matches any number of whole folders, none included (`**/fixtures/*.yaml`);
- a pattern that matches a folder excludes everything below it (`legacy`, `legacy/**`);
- a pattern without `/` matches a file or folder name at any depth (`*.generated.yml`),
  as in .gitignore.

Excluded files are hidden below the Tree: to every rule they do not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from fixer.core.ignorefiles import glob_body
from fixer.core.tree import Source, Tree


def glob_regex(pattern: str) -> str:
    """The regex a repository path must match (whole path, or a folder above it)."""
    clean = pattern.strip().removeprefix("./").strip("/")
    anywhere = "/" not in clean
    body = glob_body(clean)
    prefix = "(?:.*/)?" if anywhere else ""
    return f"^{prefix}{body}(?:/.*)?$"


class PathFilter:
    """Compiled exclude globs."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        combined = "|".join(f"(?:{glob_regex(p)})" for p in self.patterns if p.strip())
        self._regex = re.compile(combined) if combined else None

    def excluded(self, path: str) -> bool:
        return self._regex is not None and bool(self._regex.match(path))


class ExcludingSource:
    """A Source with the excluded paths left out of its listing."""

    def __init__(self, source: Source, path_filter: PathFilter) -> None:
        self.source = source
        self.filter = path_filter
        self._paths: list[str] | None = None

    def paths(self) -> Iterable[str]:
        if self._paths is None:  # listed once: the fix loop builds many trees over one source
            self._paths = [p for p in self.source.paths() if not self.filter.excluded(p)]
        return self._paths

    def excluded_paths(self) -> list[str]:
        """The paths the filter leaves out: files fixer neither reads as the repository's
        nor edits, which may still call a service (P001 asks)."""
        return [p for p in self.source.paths() if self.filter.excluded(p)]

    def read_bytes(self, path: str) -> bytes:
        return self.source.read_bytes(path)

    def mode(self, path: str) -> int:
        return self.source.mode(path)

    def links(self) -> Mapping[str, str]:
        return self.source.links()

    def ignored(self, paths: Iterable[str]) -> set[str]:
        return self.source.ignored(paths)

    @property
    def fork_safe(self) -> bool:
        return self.source.fork_safe


def hide(tree: Tree, patterns: Sequence[str]) -> Tree:
    """The tree without the excluded paths (the same tree when there is nothing to hide)."""
    if not patterns or isinstance(tree.source, ExcludingSource):
        return tree
    return Tree(ExcludingSource(tree.source, PathFilter(patterns)), dict(tree.overlay))
