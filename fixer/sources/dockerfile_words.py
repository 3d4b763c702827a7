"""Shell-like words of a Dockerfile line, read with BuildKit's rules: its whitespace,
its `--flag` reader and its quoted-word splitter, and Go's quoting for its messages.

BuildKit's quirks are kept on purpose, because the values must equal what BuildKit
returns for the same file.
"""

from __future__ import annotations

# Go's unicode.IsSpace (Python's str.isspace also counts \x1c-\x1f).
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_SET = frozenset(GO_SPACE)
# The flag reader and HEALTHCHECK test single UTF-8 bytes for IsSpace.
BYTE_SPACE = frozenset("\t\n\v\f\r \x85\xa0")


class BadInstruction(ValueError):
    """An instruction BuildKit refuses; the message is BuildKit's."""


def byte_view(text: str) -> str:
    """One character per UTF-8 byte: Go code that indexes a string sees these bytes (a byte
    that is not UTF-8, held as a surrogate escape in a file read as bytes, is its byte)."""
    return text if text.isascii() else \
        text.encode("utf-8", "surrogateescape").decode("latin-1")


def from_bytes(view: str) -> str:
    return view if view.isascii() else \
        view.encode("latin-1").decode("utf-8", errors="surrogateescape")


def builder_flags(rest: str) -> tuple[str, tuple[str, ...]]:
    """Leading `--name=value` words. BuildKit reads them byte by byte, so a non-ASCII
    flag comes back with each byte as one character (Latin-1); that is kept."""
    if not rest.startswith("--"):
        return rest, ()
    data, pos = byte_view(rest), 0
    flags: list[str] = []
    while True:
        while pos < len(data) and data[pos] in BYTE_SPACE:
            pos += 1
        if pos == len(data):
            return "", tuple(flags)
        if not data.startswith("--", pos):
            return from_bytes(data[pos:]), tuple(flags)
        word, keep, pos = _flag_word(data, pos)
        if word == "--":
            return ("" if pos == len(data) else from_bytes(data[pos:])), tuple(flags)
        if keep:
            flags.append(word)


def _flag_word(data: str, pos: int) -> tuple[str, bool, int]:
    """One flag word from `pos`: (word, whether to keep it, position after it)."""
    chars: list[str] = []
    quote, blank_ok = "", False
    while pos < len(data):
        ch = data[pos]
        if not quote and ch in BYTE_SPACE:
            break
        if not quote and ch in "'\"":
            quote, blank_ok = ch, True
        elif quote and ch == quote:
            quote = ""
        elif ch == "\\":
            if pos + 1 < len(data):
                pos += 1
                chars.append(data[pos])
            else:
                quote = ""
        else:
            chars.append(ch)
        pos += 1
    word = "".join(chars)
    return word, blank_ok or bool(word), pos


def words(rest: str, escape: str) -> list[str]:
    """Quoted words (quotes and escapes kept), as ARG, ENV and LABEL read them."""
    found: list[str] = []
    word: list[str] = []
    quote, blank_ok, in_word, pos, end = "", False, False, 0, len(rest)
    while pos < end:
        ch = rest[pos]
        if not in_word and not quote:
            if ch in _SPACE_SET:
                pos += 1
                continue
            in_word = True
        if not quote and ch in _SPACE_SET:
            if blank_ok or word:
                found.append("".join(word))
            word, blank_ok, in_word = [], False, False
        elif ch == escape and quote != "'":
            if pos + 1 == end:
                quote = ""          # an escape at the very end is dropped
            else:
                word.append(ch + rest[pos + 1])
                pos += 1
        else:
            if quote and ch == quote:
                quote = ""
            elif not quote and ch in "'\"":
                quote, blank_ok = ch, True
            word.append(ch)
        pos += 1
    if (in_word or quote) and (blank_ok or word):
        found.append("".join(word))
    return found


def go_quote(text: str) -> str:
    """Go's %q of a string, for BuildKit's own error messages."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "".join(out) + '"'


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\v": "\\v"}
