"""Where a shell script's text is outside quotes, and which of its lines are comments only,
as the shell reads it."""

from __future__ import annotations

import re
from collections.abc import Generator

from fixer.core.lazyre import lazy_compile

# a line the shell reads as a comment only (a shebang too)
_COMMENT_LINE = lazy_compile(r"^[ \t]*#[^\n]*", re.M)


def without_comment_lines(text: str) -> str:
    """The text with each line that is only a comment emptied, its line break kept: what
    the shell runs of it (`#sleep 60` or `#wait_for_service db 5432`, left from debugging,
    runs nothing)."""
    return _COMMENT_LINE.sub("", text)


def unquoted(text: str) -> Generator[int, int | None, None]:
    """Each offset of `text` outside quotes, in order: `'...'` and `"..."` quote, and a
    backslash escapes the next character (not inside single quotes). Send an offset to go
    on from there (past a comment, or a here-document's body); the text skipped is read as
    unquoted."""
    quote, at = "", 0
    while at < len(text):
        char = text[at]
        if char == "\\" and quote != "'":
            at += 2
        elif quote:
            quote = "" if char == quote else quote
            at += 1
        elif char in "'\"":
            quote = char
            at += 1
        else:
            jump = yield at
            at = at + 1 if jump is None else jump


def go_on(offsets: Generator[int, int | None, None], jump: int | None = None) -> int | None:
    """The next offset of `unquoted`, from `jump` when given; None at the text's end."""
    try:
        return offsets.send(jump)
    except StopIteration:
        return None
