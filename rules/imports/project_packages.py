"""The top-level packages of the repository's library projects (I003's other place to look).

A project folder holds a `pyproject.toml` or `setup.py`; its packages sit beside it (flat
layout, `libs/common/common/`) or in its `src/` folder. A service that imports one needs the
project installed or copied: the folder above the service is not where it lives. Only a
project pip can install (`installable`) is worth suggesting to install.
"""

from __future__ import annotations

import posixpath
import tomllib
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.core.tree_index import files_under, named_under
from fixer.model.workspace import Workspace

_MANIFESTS = ("pyproject.toml", "setup.py")


class ProjectPackage(NamedTuple):
    project: str   # the project folder
    package: str   # the package folder, or the module file


# per tree: top-level name -> where projects hold it, in path order
_PACKAGES: Memo[dict[str, list[ProjectPackage]]] = Memo("packages of library projects")


def project_packages(tree: Tree, top: str) -> list[ProjectPackage]:
    """The projects' packages or modules named `top`, in path order."""
    return tree.derived.get(_PACKAGES, lambda: _index(tree)).get(top, [])


def _index(tree: Tree) -> dict[str, list[ProjectPackage]]:
    projects = sorted({posixpath.dirname(p) for name in _MANIFESTS
                       for p in named_under(tree, "", name)} - {""})
    index: dict[str, list[ProjectPackage]] = {}
    seen: set[str] = set()
    for project in projects:
        for path in files_under(tree, project):
            found = _package_of(project, path)
            if found is not None and found.package not in seen:
                seen.add(found.package)
                index.setdefault(found.top, []).append(ProjectPackage(project, found.package))
    return index


class _Named(NamedTuple):
    top: str
    package: str


def _package_of(project: str, path: str) -> _Named | None:
    """The top-level package or module of the project that the Python file `path` is in
    (directly below the project folder or its `src/`)."""
    if not path.endswith(".py"):
        return None
    parts = path[len(project) + 1:].split("/")
    base = project
    if parts[0] == "src" and len(parts) > 1:
        parts, base = parts[1:], posixpath.join(project, "src")
    if len(parts) == 1:   # a module beside the manifest (setup.py itself is none)
        name = parts[0][:-3]
        return None if name == "setup" or not name.isidentifier() else \
            _Named(name, posixpath.join(base, parts[0]))
    return _Named(parts[0], posixpath.join(base, parts[0])) if parts[0].isidentifier() \
        else None


# `name="acme-common"` in a setup.py's `setup(...)` call
_SETUP_NAME = lazy_compile(r"""\bname\s*=\s*["']([A-Za-z0-9][\w.-]*)["']""")


def project_names(ws: Workspace, folder: str) -> list[str]:
    """The distribution names the project in `folder` declares: pyproject.toml's
    `[project]` or `[tool.poetry]` name, setup.py's `name=`."""
    data = _pyproject(ws, folder)
    names = [n for n in (_dig(data, "project", "name"), _dig(data, "tool", "poetry", "name"))
             if isinstance(n, str)]
    setup = ws.read(posixpath.join(folder, "setup.py"))
    found = _SETUP_NAME.search(setup.text) if setup is not None else None
    return names + ([found.group(1)] if found else [])


def installable(ws: Workspace, folder: str) -> bool:
    """Whether the project in `folder` is a package pip can install: it has a setup.py, or
    its pyproject.toml has a `[build-system]` or a `[project]` table (pip builds the latter
    with setuptools' legacy backend). A Poetry project with `package-mode = false` declares
    it is none; a pyproject.toml with neither table (only `[tool.black]`) describes no
    package: pip would build whatever setuptools' automatic discovery guesses, under a
    guessed name. Setuptools' discovery refusing a flat layout is not judged here."""
    if ws.tree.exists(posixpath.join(folder, "setup.py")):
        return True
    data = _pyproject(ws, folder)
    if _dig(data, "tool", "poetry", "package-mode") is False:
        return False
    return any(isinstance(data.get(table), dict) for table in ("build-system", "project"))


def _pyproject(ws: Workspace, folder: str) -> dict[str, object]:
    """The pyproject.toml of `folder`, parsed; empty when it has none or it does not parse
    (pip cannot build from a file it cannot read either)."""
    file = ws.read(posixpath.join(folder, "pyproject.toml"))
    try:
        return tomllib.loads(file.text) if file is not None else {}
    except tomllib.TOMLDecodeError:
        return {}


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
