"""Dependencies in pyproject.toml: whether the file declares them itself, the extras and
groups an install may add, its requirement lines, the workspace it is a member of, and the
releases a lock file pins. Adding one as text is `pyproject_edit`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import tomllib
from typing import Any

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.requirements import normalize, parse_requirement
from fixer.facts.pydeps.versions import poetry_specifier

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def _load(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def toml_error(text: str) -> tuple[int, str] | None:
    """Where and why the text is not TOML: (line, tomllib's message); None when it is."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _AT_LINE.search(str(exc))
        return (int(at.group(1)) if at else 1), str(exc)
    return None


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


def requirement_lines(text: str) -> list[str]:
    """The main dependencies as PEP 508 lines: PEP 621's as written, Poetry's version
    constraints turned into PEP 440 (`uvicorn = "^0.30"` is `uvicorn>=0.30,<0.31`); a
    Poetry dependency of several constraints, a path or a URL gives none."""
    data = _load(text)
    lines = [s.strip() for s in data.get("project", {}).get("dependencies") or []
             if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies") or {}
    for name, value in poetry.items() if isinstance(poetry, dict) else ():
        version = value.get("version") if isinstance(value, dict) else value
        extras = value.get("extras", []) if isinstance(value, dict) else []
        if isinstance(version, str) and name != "python":
            shown = f"[{','.join(extras)}]" if extras else ""
            lines.append(f"{name}{shown}{poetry_specifier(version)}")
    return lines


def workspace_includes(text: str, member: str) -> bool:
    """Whether the uv workspace this pyproject.toml declares (`[tool.uv.workspace]`)
    includes the folder `member`, relative to it: a `members` glob matches it and no
    `exclude` glob does."""
    workspace = _load(text).get("tool", {}).get("uv", {}).get("workspace")
    if not isinstance(workspace, dict):
        return False
    return _globbed(workspace.get("members"), member) and \
        not _globbed(workspace.get("exclude"), member)


def _globbed(globs: object, folder: str) -> bool:
    return isinstance(globs, list) and any(
        isinstance(g, str) and fnmatch.fnmatchcase(folder, posixpath.normpath(g)) for g in globs)


_FOLDERS: Memo[set[str]] = Memo("locked local folders")


def locked_folders(file: TextFile) -> set[str]:
    """The local folders a lock file installs projects from, relative to it: uv.lock's
    workspace members and path dependencies (`source = { editable = "services/orders" }`),
    poetry.lock's `directory` sources."""
    return file.derived.get(_FOLDERS, lambda: _local_sources(file.text))


def _local_sources(text: str) -> set[str]:
    found: set[str] = set()
    for package in _load(text).get("package") or []:
        source = package.get("source") if isinstance(package, dict) else None
        if not isinstance(source, dict):
            continue
        for key in ("editable", "virtual", "directory", "path"):
            if isinstance(source.get(key), str):
                found.add(posixpath.normpath(source[key]))
        if source.get("type") == "directory" and isinstance(source.get("url"), str):
            found.add(posixpath.normpath(source["url"]))
    return found
