"""Which paths a folder's `.gitignore` files leave out, read without git.

Outside a git work tree (an exported archive, a copy of a checkout) git cannot be asked, but
the `.gitignore` files the folder holds still say what the project never commits: a
`.env.example` written under `.env*` would be ignored the day the folder is a repository
again. The rules are git's (gitignore(5)): blank lines and `#` comments are skipped, a
leading `!` re-includes, the last matching pattern wins, a deeper `.gitignore` after a
shallower one; a pattern with a `/` before its end is anchored to its file's folder, one
without matches a name at any depth; a trailing `/` matches folders only; `*` and `?` stay
within a segment, `**` spans folders; and a file in an ignored folder stays ignored whatever
a later `!` says. The global excludes file and `.git/info/exclude` belong to a clone, not to
the folder, and are not read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import NamedTuple



def segment_regex(pattern: str) -> str:
    """The regex of one path segment's glob (no `**`): `*` any run within the segment,
    `?` one character, `[abc]` / `[!abc]` a class; anything else as written."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            inner = pattern[i + 1:end]
            out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner) + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


class _Pattern(NamedTuple):
    regex: re.Pattern[str]   # matched against the path below the file's folder
    negated: bool
    folders_only: bool


class IgnoreFiles:
    """The `.gitignore` files of a folder, each read once through `read` (its text, or None
    when the folder has none)."""

    def __init__(self, read: Callable[[str], str | None]) -> None:
        self._read = read
        self._patterns: dict[str, list[_Pattern]] = {}

    def ignores(self, path: str) -> bool:
        """Whether the rules leave out the file `path` (relative, `/`-separated)."""
        parts = path.split("/")
        for depth in range(1, len(parts)):   # a folder left out takes its files with it
            if self._decided("/".join(parts[:depth]), folder=True):
                return True
        return self._decided(path, folder=False)

    def _decided(self, path: str, folder: bool) -> bool:
        ignored = False
        parts = path.split("/")
        for depth in range(len(parts)):   # shallower files first: deeper ones override
            base = "/".join(parts[:depth])
            below = "/".join(parts[depth:])
            for pattern in self._of(base):
                if (folder or not pattern.folders_only) and pattern.regex.fullmatch(below):
                    ignored = not pattern.negated
        return ignored

    def _of(self, folder: str) -> list[_Pattern]:
        if folder not in self._patterns:
            text = self._read(posixpath.join(folder, ".gitignore") if folder else ".gitignore")
            self._patterns[folder] = [p for line in (text or "").splitlines()
                                      if (p := _pattern(line)) is not None]
        return self._patterns[folder]


def _pattern(line: str) -> _Pattern | None:
    line = re.sub(r"(?<!\\)\s+$", "", line.rstrip("\r"))
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    line = line[1:] if negated else line.removeprefix("\\")
    folders_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    prefix = "" if "/" in line else "(?:.*/)?"   # a `/` anchors it to its file's folder
    return _Pattern(re.compile(prefix + glob_body(line.lstrip("/"))), negated, folders_only)


def glob_body(pattern: str) -> str:
    """The regex of a `/`-separated glob: each segment's (`segment_regex`), and `**` for
    any number of whole folders (`a/**/b`), or anything below when it ends the glob."""
    parts = pattern.split("/")
    body = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            body += ".*" if last else "(?:[^/]+/)*"
        else:
            body += segment_regex(part) + ("" if last else "/")
    return body
