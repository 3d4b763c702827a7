"""The releases a lock file pins for what an install takes of its project: the main
dependencies and the extras and dependency groups it selects (`installed_parts`), and what
they depend on. A lock pins every group's packages, but `uv sync --no-dev` installs none of
the `dev` group's. How each lock tells them apart:

- uv.lock: the project's own entry lists its dependencies, `optional-dependencies` and
  `dev-dependencies` by extra and group, and every package its dependencies; the install
  takes what the selected ones reach.
- pdm.lock and Poetry 2's poetry.lock: each package names the groups that need it
  (`groups = ["default"]`, `["main"]`).

Where a lock does not tell (no project entry, a package without its groups), every
package it pins counts, as when the install takes every part.
"""

from __future__ import annotations

import posixpath
import tomllib
from typing import Any

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.installed_parts import EVERY_PART, InstalledParts
from fixer.facts.pydeps.pyproject_deps import locked_versions
from fixer.facts.pydeps.requirements import normalize

_PACKAGES: Memo[list[dict[str, Any]]] = Memo("lock file packages")


def locked_releases(file: TextFile, parts: InstalledParts) -> dict[str, str]:
    """The release the lock file pins for each package the install of `parts` takes."""
    every = locked_versions(file)
    if parts == EVERY_PART:
        return every
    packages = file.derived.get(_PACKAGES, lambda: _packages(file.text))
    if posixpath.basename(file.path) == "uv.lock":
        reached = _uv_reached(packages, parts)
    else:
        reached = _grouped(packages, parts)
    return every if reached is None else {n: v for n, v in every.items() if n in reached}


def _packages(text: str) -> list[dict[str, Any]]:
    try:
        found = tomllib.loads(text).get("package")
    except tomllib.TOMLDecodeError:
        return []
    return [p for p in found if isinstance(p, dict) and isinstance(p.get("name"), str)] \
        if isinstance(found, list) else []


def _uv_reached(packages: list[dict[str, Any]], parts: InstalledParts) -> set[str] | None:
    """The packages the project's selected dependencies reach; None without the project's
    entry (`source = { editable = "." }` or `virtual = "."`)."""
    root = next((p for p in packages if isinstance(p.get("source"), dict) and
                 "." in (p["source"].get("editable"), p["source"].get("virtual"))), None)
    if root is None:
        return None
    by_name: dict[str, list[dict[str, Any]]] = {}
    for package in packages:
        by_name.setdefault(normalize(package["name"]), []).append(package)
    edges = list(_edges(root.get("dependencies")))
    edges += _selected(root.get("optional-dependencies"), parts.extras)
    edges += _selected(root.get("dev-dependencies"), parts.groups)
    seen: dict[str, set[str]] = {}   # package -> its extras followed, "" for its own
    while edges:
        name, extras = edges.pop()
        followed = seen.setdefault(name, set())
        for extra in {"", *map(normalize, extras)} - followed:
            followed.add(extra)
            for package in by_name.get(name, []):
                edges += _selected(package.get("optional-dependencies"), frozenset({extra})) \
                    if extra else _edges(package.get("dependencies"))
    return set(seen)


def _selected(table: object, names: frozenset[str] | None) -> list[tuple[str, list[str]]]:
    """The dependency edges of the named extras or groups of a table (None: all of them)."""
    if not isinstance(table, dict):
        return []
    return [edge for key, entries in table.items()
            if names is None or normalize(str(key)) in names for edge in _edges(entries)]


def _edges(entries: object) -> list[tuple[str, list[str]]]:
    """`[{ name = "uvicorn", extra = ["standard"] }]` as (normalized name, extras)."""
    if not isinstance(entries, list):
        return []
    return [(normalize(e["name"]), [str(x) for x in e.get("extra") or []
                                    if isinstance(x, str)])
            for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]


def _grouped(packages: list[dict[str, Any]], parts: InstalledParts) -> set[str] | None:
    """The packages whose `groups` meet the main ones (`default`, `main`) or a selected
    extra or group; None when a package does not name its groups."""
    if any(not isinstance(p.get("groups"), list) for p in packages):
        return None
    if parts.extras is None or parts.groups is None:
        return None
    wanted = {"default", "main"} | parts.extras | parts.groups
    return {normalize(p["name"]) for p in packages
            if wanted & {normalize(str(g)) for g in p["groups"]}}
