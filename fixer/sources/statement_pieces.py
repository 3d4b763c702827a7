"""Rewriting statements of a Python file one at a time instead of the whole module.

A libcst rewrite of a module parses, walks and writes back every node of it, though a fix
changes a few statements (I002 and I001 change relative imports): some 20 ms a module,
22 s for 1,000 modules. A statement that stands alone on its lines (nothing before it on its
first line, nothing but a `;` or a comment after it on its last) can be rewritten as a
module of its own: its lines, verbatim, behind one line that gives them their context, a
blank line or, for an indented statement, `if True:` (its block). libcst sees the same
tokens, columns and line breaks there as in the whole module, so it writes the same text.

Where any statement asked for does not stand alone, or a piece does not parse on its own,
the caller rewrites the whole module, as before.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from fixer.sources.python import LineIndex

# what may follow a statement on its last line: a `;` closing it, a comment, the line break
_AFTER = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\r\n]*)?(?:\r\n|\r|\n)?")
# the first line break of a text: the one libcst takes for the module's own
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


class Piece(NamedTuple):
    """A statement's lines: `start` and `end` offsets in the text, `line` its first line."""

    start: int
    end: int
    line: int


def pieces(text: str, nodes: Sequence[ast.stmt]) -> list[Piece] | None:
    """The lines of each statement, in order; None where one shares a line with other code
    (`x = 1; from . import y`, `try: from . import y`) or two share lines."""
    if _LONE_CR.search(text):
        return None   # old Mac line breaks: the whole module is rewritten, as it was
    lines = LineIndex(text)   # a line ends at `\n` alone now, as `ast` counts them
    found: list[Piece] = []
    for node in nodes:
        end_line, end_col = node.end_lineno, node.end_col_offset
        if end_line is None or end_col is None:
            return None
        first = lines.starts[node.lineno - 1]
        if text[first:lines.offset(node.lineno, node.col_offset)].strip(" \t\f"):
            return None   # a `try:` or an `else:` before it on its line
        after = _AFTER.match(text, lines.offset(end_line, end_col))
        if after is None or after.end() != lines.line_end(end_line):
            return None   # another statement after it on its last line
        if found and found[-1].end > first:
            return None
        found.append(Piece(first, after.end(), node.lineno))
    return found


def rewrite(text: str, found: Sequence[Piece],
            rewrite_one: Callable[[str, int], str | None]) -> str | None:
    """The text with each piece rewritten by `rewrite_one(module, offset)` (the module: the
    piece behind its context line; `offset`: what to add to a line of that module for the
    line of the text), the context line taken off again; None where one could not be."""
    newline = (_NEWLINE.search(text) or _NEWLINE.search("\n"))
    assert newline is not None
    for piece in reversed(found):
        source = text[piece.start:piece.end]
        context = ("if True:" if source[:1] in (" ", "\t", "\f") else "") + newline.group()
        out = rewrite_one(context + source, piece.line - 2)
        if out is None or not out.startswith(context):
            return None
        text = text[:piece.start] + out[len(context):] + text[piece.end:]
    return text
