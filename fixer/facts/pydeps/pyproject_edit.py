"""Adding a dependency to pyproject.toml as text: an element of PEP 621's `[project]
dependencies` array, or a key of Poetry's `[tool.poetry.dependencies]`, in the file's own
layout (one element a line or inline, quote style, trailing comma). An edit is offered only
when the file it makes is TOML that declares the package: no edit otherwise.
"""

from __future__ import annotations

import re
import tomllib

from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.requirements import parse_requirement, pyproject_requirements

_HEADER = lazy_compile(r"^[ \t]*\[\[?([^\]]+)\]\]?[ \t]*(?:#[^\n]*)?\r?$", re.M)
# a key and its `=`: bare, quoted or dotted (`numpy`, `"zope.interface"`, `a.b`)
_PART = r"""(?:[\w-]+|"[^"\n]*"|'[^'\n]*')"""
_KEY = lazy_compile(rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*[ \t]*=[ \t]*")
_BETWEEN_KEYS = lazy_compile(r"(?:\s+|#[^\n]*)*")

# what an addition replaces and writes: (start, end, text) of the file's text; a plan, not
# an edit (`fixer check` builds none: the rule wraps it in one when its fix is built)
Insertion = tuple[int, int, str]


def _table(text: str, name: str) -> tuple[int, int] | None:
    """(start, end) of a table's body: after its header line, up to the next header."""
    headers = list(_HEADER.finditer(text))
    for index, header in enumerate(headers):
        if header.group(1).strip().replace(" ", "") == name:
            end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
            return header.end(), end
    return None


def _elements(text: str, open_at: int) -> tuple[list[tuple[int, int]], int]:
    """String elements of the array opening at `open_at`, and its closing bracket."""
    elements: list[tuple[int, int]] = []
    i = open_at + 1
    while i < len(text):
        char = text[i]
        if char in "\"'":
            close = text.find(char, i + 1)
            while close > 0 and char == '"' and text[close - 1] == "\\":
                close = text.find(char, close + 1)
            if close < 0:
                break
            elements.append((i, close + 1))
            i = close + 1
        elif char == "#":
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif char == "]":
            return elements, i
        else:
            i += 1
    raise ValueError("unterminated dependencies array")


def pep621_insertion(file: TextFile, requirement: str) -> Insertion | None:
    """`requirement` as a new element of `[project] dependencies`."""
    return _checked(file, _pep621_edit(file, requirement), requirement)


def _pep621_edit(file: TextFile, requirement: str) -> Insertion | None:
    text = file.text
    table = _table(text, "project")
    if table is None:
        return None
    match = re.compile(r"^[ \t]*dependencies[ \t]*=[ \t]*\[", re.M).search(text, *table)
    if match is None:
        return None
    elements, close = _elements(text, match.end() - 1)
    if not elements:
        return match.end(), match.end(), f'"{requirement}"'
    last_start, last_end = elements[-1]
    quote = text[last_start]
    item = f"{quote}{requirement}{quote}"
    if "\n" not in text[match.end():last_start]:   # inline: ["fastapi", "httpx"]
        return last_end, last_end, f", {item}"
    line_start = text.rfind("\n", 0, last_start) + 1
    indent = text[line_start:last_start]
    comma = re.match(r"[ \t]*,", text[last_end:close])
    newline = file.newline
    after = last_end + comma.end() if comma else last_end
    end = _comment_end(text, after)   # `"aiosmtplib>=3.0",  # mail` keeps its comment
    if comma:
        return end, end, f"{newline}{indent}{item},"
    return last_end, end, f",{text[last_end:end]}{newline}{indent}{item}"


def _comment_end(text: str, at: int) -> int:
    """Where the line from `at` ends when all it holds there is blanks and a comment (before
    its line break); `at` otherwise."""
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    if end > at and text[end - 1] == "\r":
        end -= 1
    return end if re.fullmatch(r"[ \t]*(?:#[^\n]*)?", text[at:end]) else at


def poetry_insertion(file: TextFile, name: str, extras: list[str]) -> Insertion | None:
    """`name = "*"` (with its extras) as a new key of `[tool.poetry.dependencies]`, on the
    line after the whole value of its last key, which may span lines (a list of
    constraints, a multi-line string)."""
    text = file.text
    table = _table(text, "tool.poetry.dependencies")
    at = _last_value_end(text, *table) if table else None
    if at is None:
        return None
    value = '"*"' if not extras else \
        '{version = "*", extras = [' + ", ".join(f'"{e}"' for e in extras) + "]}"
    return _checked(file, (at, at, f"{file.newline}{name} = {value}"), name)


def _last_value_end(text: str, start: int, end: int) -> int | None:
    """The end (before its line break) of the line where the table body's last value ends;
    None when the body holds no key, or what fixer does not read as one."""
    last: int | None = None
    at = _next_key(text, start, end)
    while at < end:
        key = _KEY.match(text, at, end)
        if key is None:
            return None
        last = _value_line_end(text, key.end())
        at = _next_key(text, last, end)
    return last


def _next_key(text: str, at: int, end: int) -> int:
    """Past the blank lines and comments from `at`."""
    blanks = _BETWEEN_KEYS.match(text, at, end)
    return blanks.end() if blanks else at


def _value_line_end(text: str, at: int) -> int:
    """The end (before `\r\n` or `\n`) of the line on which the TOML value starting at
    `at` ends: strings and brackets may carry it over lines, a comment never ends it."""
    depth = 0
    while at < len(text):
        char = text[at]
        if char in "\"'":
            at = _string_end(text, at)
        elif char in "[{":
            depth, at = depth + 1, at + 1
        elif char in "]}":
            depth, at = depth - 1, at + 1
        elif char == "#":
            newline = text.find("\n", at)
            at = len(text) if newline < 0 else newline
        elif char == "\n" and depth <= 0:
            break
        else:
            at += 1
    return at - 1 if at > 0 and text[at - 1] == "\r" else at


def _string_end(text: str, at: int) -> int:
    """Past the closing quote of the string opening at `at`: basic or literal, on one line
    or (tripled quotes) over several; a basic string's `\\"` does not close it."""
    quote = text[at] * 3 if text.startswith(text[at] * 3, at) else text[at]
    at += len(quote)
    while at < len(text):
        if quote[0] == '"' and text[at] == "\\":
            at += 2
        elif text.startswith(quote, at):
            return at + len(quote)
        else:
            at += 1
    return at


def _checked(file: TextFile, insertion: Insertion | None,
             requirement: str) -> Insertion | None:
    """The insertion when the file it makes is TOML that declares the requirement's
    project; None otherwise (a layout fixer misread must not break the file)."""
    parsed = parse_requirement(requirement)
    if insertion is None or parsed is None:
        return None
    start, end, written = insertion
    text = file.text[:start] + written + file.text[end:]
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return insertion if any(r[0] == parsed[0] for r in pyproject_requirements(text)[0]) \
        else None
