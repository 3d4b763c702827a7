"""Rule text (messages, fix titles, reasons) made safe to put into markdown."""

from __future__ import annotations

import re

from fixer.core.lazyre import lazy_compile

_CODE_SPAN = lazy_compile(r"(`+)(?:.+?)\1", re.S)
_ALWAYS = {"\\": "\\\\", "*": "\\*", "<": "\\<", ">": "\\>", "[": "\\[", "]": "\\]"}


def inline(text: str) -> str:
    """`text` as literal markdown: `code spans` kept, emphasis and HTML characters escaped.
    An underscore inside a word (`gateway_service`) never starts emphasis on GitHub, so it
    stays as it is; one at a word's edge (`__init__.py`) is escaped."""
    out, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_escape(text[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    chars = []
    for index, char in enumerate(text):
        if char == "_":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            chars.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            chars.append(_ALWAYS.get(char, char))
    return "".join(chars)
