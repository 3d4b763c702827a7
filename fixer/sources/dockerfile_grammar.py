"""Dockerfile text into instructions with their line spans, read as BuildKit reads it.

Physical lines are split on "\\n" only (a "\\r" before it is dropped). Parser directives
(`# syntax=`, `# escape=`) count only in the comment block at the top. An instruction
continues while its line ends with the escape character (trailing spaces and tabs
allowed); comment lines and blank lines inside a continuation are skipped but belong to
the instruction's span. A shell-form RUN, COPY or ADD that opens heredocs also spans
their bodies, up to each terminator line. The values of one instruction are split in
`dockerfile_args`; heredoc words are found in `dockerfile_heredoc`.
"""

from __future__ import annotations

from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.sources.dockerfile_args import may_hold_heredoc, parse_line
from fixer.sources.dockerfile_heredoc import Heredoc, heredocs
from fixer.sources.dockerfile_words import GO_SPACE, BadInstruction

# BuildKit's scanner refuses a line longer than this many bytes (UTF-8).
MAX_LINE_BYTES = 65535
_DIRECTIVE = lazy_compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)"
                          r"[\t\n\f\r ]*\Z")
_DIRECTIVES = ("syntax", "escape")


class RawInstruction(NamedTuple):
    cmd: str                  # as written
    flags: tuple[str, ...]
    values: tuple[str, ...]
    json: bool
    line: int                 # 1-based first line
    end_line: int             # last line, heredoc bodies included


class BadDockerfile(ValueError):
    """Text BuildKit refuses: its message and the line it is about."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read(text: str) -> list[RawInstruction]:
    """The instructions of a Dockerfile; BadDockerfile where BuildKit refuses the text."""
    lines, too_long = _physical_lines(text)
    found = _Reader(lines, _escape(lines)).instructions()
    if not found:
        raise BadDockerfile("file with no instructions", max(len(lines), 1))
    if too_long:
        raise BadDockerfile(f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}",
                            len(lines) + 1)
    return found


def _physical_lines(text: str) -> tuple[list[str], bool]:
    """The lines BuildKit reads, and whether it stopped at one that is too long."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    too_long = False
    # A cheap bound first: a UTF-8 character takes at most 4 bytes.
    if max(map(len, lines), default=0) > MAX_LINE_BYTES // 4:
        for index, line in enumerate(lines):
            if len(line.encode("utf-8", "surrogateescape")) > MAX_LINE_BYTES:
                lines, too_long = lines[:index], True
                break
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines, too_long


def _escape(lines: list[str]) -> str:
    """The escape character the directive block at the top sets (backslash by default)."""
    escape, seen = "\\", set()
    for number, line in enumerate(lines, 1):
        match = _DIRECTIVE.match(line.rstrip("\r").lstrip(GO_SPACE))
        if match is None or match.group(1).lower() not in _DIRECTIVES:
            break
        name, value = match.group(1).lower(), match.group(2)
        if name in seen:
            raise BadDockerfile(f"only one {name} parser directive can be used", number)
        seen.add(name)
        if name == "escape":
            if value not in ("`", "\\"):
                raise BadDockerfile(f"invalid escape token '{value}' does not match ` or \\",
                                    number)
            escape = value
    return escape


def _continued(line: str, escape: str) -> tuple[str, bool]:
    """The line without its continuation character, and whether it had one. An escaped
    escape character at the end (`\\\\`) is no continuation."""
    stripped = line.rstrip(" \t")
    if stripped.endswith(escape) and (len(stripped) == 1 or stripped[-2] != escape):
        return stripped[:-1], True
    return line, False


class _Reader:
    def __init__(self, lines: list[str], escape: str) -> None:
        self.lines = lines
        self.escape = escape
        self.index = 0          # lines read so far: the 1-based number of the last one

    def instructions(self) -> list[RawInstruction]:
        found: list[RawInstruction] = []
        while self.index < len(self.lines):
            first = self.lines[self.index].rstrip("\r").lstrip(GO_SPACE)
            self.index += 1
            start = self.index
            line, continued = _continued("" if first.startswith("#") else first, self.escape)
            if continued:
                line = self._join(line)
            elif not line:
                continue        # a blank line, a comment or a parser directive
            found.append(self._instruction(line, start))
        return found

    def _join(self, line: str) -> str:
        """Append continuation lines (their leading whitespace kept) up to one without the
        escape character; comment and blank lines in between are skipped."""
        continued = True
        while continued and self.index < len(self.lines):
            raw = self.lines[self.index].rstrip("\r")
            self.index += 1
            content = raw.lstrip(GO_SPACE)
            if not content or content.startswith("#"):
                continue
            part, continued = _continued(raw, self.escape)
            line += part
        return line

    def _instruction(self, line: str, start: int) -> RawInstruction:
        try:
            parsed = parse_line(line, self.escape)
            docs = heredocs(line) if may_hold_heredoc(parsed) else []
        except BadInstruction as exc:
            raise BadDockerfile(str(exc), start) from None
        for doc in docs:
            self._skip_body(doc, start)
        target = parsed.effective
        return RawInstruction(parsed.cmd, parsed.flags, target.values, target.json,
                              start, self.index)

    def _skip_body(self, doc: Heredoc, start: int) -> None:
        while self.index < len(self.lines):
            candidate = self.lines[self.index].rstrip("\r")
            self.index += 1
            if (candidate.lstrip("\t") if doc.chomp else candidate) == doc.name:
                return
        raise BadDockerfile("unterminated heredoc", start)
