"""Python requirements a service declares, and the edit that declares one more.

Sources: requirements files (with their `-r` includes) and pyproject.toml (PEP 621
`[project] dependencies`, Poetry `[tool.poetry.dependencies]`). Names compare
PEP 503-normalized; extras, markers and versions do not matter for matching.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import tomllib
from dataclasses import dataclass

from fixer.edits import TextEdit
from fixer.textfile import TextFile

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")


def normalize(name: str) -> str:
    """PEP 503: `Uvicorn_Worker` and `uvicorn.worker` are `uvicorn-worker`."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    name: str                     # normalized
    extras: frozenset[str]
    start: int                    # the line's offset in its file
    text: str                     # the line as written (continuations joined)


def parse_requirement(spec: str) -> tuple[str, frozenset[str]] | None:
    """`uvicorn[standard]>=0.29 ; python_version > "3.8"` -> ("uvicorn", {"standard"})."""
    if re.match(r"^\s*[\w.+-]+://", spec):   # a bare URL names no project
        return None
    match = _NAME.match(spec)
    if match is None:
        return None
    extras = match.group(2) or ""
    names = frozenset(normalize(e) for e in extras.strip("[]").split(",") if e.strip())
    return normalize(match.group(1)), names


def requirements_lines(text: str) -> tuple[list[Requirement], list[str]]:
    """The requirements of a requirements file, and the files it includes with `-r`."""
    found: list[Requirement] = []
    includes: list[str] = []
    offset = 0
    for raw in re.split(r"(?<=\n)", text):
        start, offset = offset, offset + len(raw)
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        option = re.match(r"^(-r|--requirement)(?:\s+|=)(\S+)", line)
        if option:
            includes.append(option.group(2))
            continue
        egg = _EGG.search(raw)
        if line.startswith("-e") and egg:
            found.append(Requirement(normalize(egg.group(1)), frozenset(), start, line))
            continue
        if line.startswith("-"):
            continue
        parsed = parse_requirement(line)
        if parsed is not None:
            found.append(Requirement(parsed[0], parsed[1], start, line))
    return found, includes


def include_path(owner: str, included: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), included))


def pyproject_requirements(text: str) -> tuple[list[tuple[str, frozenset[str]]], str | None]:
    """(requirements, "pep621" | "poetry" | None: which table an addition goes to)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return [], None
    out: list[tuple[str, frozenset[str]]] = []
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies")
    if isinstance(project, dict):
        for spec in project.get("dependencies") or []:
            parsed = parse_requirement(str(spec))
            if parsed is not None:
                out.append(parsed)
    if isinstance(poetry, dict):
        for name, value in poetry.items():
            extras = value.get("extras", []) if isinstance(value, dict) else []
            out.append((normalize(name), frozenset(normalize(e) for e in extras)))
    if isinstance(project, dict) and "dependencies" in project:
        return out, "pep621"
    if isinstance(poetry, dict):
        return out, "poetry"
    return out, None


def add_to_requirements(file: TextFile, line: str) -> TextEdit:
    """A new requirement line: at its sorted place when the file's names are sorted,
    else at the end (a file without a final newline keeps that)."""
    text, newline = file.text, file.newline
    entries, _ = requirements_lines(text)
    names = [e.name for e in entries]
    parsed = parse_requirement(line)
    name = parsed[0] if parsed else normalize(line)
    if len(names) > 1 and names == sorted(names):
        position = bisect.bisect(names, name)
        if position < len(entries):
            at = entries[position].start
            return TextEdit(file.path, at, at, line + newline)
    end = len(text)
    if not text:
        return TextEdit(file.path, 0, 0, line + newline)
    if text.endswith("\n"):
        return TextEdit(file.path, end, end, line + newline)
    return TextEdit(file.path, end, end, newline + line)
