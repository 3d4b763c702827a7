"""Decoding and encoding files so that a round trip gives back the same bytes.

A TextFile keeps the decoded text with its own line endings (no universal
newlines), and remembers the encoding and the BOM, so edits are splices on
`text` and `encode()` restores everything the edit did not touch.
"""

from __future__ import annotations

import bisect
import codecs
import io
import posixpath
import re
import tokenize
from dataclasses import dataclass, field

from fixer.core.derived import Derived, Memo
from fixer.core.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class TextFile:
    """One text file: its path relative to the root (POSIX form) and its text."""

    path: str
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    # What parsers made of the text (its syntax tree, its style): a file no fix changed is
    # the same TextFile in every round of a run, so it is parsed once.
    derived: Derived = field(default_factory=Derived, compare=False, repr=False)

    @property
    def newline(self) -> str:
        """The file's own line ending: CRLF when most of its lines use it."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

    @property
    def ends_with_newline(self) -> bool:
        return self.text.endswith("\n")

    def encode(self) -> bytes:
        """The bytes of this file: BOM (when it had one) plus the text in its encoding."""
        body = self.text.encode(self.encoding)
        if not self.bom:
            return body
        return _bom_for(self.encoding) + body

    def with_text(self, text: str) -> TextFile:
        return TextFile(self.path, text, self.encoding, self.bom)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset. Far into the text, from the file's
        line starts (found once, kept with it): SARIF asks where each of thousands of fixes
        lands in one large compose file, and a count from the top for each grew with the
        square of its size. Near the top the count is cheaper."""
        if offset > _COUNT_WITHIN:
            return bisect.bisect_right(self.line_starts(), offset)
        return self.text.count("\n", 0, offset) + 1

    def line_starts(self) -> list[int]:
        """The offset each line starts at (0 first), found once per text."""
        return self.derived.get(_LINE_STARTS, lambda: _line_starts(self.text))

    def column_of(self, offset: int) -> int:
        """1-based column of a character offset."""
        return offset - (self.text.rfind("\n", 0, offset) + 1) + 1


# Up to this offset, `line_of` counts newlines from the top rather than build the table
_COUNT_WITHIN = 4096
_LINE_STARTS: Memo[list[int]] = Memo("line starts")


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _bom_for(encoding: str) -> bytes:
    if encoding == KEPT_BYTES:
        return codecs.BOM_UTF8
    for bom, name in _BOMS:
        if name == encoding:
            return bom
    raise ValueError(f"no BOM for {encoding}")


def decode(path: str, data: bytes) -> TextFile:
    """Decode bytes read from `path`; raise InputError for binary or undecodable data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8" and _read_as_bytes(path):
                return _bytes_read(path, data)
            return TextFile(path, _decode(path, data[len(bom):], encoding), encoding, True)
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError(path, data.count(b"\n", 0, nul) + 1, "binary file (NUL byte), not text")
    if _read_as_bytes(path):
        return _bytes_read(path, data)
    encoding = _coding_cookie(path, data)
    return TextFile(path, _decode(path, data, encoding), encoding, False)


def _read_as_bytes(path: str) -> bool:
    """A Dockerfile, or an env file by its name (`.env`, `.env.example`, `api.env`): BuildKit
    and Compose read their bytes, and a Latin-1 comment there breaks nothing."""
    name = posixpath.basename(path)
    return is_dockerfile(path) or name.startswith(".env") or name.endswith(".env")


def _bytes_read(path: str, data: bytes) -> TextFile:
    """UTF-8 (after its BOM) when it is, else `with_stray_bytes`."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return TextFile(path, data[3 if bom else 0:].decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError:
        return with_stray_bytes(path, data)


# A file whose tools read its bytes, read as UTF-8 with each byte that is not UTF-8 held as
# a surrogate escape (U+DC80 to U+DCFF), which writing gives back: a codec of its own, so
# that a file's encoding says how to write it wherever it goes (a forked process too).
KEPT_BYTES = "utf-8-kept"


def _kept_bytes_codec(name: str) -> codecs.CodecInfo | None:
    if name != KEPT_BYTES.replace("-", "_"):
        return None
    return codecs.CodecInfo(
        name=KEPT_BYTES,
        encode=lambda text, errors="strict": codecs.utf_8_encode(text, "surrogateescape"),
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "surrogateescape", True))


codecs.register(_kept_bytes_codec)


def with_stray_bytes(path: str, data: bytes) -> TextFile:
    """A file whose tools read its bytes (a Dockerfile, an env file) that is not all UTF-8:
    its UTF-8 reads as it is (`café`), each other byte as a surrogate escape that no text
    fixer writes holds, and written back each gives its own byte, so the lines no fix
    touched stay as they were. A UTF-8 BOM stays a BOM, apart from the text (`PORT=` on
    the first line is `PORT`)."""
    bom = data.startswith(codecs.BOM_UTF8)
    return TextFile(path, data[3 if bom else 0:].decode("utf-8", "surrogateescape"),
                    KEPT_BYTES, bom)


def has_stray_bytes(text: str) -> bool:
    """Whether the text holds a byte that is not UTF-8 (a surrogate escape)."""
    return any("\udc80" <= char <= "\udcff" for char in text) if not text.isascii() else False


def is_dockerfile(path: str) -> bool:
    """`Dockerfile`, `Dockerfile.prod`, `api.dockerfile`, `Containerfile`: named as builders
    and editors know them."""
    name = posixpath.basename(path).lower()
    return name.startswith(("dockerfile", "containerfile")) or name.endswith(
        (".dockerfile", ".containerfile"))


def _coding_cookie(path: str, data: bytes) -> str:
    """The codec a Python file declares in its first two lines (PEP 263), as Python itself
    reads it; UTF-8 for every other file. A codec that does not keep ASCII as it is (UTF-16)
    cannot be a source encoding, and one that does not give back the same bytes would
    change the lines no fix touched: both are read as UTF-8, which refuses them."""
    if not path.endswith(".py") or b"coding" not in b"\n".join(data.split(b"\n", 2)[:2]):
        return "utf-8"
    try:
        declared, _lines = tokenize.detect_encoding(io.BytesIO(data).readline)
        codec = codecs.lookup(declared).name
    except (SyntaxError, LookupError):
        return "utf-8"
    if codec == "utf-8" or b"# x\n".decode(codec, "replace") != "# x\n":
        return "utf-8"
    try:
        same = data.decode(codec).encode(codec) == data
    except (UnicodeError, LookupError):
        return "utf-8"
    return codec if same else "utf-8"


def _decode(path: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, f"not valid {encoding} text") from None
