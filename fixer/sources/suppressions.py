"""`# fixer: ignore[CODE,...]` comments: where they are and what they cover.

A comment covers a finding on its own line, or on the next line when the comment stands
alone on its line. Codes may be prefixes (`ignore[P]`) or ALL, as in --ignore. In Python
files only real comments count (tokenize); in compose files and the rest, a `#` at the start
of a line or after a blank. In Dockerfiles only a comment alone on its line counts: Docker
reads a `#` after an instruction as its argument (`EXPOSE 8000 # ...` fails the build), so
such text is no comment and suppresses nothing. What they suppress is the engine's business
(`engine/suppress.py`); a rule asks too, before its fix does another rule's change
(`model/optout.py`).
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile, is_dockerfile

_DIRECTIVE = lazy_compile(r"#\s*fixer:\s*ignore\[([^\]]*)\]")
_TEXT_COMMENT = lazy_compile(r"(?:^|(?<=\s))#\s*fixer:\s*ignore\[([^\]]*)\]")
_MARKER = "fixer:"


@dataclass(frozen=True)
class Suppression:
    """One `# fixer: ignore[...]` comment."""

    path: str
    line: int
    column: int            # 1-based column of the `#`
    codes: tuple[str, ...]
    own_line: bool         # nothing but the comment on its line: it also covers the next line

    def covers_line(self, line: int) -> bool:
        return line == self.line or (self.own_line and line == self.line + 1)

    def code_for(self, path: str, line: int, code: str) -> str | None:
        """The listed code (or prefix) that matches a finding of `code` at `path:line`, when
        the line is covered."""
        if path != self.path or not self.covers_line(line):
            return None
        return next((c for c in self.codes if c == "ALL" or code.startswith(c)), None)


def _codes(listed: str) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in listed.split(",") if c.strip())


def _python_comments(file: TextFile) -> Iterator[Suppression]:
    lines = file.text.split("\n")  # numbered as tokenize and TextFile.line_of count them
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(file.text).readline))
    except (tokenize.TokenError, SyntaxError):  # broken Python: fall back to the text scan
        yield from _text_comments(file)
        return
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.match(token.string)
        if match:
            row, col = token.start
            own = not lines[row - 1][:col].strip() if row <= len(lines) else False
            yield Suppression(file.path, row, col + 1, _codes(match.group(1)), own)


def _text_comments(file: TextFile, own_line_only: bool = False) -> Iterator[Suppression]:
    for number, line in enumerate(file.text.split("\n"), start=1):
        match = _TEXT_COMMENT.search(line)
        if match:
            own = not line[:match.start()].strip()
            if own or not own_line_only:
                yield Suppression(file.path, number, match.start() + 1, _codes(match.group(1)),
                                  own)


def comments(file: TextFile) -> list[Suppression]:
    """The suppression comments of a file (cheap when it has none)."""
    if _MARKER not in file.text:
        return []
    if file.path.endswith(".py"):
        return list(_python_comments(file))
    return list(_text_comments(file, own_line_only=is_dockerfile(file.path)))
