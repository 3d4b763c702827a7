"""What tells that a namespace package is spread over several folders (S002).

A folder without `__init__.py` is one portion of a namespace package: Python merges every
folder of that name on `sys.path` into it. Two things show that the code relies on that:
a module of the package named in the code (an import, or the literal prefix of a name
`import_module` gets built at run time) that the folder does not hold, and another folder
of the repository named like the package that the image puts on the import path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from itertools import chain
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.lazyre import lazy_compile
from fixer.model import appmodule
from fixer.model.image_paths import image_path_of, locate, workdir
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.python_modules import imported_in_text


class NamedModule(NamedTuple):
    """A module of the package that the code names."""

    parts: list[str]   # the dotted name as written, split: ["acme", "plugins", "billing"]
    built: bool        # the literal prefix of a name built at run time (`f"acme.plugins.{x}"`)


class Portion(NamedTuple):
    """Another folder of the repository that the container has on the import path under the
    package's name: part of the same namespace."""

    folder: str            # in the repository: `api/extensions/app`
    in_image: str          # where the container has it: `/code/extensions/app`
    on_python_path: bool   # below a PYTHONPATH entry (else the import root or site-packages)


# A module name built at run time from a literal prefix: `f"acme.plugins.{name}"`,
# `"acme.plugins." + name`, `"acme.plugins.%s" % name`, `"acme.plugins.{}".format(name)`.
# Only the parts before the last dot of the literal are whole names.
_BUILT = r"[fFrR]{0,2}[\"']([A-Za-z_][\w.]*)\.(?:\{|%|[\"'][ \t]*\+)"
# ... given to import_module or __import__ directly, or assigned to a name first
_BUILT_CALL = lazy_compile(r"\b(?:import_module|__import__)\(\s*" + _BUILT)
_BUILT_ASSIGNED = lazy_compile(r"^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*" + _BUILT, re.M)
_CALLED_WITH_NAME = lazy_compile(r"\b(?:import_module|__import__)\(\s*(\w+)\s*[,)]")

# folders where pip installs packages: on the import path of the image's Python
_SITE_FOLDERS = frozenset({"site-packages", "dist-packages"})
_FILES_TRIED = 20   # files of a folder read for where the image has it (an ignore file drops some)


def modules_named(text: str, package: str) -> list[NamedModule]:
    """The modules below the package that the text names: each import as written (`from
    acme.billing import x`, `importlib.import_module("acme.billing")`, see
    `imported_in_text`), and the whole parts of a name built at run time for
    `import_module` (`acme.plugins` of `f"acme.plugins.{name}"`)."""
    top = package.split(".")
    # `import_module("acme.plugins." + name)` reads as the name `acme.plugins.`: the prefix
    # of a name built at run time, which `_built_names` yields as such
    written = ((dotted, False) for dotted, _at in imported_in_text(text)
               if not dotted.endswith("."))
    built = ((dotted, True) for dotted in _built_names(text))
    return [NamedModule(parts, is_built) for dotted, is_built in chain(written, built)
            if (parts := dotted.split("."))[:len(top)] == top and len(parts) > len(top)]


def _built_names(text: str) -> Iterator[str]:
    """The literal prefixes of the module names the text builds at run time for
    `import_module` or `__import__`, also through a name assigned first (`module =
    f"acme.plugins.{name}"`, then `import_module(module)`). Read as text, as
    `imported_in_text` reads imports: a false match only makes the fix display-only."""
    if "import_module" not in text and "__import__" not in text:
        return
    yield from (match.group(1) for match in _BUILT_CALL.finditer(text))
    called = {match.group(1) for match in _CALLED_WITH_NAME.finditer(text)}
    yield from (match.group(2) for match in _BUILT_ASSIGNED.finditer(text)
                if match.group(1) in called)


def missing_depth(ws: Workspace, folder: str, below: list[str]) -> int | None:
    """How many parts of a module path below the package it takes to reach one the folder
    lacks (`plugins.billing` beside only `plugins/core.py`: 2); None when the folder holds
    the module. A module file or a regular package ends the walk (what follows is theirs to
    define); a subfolder without `__init__.py` is a namespace too, whose other portions
    may hold the rest."""
    at = folder
    for depth, part in enumerate(below, 1):
        at = posixpath.join(at, part)
        if ws.tree.exists(at + ".py") or ws.tree.exists(at + "/__init__.py"):
            return None
        if not tree_index.is_folder(ws.tree, at):
            return depth
    return None


