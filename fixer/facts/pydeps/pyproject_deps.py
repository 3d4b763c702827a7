"""Dependencies in pyproject.toml: whether the file declares them itself, the extras and
groups an install may add, the releases its lock file pins, and adding one as text: an
element of PEP 621's `[project] dependencies` array, or a key of Poetry's
`[tool.poetry.dependencies]`, in the file's own layout (one element a line or inline,
quote style, trailing comma).
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.requirements import normalize, parse_requirement

_HEADER = re.compile(r"^[ \t]*\[\[?([^\]]+)\]\]?[ \t]*(?:#[^\n]*)?\r?$", re.M)


def _load(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def static_dependencies(text: str) -> bool:
    """Whether the file declares the project's dependencies itself: a PEP 621 `[project]`
    whose dependencies are not `dynamic` (setup.py or a requirements file would decide
    them), or Poetry's dependencies table."""
    data = _load(text)
    project = data.get("project")
    if isinstance(project, dict):
        return "dependencies" not in (project.get("dynamic") or [])
    return isinstance(data.get("tool", {}).get("poetry", {}).get("dependencies"), dict)


def optional_requirements(text: str,
                          extras: frozenset[str] | None) -> list[tuple[str, frozenset[str]]]:
    """What an install adds to the main dependencies: the named extras (`pip install .[a]`),
    or with None every extra and dependency group (`uv sync`, `poetry install` install
    groups by default and take options fixer does not weigh)."""
    data = _load(text)
    tool = data.get("tool", {})
    specs: list[str] = []
    for name, group in (data.get("project", {}).get("optional-dependencies") or {}).items():
        if extras is None or normalize(name) in extras:
            specs.extend(group)
    if extras is None:
        groups = list((data.get("dependency-groups") or {}).values())
        groups += [tool.get("uv", {}).get("dev-dependencies") or []]
        groups += list((tool.get("pdm", {}).get("dev-dependencies") or {}).values())
        specs.extend(s for group in groups for s in group if isinstance(s, str))
        poetry = tool.get("poetry", {})
        tables = [poetry.get("dev-dependencies")] + \
            [g.get("dependencies") for g in (poetry.get("group") or {}).values()
             if isinstance(g, dict)]
        specs.extend(name for table in tables if isinstance(table, dict) for name in table)
    parsed = (parse_requirement(str(spec)) for spec in specs)
    return [p for p in parsed if p is not None]


def extra_declaring(text: str, name: str) -> tuple[str, str] | None:
    """The first PEP 621 optional extra that declares the normalized project `name`, and its
    requirement line there (`("server", "uvicorn[standard]>=0.29")`)."""
    extras = _load(text).get("project", {}).get("optional-dependencies") or {}
    for extra, specs in extras.items() if isinstance(extras, dict) else ():
        for spec in specs if isinstance(specs, list) else ():
            parsed = parse_requirement(str(spec))
            if parsed is not None and parsed[0] == name:
                return str(extra), str(spec).strip()
    return None


def path_dependency(text: str) -> str | None:
    """The first main dependency installed from a local path, as `name (path)`: Poetry's
    `shared = { path = "../libs/shared" }`, or a PEP 508 `shared @ file:///...` (pdm writes
    `file:///${PROJECT_ROOT}/...`). Its own dependencies (fastapi, say) come with it."""
    data = _load(text)
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies") or {}
    for name, spec in poetry.items() if isinstance(poetry, dict) else ():
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            return f"{name} ({spec['path']})"
    for spec in data.get("project", {}).get("dependencies") or []:
        if isinstance(spec, str) and re.search(r"@\s*file:", spec):
            return spec.split("@", 1)[0].strip()
    return None


_LOCKED: Memo[dict[str, str]] = Memo("locked releases")


def locked_versions(file: TextFile) -> dict[str, str]:
    """The release a lock file pins for each package: poetry.lock, uv.lock and pdm.lock
    all list them as `[[package]]` tables with a `name` and a `version`."""
    return file.derived.get(_LOCKED, lambda: _lock_releases(file.text))


def _lock_releases(text: str) -> dict[str, str]:
    packages = _load(text).get("package")
    if not isinstance(packages, list):
        return {}
    return {normalize(p["name"]): p["version"] for p in packages if isinstance(p, dict)
            and isinstance(p.get("name"), str) and isinstance(p.get("version"), str)}


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


def add_pep621(file: TextFile, requirement: str) -> TextEdit | None:
    text = file.text
    table = _table(text, "project")
    if table is None:
        return None
    match = re.compile(r"^[ \t]*dependencies[ \t]*=[ \t]*\[", re.M).search(text, *table)
    if match is None:
        return None
    elements, close = _elements(text, match.end() - 1)
    if not elements:
        return TextEdit(file.path, match.end(), match.end(), f'"{requirement}"')
    last_start, last_end = elements[-1]
    quote = text[last_start]
    item = f"{quote}{requirement}{quote}"
    if "\n" not in text[match.end():last_start]:   # inline: ["fastapi", "httpx"]
        return TextEdit(file.path, last_end, last_end, f", {item}")
    line_start = text.rfind("\n", 0, last_start) + 1
    indent = text[line_start:last_start]
    comma = re.match(r"[ \t]*,", text[last_end:close])
    newline = file.newline
    after = last_end + comma.end() if comma else last_end
    end = _comment_end(text, after)   # `"aiosmtplib>=3.0",  # mail` keeps its comment
    if comma:
        return TextEdit(file.path, end, end, f"{newline}{indent}{item},")
    return TextEdit(file.path, last_end, end, f",{text[last_end:end]}{newline}{indent}{item}")


def _comment_end(text: str, at: int) -> int:
    """Where the line from `at` ends when all it holds there is blanks and a comment (before
    its line break); `at` otherwise."""
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    if end > at and text[end - 1] == "\r":
        end -= 1
    return end if re.fullmatch(r"[ \t]*(?:#[^\n]*)?", text[at:end]) else at


def add_poetry(file: TextFile, name: str, extras: list[str]) -> TextEdit | None:
    text = file.text
    table = _table(text, "tool.poetry.dependencies")
    if table is None:
        return None
    start, end = table
    body = text[start:end]
    lines = [m for m in re.finditer(r"^[ \t]*[\w\"'.-]+[ \t]*=.*$", body, re.M)]
    if not lines:
        return None
    at = start + lines[-1].end()
    if at > 0 and text[at - 1] == "\r":
        at -= 1
    value = '"*"' if not extras else \
        '{version = "*", extras = [' + ", ".join(f'"{e}"' for e in extras) + "]}"
    return TextEdit(file.path, at, at, f"{file.newline}{name} = {value}")
