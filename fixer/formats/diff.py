"""A git-style unified diff of a tree's changes, that `git apply` and `patch -p1` accept."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import TextIO

from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.formats.patience import hunks

CONTEXT = 3
NO_NEWLINE = "\\ No newline at end of file\n"
REGULAR_FILE = 0o100000
# Lines end at "\n" only, as git and patch see them: str.splitlines() would also
# split at "\r", "\f", "\u2028" ... and make hunks that apply nowhere.
_LINE = lazy_compile(r"[^\n]*\n|[^\n]+\Z")
# Bytes git writes as a letter escape in a quoted name; other bytes below 0x20, DEL and
# bytes >= 0x80 are written in octal.
_LETTER_ESCAPES = {0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
                   0x0D: "r", 0x22: '"', 0x5C: "\\"}
_NEEDS_QUOTES = lazy_compile(r'[\x00-\x1f"\\\x7f-\U0010ffff]')

Changes = dict[str, tuple[TextFile | None, TextFile | None]]


def render(changes: Changes, mode: Callable[[str], int] | None = None) -> str:
    """The diff of every changed file, in path order. `mode(path)` gives a deleted file's
    permission bits (default 0o644), so a deleted executable file says 100755 as git does."""
    return "".join(file_diff(path, old, new, mode(path) if mode and new is None else 0o644)
                   for path, (old, new) in sorted(changes.items()))


def lines(file: TextFile | None) -> list[str]:
    """The file's lines as git splits them, each with its line ending."""
    return _lines(file.encode()) if file is not None else []


def _lines(data: bytes) -> list[str]:
    """Lines of the file's own bytes, as git diffs them: the BOM is part of the first line,
    and a file read in its declared encoding (`# -*- coding: latin-1 -*-`) keeps its bytes,
    those that are not UTF-8 held as surrogate escapes (`write` gives them back), so that
    the patch applies."""
    return _LINE.findall(data.decode("utf-8", "surrogateescape"))


def write(stream: TextIO, text: str) -> None:
    """Print a diff in the files' own bytes, as git does: a text stream would refuse a
    Latin-1 file's bytes, or encode them again, and the patch would apply nowhere."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:   # a stream of text only (a StringIO): the text, escapes and all
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8", "surrogateescape"))
    buffer.flush()


def file_diff(path: str, old: TextFile | None, new: TextFile | None, mode: int = 0o644) -> str:
    before = old.encode() if old is not None else b""
    after = new.encode() if new is not None else b""
    # git diffs a file as binary when it holds a NUL byte (UTF-16 text), as text otherwise,
    # whatever its encoding (Latin-1 text is text)
    binary = b"\0" in before or b"\0" in after
    a, b = ([], []) if binary else (_lines(before), _lines(after))
    header = _git_header(path, named_only_here=binary or not (a or b))
    if old is None:
        header += f"new file mode {REGULAR_FILE | 0o644:o}\n"
    elif new is None:
        # git knows two modes of a regular file: executable by its owner, or not
        kept = 0o755 if mode & 0o100 else 0o644
        header += f"deleted file mode {REGULAR_FILE | kept:o}\n"
    if binary:
        return header + _binary_patch(old, new, before, after)
    if not a and not b:
        return header  # an empty file created or deleted: git writes the header alone
    header += f"--- {'/dev/null' if old is None else _label('a/', path)}\n"
    header += f"+++ {'/dev/null' if new is None else _label('b/', path)}\n"
    return header + "".join(_hunks(a, b))


def _git_header(path: str, named_only_here: bool) -> str:
    """`diff --git a/P b/P`, as git writes it, but for one case. When no `---`/`+++` line
    follows (an empty or a binary file), the name is read from this line alone, and
    unquoted with a space in it, `patch` cannot read it, nor can `git apply` where a folder
    name ends in a space (`end /x.py`: git's own diff of it does not apply). Quoted, both
    read it, so such a name is quoted."""
    a, b = quote_path("a/" + path), quote_path("b/" + path)
    if named_only_here and " " in path and not a.startswith('"'):
        a, b = f'"a/{path}"', f'"b/{path}"'
    return f"diff --git {a} {b}\n"


def quote_path(name: str) -> str:
    """`name` as git writes it in a diff (core.quotePath=true): in double quotes, C-style,
    when it holds a control byte, `"`, `\\`, DEL or any byte >= 0x80 (as octal escapes of
    its UTF-8 bytes); else as it is, spaces included."""
    if not _NEEDS_QUOTES.search(name):
        return name
    data = name.encode("utf-8", "surrogateescape")   # a name that is not UTF-8: its bytes
    return '"' + "".join(_quoted_byte(byte) for byte in data) + '"'


def _quoted_byte(byte: int) -> str:
    letter = _LETTER_ESCAPES.get(byte)
    if letter is not None:
        return "\\" + letter
    if byte < 0x20 or byte >= 0x7F:
        return f"\\{byte:03o}"
    return chr(byte)


def _label(prefix: str, path: str) -> str:
    """A `---`/`+++` file name. git ends one that holds a space with a tab, so that
    `patch` does not take the rest of the name for a timestamp."""
    return quote_path(prefix + path) + ("\t" if " " in path else "")


def _binary_patch(old: TextFile | None, new: TextFile | None, before: bytes,
                  after: bytes) -> str:
    """git's own form for a file it sees as binary (UTF-16 text has NUL bytes): a text hunk
    of such a file applies nowhere, this one `git apply` takes. It needs the full blob ids."""
    return (f"index {_blob_id(old, before)}..{_blob_id(new, after)}\nGIT binary patch\n"
            + _literal(after) + _literal(before))


def _blob_id(file: TextFile | None, data: bytes) -> str:
    if file is None:
        return "0" * 40
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _literal(data: bytes) -> str:
    """`literal N` and the zlib-deflated bytes in base85, 52 bytes a line, each line led by
    its byte count (A-Z: 1-26, a-z: 27-52); a blank line ends it."""
    packed = zlib.compress(data)
    out = [f"literal {len(data)}\n"]
    for at in range(0, len(packed), 52):
        chunk = packed[at:at + 52]
        count = chr(ord("A") + len(chunk) - 1) if len(chunk) <= 26 else \
            chr(ord("a") + len(chunk) - 27)
        out.append(count + base64.b85encode(chunk, pad=True).decode("ascii") + "\n")
    return "".join(out) + "\n"


def _hunks(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    for group in hunks(a, b, CONTEXT):
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