def portions_on_path(ws: Workspace, service: BuiltService, folder: str,
                     package: str) -> list[Portion]:
    """The repository's other folders named like the package (`extensions/app/` beside
    `app/`) that the image puts on the import path: right below a PYTHONPATH entry, the
    import root, the working directory, or a site-packages folder a COPY writes to. Each
    merges into the namespace, which an `__init__.py` in `folder` would make `folder` alone."""
    package_path = package.replace(".", "/")
    own = _where_in_image(ws, service, folder)
    cwd = workdir(service)
    python_path = {posixpath.normpath(posixpath.join(cwd, entry))
                   for entry in appmodule.python_path(ws, service)}
    roots = python_path | {cwd} | _site_folders(service)
    if own is not None and own.endswith("/" + package_path):
        roots.add(own[:-len(package_path) - 1] or "/")
    portions = []
    # a folder with an `__init__.py` is a regular package, no portion of a namespace: found
    # on the import path it is imported instead of every portion, with or without the fix
    others = [f for f in _folders_named(ws, service.app.folder, package_path)
              if f != folder and not ws.tree.exists(posixpath.join(f, "__init__.py"))]
    for other in others:
        entry = _entry_holding(ws, service, other, package_path, sorted(roots))
        at = posixpath.join(entry, package_path) if entry is not None else None
        if at is not None and at != own:   # a folder merged into the same one is no other
            portions.append(Portion(other, at, entry in python_path))
    if not portions and others and _extends_sys_path(ws, service.app.folder):
        # the code puts folders on the import path itself: any copied one may be the other
        portions = [Portion(other, at, False) for other in others
                    for at in [_where_in_image(ws, service, other)]
                    if at is not None and at != own]
    return portions


# code that puts a folder on the import path at run time
_SYS_PATH = ("sys.path.append(", "sys.path.insert(", "sys.path.extend(", "addsitedir(")


def _extends_sys_path(ws: Workspace, context: str) -> bool:
    """A Python file of the build context adds a folder to the import path itself
    (`sys.path.append(os.path.join(HERE, "..", "extensions"))`): which one, fixer does not
    work out."""
    for path in tree_index.files_under(ws.tree, context)[:_SCANNED]:
        vendored = any(part in _SITE_FOLDERS for part in path.split("/"))
        file = ws.read(path) if path.endswith(".py") and not vendored else None
        if file is not None and any(call in file.text for call in _SYS_PATH):
            return True
    return False


# Python files read for a change of the import path: a service's own code, not a vendored tree
_SCANNED = 2_000


def _entry_holding(ws: Workspace, service: BuiltService, folder: str, package_path: str,
                   entries: list[str]) -> str | None:
    """The import path entry where the image has the folder as the package: one of the
    folder's first files lands at <entry>/<package>/<its path in the folder>. Each entry is
    asked (rather than where the folder lands) because a folder may be copied twice: by
    `COPY . .` and again into site-packages."""
    for path in tree_index.files_under(ws.tree, folder)[:_FILES_TRIED]:
        inside = posixpath.join(package_path, path[len(folder) + 1:])
        for entry in entries:
            if locate(ws.tree, service, entry, inside) == path:
                return entry
    return None


def _site_folders(service: BuiltService) -> set[str]:
    """The site-packages folders the final stage's COPY and ADD write into (`COPY
    plugins/acme /usr/local/lib/python3.12/site-packages/acme`): on the import path of the
    image's Python, whichever version it is."""
    found: set[str] = set()
    for instruction in service.app.stage.instructions:
        if instruction.cmd not in ("COPY", "ADD") or not instruction.value or \
                not instruction.value[-1].startswith("/"):
            continue
        parts = instruction.value[-1].split("/")
        found.update("/".join(parts[:at + 1]) for at, part in enumerate(parts)
                     if part in _SITE_FOLDERS)
    return found


def _folders_named(ws: Workspace, context: str, package_path: str) -> list[str]:
    """The folders of the build context whose path ends in the package's (`app`,
    `acme/billing`), in path order."""
    wanted = "/" + package_path + "/"
    found: dict[str, None] = {}   # ordered, without repeats
    for path in tree_index.files_under(ws.tree, context):
        rooted = "/" + path
        at = rooted.find(wanted)
        while at != -1:   # `at` indexes the "/" added in front: the name starts there in path
            found.setdefault(path[:at + len(package_path)], None)
            at = rooted.find(wanted, at + 1)
    return list(found)


def _where_in_image(ws: Workspace, service: BuiltService, folder: str) -> str | None:
    """Where the image has a folder of the repository, read off the first of its files that
    a COPY of the build context puts there (`COPY . /code` with the context api/ puts
    api/extensions/app/ at /code/extensions/app); None when none is copied."""
    for path in tree_index.files_under(ws.tree, folder)[:_FILES_TRIED]:
        landing = image_path_of(ws.tree, service, path)
        inside = path[len(folder) + 1:]
        if landing is not None and landing.endswith("/" + inside):
            return landing[:-len(inside) - 1]
    return None


def shares(portion: Portion, package: str) -> str:
    """How a reason names a folder that shares the namespace."""
    where = "on PYTHONPATH" if portion.on_python_path else "on the import path"
    return (f"the repository's {portion.folder}/ shares the `{package}` namespace "
            f"(the container has it at {portion.in_image}/, {where})")
