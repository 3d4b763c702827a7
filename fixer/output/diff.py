"""A git-style unified diff of a tree's changes, that `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib

from fixer.textfile import TextFile

CONTEXT = 3
NO_NEWLINE = "\\ No newline at end of file\n"


def render(changes: dict[str, tuple[TextFile | None, TextFile | None]]) -> str:
    return "".join(file_diff(path, old, new) for path, (old, new) in sorted(changes.items()))


def _lines(file: TextFile | None) -> list[str]:
    if file is None:
        return []
    # The BOM is part of the first line's bytes: keep it so the patch applies.
    text = ("\ufeff" if file.bom and file.encoding == "utf-8" else "") + file.text
    return text.splitlines(keepends=True)


def file_diff(path: str, old: TextFile | None, new: TextFile | None) -> str:
    header = f"diff --git a/{path} b/{path}\n"
    if old is None:
        header += "new file mode 100644\n"
    elif new is None:
        header += "deleted file mode 100644\n"
    a, b = _lines(old), _lines(new)
    if not a and not b:
        return header
    header += f"--- {'/dev/null' if old is None else 'a/' + path}\n"
    header += f"+++ {'/dev/null' if new is None else 'b/' + path}\n"
    return header + "".join(_hunks(a, b))


def _hunks(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
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
