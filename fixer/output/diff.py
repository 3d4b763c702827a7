"""A git-style unified diff of a tree's changes, that `git apply` and `patch -p1` accept."""

from __future__ import annotations

import re
from collections.abc import Callable

from fixer.output.patience import PatienceMatcher
from fixer.textfile import TextFile

CONTEXT = 3
NO_NEWLINE = "\\ No newline at end of file\n"
REGULAR_FILE = 0o100000
# Lines end at "\n" only, as git and patch see them: str.splitlines() would also
# split at "\r", "\f", "\u2028" ... and make hunks that apply nowhere.
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")

Changes = dict[str, tuple[TextFile | None, TextFile | None]]


def render(changes: Changes, mode: Callable[[str], int] | None = None) -> str:
    """The diff of every changed file, in path order. `mode(path)` gives a deleted file's
    permission bits (default 0o644), so a deleted executable file says 100755 as git does."""
    return "".join(file_diff(path, old, new, mode(path) if mode and new is None else 0o644)
                   for path, (old, new) in sorted(changes.items()))


def lines(file: TextFile | None) -> list[str]:
    """The file's lines as git splits them, each with its line ending."""
    if file is None:
        return []
    # The BOM is part of the first line's bytes: keep it so the patch applies.
    text = ("\ufeff" if file.bom and file.encoding == "utf-8" else "") + file.text
    return _LINE.findall(text)


def file_diff(path: str, old: TextFile | None, new: TextFile | None, mode: int = 0o644) -> str:
    header = f"diff --git a/{path} b/{path}\n"
    if old is None:
        header += f"new file mode {REGULAR_FILE | 0o644:o}\n"
    elif new is None:
        header += f"deleted file mode {REGULAR_FILE | (mode & 0o777):o}\n"
    a, b = lines(old), lines(new)
    if not a and not b:
        return header  # an empty file created or deleted: git writes the header alone
    header += f"--- {'/dev/null' if old is None else 'a/' + path}\n"
    header += f"+++ {'/dev/null' if new is None else 'b/' + path}\n"
    return header + "".join(_hunks(a, b))


def _hunks(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    matcher = PatienceMatcher(a, b)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        a_start, a_end = group[0][1], group[-1][2]
        b_start, b_end = group[0][3], group[-1][4]
        out.append(f"@@ -{_range(a_start, a_end)} +{_range(b_start, b_end)} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(_mark(" ", line) for line in a[i1:i2])
                continue
            out.extend(_mark("-", line) for line in a[i1:i2])
            out.extend(_mark("+", line) for line in b[j1:j2])
    return out


def _range(start: int, end: int) -> str:
    length = end - start
    if length == 0:
        return f"{start},0"
    return f"{start + 1}" if length == 1 else f"{start + 1},{length}"


def _mark(prefix: str, line: str) -> str:
    if line.endswith("\n"):
        return prefix + line
    return prefix + line + "\n" + NO_NEWLINE
