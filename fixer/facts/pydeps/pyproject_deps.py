"""Dependencies in pyproject.toml: whether the file declares them itself, the extras and
groups an install may add, its requirement lines, the workspace it is a member of, and the
releases a lock file pins. Adding one as text is `pyproject_edit`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import tomllib
from collections.abc import Callable
from typing import Any

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.requirements import normalize, parse_requirement
from fixer.facts.pydeps.versions import poetry_specifier

_AT_LINE = lazy_compile(r"\(at line (\d+), column \d+\)")


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


def optional_requirements(text: str, extras: frozenset[str] | None,
                          groups: frozenset[str] | None) -> list[tuple[str, frozenset[str]]]:
    """What an install adds to the main dependencies: the named extras (`pip install .[a]`)
    and dependency groups (normalized names), None for every one of them (an install whose
    options fixer cannot read)."""
    specs = [spec for name, lines in optional_dependencies(text).items()
             if extras is None or name in extras for spec in lines]
    specs += [spec for name, lines in dependency_groups(text).items()
              if groups is None or name in groups for spec in lines]
    parsed = (parse_requirement(spec) for spec in specs)
    return [p for p in parsed if p is not None]


def optional_dependencies(text: str) -> dict[str, list[str]]:
    """PEP 621 extras (`[project.optional-dependencies]`): each one's requirement lines, by
    normalized name, with the lines of the project's own extras it names (`all =
    ["classifier[gpu,serve]"]` in the project `classifier`, which pip resolves from 21.2 on)."""
    project = _load(text).get("project", {})
    extras = project.get("optional-dependencies")
    by_name = {normalize(str(name)): _strings(lines)
               for name, lines in (extras.items() if isinstance(extras, dict) else ())}
    own = normalize(str(project.get("name", "")))

    def own_extras(entry: object) -> list[str] | None:
        parsed = parse_requirement(entry) if isinstance(entry, str) and own else None
        return sorted(parsed[1]) if parsed is not None and parsed[0] == own else None
    return {name: _expanded(by_name, name, own_extras) for name in by_name}


def dependency_groups(text: str) -> dict[str, list[str]]:
    """Each dependency group's requirement lines, by normalized name: PEP 735
    `[dependency-groups]` (an `{include-group = ...}` entry brings that group's lines),
    pdm's `[tool.pdm.dev-dependencies]`, Poetry's `[tool.poetry.group.NAME.dependencies]`
    (Poetry's constraints turned into PEP 440), and the `dev` group of uv's and Poetry's
    `dev-dependencies`."""
    data = _load(text)
    tool = data.get("tool", {})
    found: dict[str, list[str]] = {}
    standard = data.get("dependency-groups")
    by_name = {normalize(str(k)): v for k, v in standard.items()} \
        if isinstance(standard, dict) else {}
    for name in by_name:
        found.setdefault(name, []).extend(_expanded(by_name, name, _included_group))
    if "dev-dependencies" in tool.get("uv", {}):
        found.setdefault("dev", []).extend(_strings(tool["uv"]["dev-dependencies"]))
    pdm = tool.get("pdm", {}).get("dev-dependencies")
    for name, lines in pdm.items() if isinstance(pdm, dict) else ():
        found.setdefault(normalize(str(name)), []).extend(_strings(lines))
    poetry = tool.get("poetry", {})
    tables = [("dev", poetry.get("dev-dependencies"))] + \
        [(str(name), group.get("dependencies")) for name, group in
         (poetry.get("group") or {}).items() if isinstance(group, dict)]
    for name, table in tables:
        if isinstance(table, dict):
            found.setdefault(normalize(name), []).extend(
                _poetry_line(key, value) for key, value in table.items() if key != "python")
    return found


def optional_groups(text: str) -> set[str]:
    """Poetry's groups marked `optional = true`: `poetry install` leaves them out unless
    `--with` names them."""
    groups = _load(text).get("tool", {}).get("poetry", {}).get("group") or {}
    return {normalize(str(name)) for name, group in groups.items()
            if isinstance(group, dict) and group.get("optional") is True}


def uv_default_groups(text: str) -> list[str] | str | None:
    """The groups `uv sync` installs unless told otherwise (`[tool.uv] default-groups`): a
    list of normalized names, or "all"; `["dev"]` when unset; None when it is neither."""
    value = _load(text).get("tool", {}).get("uv", {}).get("default-groups", ["dev"])
    if value == "all":
        return "all"
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return [normalize(name) for name in value]
    return None


def _expanded(parts: dict[str, Any], name: str, includes: Callable[[object], list[str] | None],
              seen: frozenset[str] = frozenset()) -> list[str]:
    """The requirement lines of an extra or a dependency group, with those of the parts its
    entries include (`includes`: the normalized names an entry includes, None for a
    requirement line). A cycle (an error to uv and pdm, resolved by pip) stops here."""
    lines: list[str] = []
    for entry in parts.get(name) or [] if name not in seen else []:
        included = includes(entry)
        if included is not None:
            for part in included:
                lines += _expanded(parts, part, includes, seen | {name})
        elif isinstance(entry, str):
            lines.append(entry)
    return lines


def _included_group(entry: object) -> list[str] | None:
    """The group a PEP 735 `{include-group = "NAME"}` entry includes."""
    if isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
        return [normalize(entry["include-group"])]
    return None


def _strings(lines: object) -> list[str]:
    return [line for line in lines if isinstance(line, str)] if isinstance(lines, list) else []


def _poetry_line(name: str, value: object) -> str:
    """A Poetry dependency as a PEP 508 line: `uvicorn = {version = "^0.30", extras =
    ["standard"]}` is `uvicorn[standard]>=0.30,<0.31`; only the name for a path, a URL or
    several constraints."""
    version = value.get("version") if isinstance(value, dict) else value
    extras = value.get("extras") if isinstance(value, dict) else None
    shown = f"[{','.join(map(str, extras))}]" if isinstance(extras, list) and extras else ""
    return f"{name}{shown}{poetry_specifier(version) if isinstance(version, str) else ''}"


def optional_declaring(text: str, name: str) -> tuple[str, str] | None:
    """Where the file declares the normalized project `name` outside its main dependencies,
    as words for a message, and its requirement line there: the first PEP 621 optional extra
    (`("the optional extra `server`", "uvicorn[standard]>=0.29")`), else the first
    dependency group (`the dependency group `dev``)."""
    for kind, parts in (("optional extra", optional_dependencies(text)),
                        ("dependency group", dependency_groups(text))):
        for part, specs in parts.items():
            for spec in specs:
                parsed = parse_requirement(spec)
                if parsed is not None and parsed[0] == name:
                    return f"the {kind} `{part}`", spec.strip()
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
        if isinstance(version, str) and name != "python":
            lines.append(_poetry_line(name, value))
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
