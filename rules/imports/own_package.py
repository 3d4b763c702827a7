"""An absolute import of a top-level module's own folder, as a package (I001's other shape).

`python app/main.py` puts `app/` itself on sys.path, not the folder above it (the
WORKDIR), and so does `uvicorn main:app` run from inside `app/`: there `from app.routers
import search` finds no `app` and the server stops at start-up with ModuleNotFoundError,
though the same code works when run as `python -m app.main` or from the folder above.
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_under, is_folder
from fixer.facts.pydeps.dependency_sources import installed_in_image
from fixer.model import appmodule
from fixer.model.appmodule import AppModule
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import chain
from fixer.sources.python_modules import Modules

from .run_imports import run_imports


class OwnPackageImport(NamedTuple):
    """The first import that names the top-level module's folder as a package."""

    path: str                             # the module that imports it
    stmt: ast.Import | ast.ImportFrom
    package: str                          # the folder's name: `app`


def own_package_import(ws: Workspace, service: BuiltService,
                       found: AppModule) -> OwnPackageImport | None:
    """The import that stops the service at start-up, if the app module runs at the top
    level and a module on its import path imports the import root's own folder by name,
    where nothing else can put the folder above on sys.path: no PYTHONPATH, no code that
    changes `sys.path`, no entrypoint script that may set either, and no install of the
    project or of a package of that name. None whenever fixer cannot be sure."""
    name = posixpath.basename(found.root)
    if found.package or not found.from_command or not name.isidentifier() or \
            name in sys.stdlib_module_names or _resolves_in_root(ws, found.root, name) or \
            _may_widen_path(ws, service):
        return None
    return _first_import_of(ws, service, found, {name})


def inner_package_import(ws: Workspace, service: BuiltService,
                         found: AppModule) -> OwnPackageImport | None:
    """The import that stops the service at start-up, if the command serves a module of a
    package by its dotted name (`services.users.app.main`) and a module on its import path
    imports one of the packages below the top-level one by its own name (`from app.db
    import x`): Python looks for `app` in the import root, where there is none. None where
    the root holds one of that name, or something may put its folder on sys.path or
    install a package so named, as for `own_package_import`."""
    inner = found.package.split(".")[1:]
    names = {name for name in inner
             if name.isidentifier() and name not in sys.stdlib_module_names
             and not _resolves_in_root(ws, found.root, name)}
    if not found.package or not found.from_command or found.script or not names or \
            _may_widen_path(ws, service):
        return None
    return _first_import_of(ws, service, found, names)


def _first_import_of(ws: Workspace, service: BuiltService, found: AppModule,
                     names: set[str]) -> OwnPackageImport | None:
    """The first module-level import, along the app module's import path, of one of the
    top-level `names`; None where a module before it touches `sys.path` (`sys.path.insert(0,
    parent)` first) or the image may install a package of that name."""
    modules = Modules(ws.read, found.root)
    for path in appmodule.import_path(ws, found):
        loaded = modules.load(path)
        if loaded is None:
            continue
        file, tree = loaded
        if "sys.path" in file.text:
            return None
        stmt = next(((s, top) for s, top in run_imports(file, tree) if top in names), None)
        if stmt is not None:
            return None if installed_in_image(ws, service, stmt[1]) else \
                OwnPackageImport(path, stmt[0], stmt[1])
    return None


def _resolves_in_root(ws: Workspace, root: str, name: str) -> bool:
    """The import root holds a module, package or folder of that name (`app/app/`)."""
    return Modules(ws.read, root).path_of(name) is not None or \
        is_folder(ws.tree, posixpath.join(root, name))


# an instruction that may put folders on sys.path: a wrapper script, a PYTHONPATH, a `.pth`,
# a `sitecustomize`/`usercustomize` module, which Python runs at every start
_WIDENS = lazy_compile(r"^[ \t]*ENTRYPOINT\b|PYTHONPATH|\.pth\b|sitecustomize|usercustomize",
                       re.I | re.M)
# what a Python script a RUN runs may do to the sys.path of every later start
_SCRIPT_WIDENS = lazy_compile(r"sys\.path|\.pth\b|sitecustomize|usercustomize|addsitedir")
# a Python script a RUN names (`RUN python /code/tools/add_to_path.py`)
_RUN_SCRIPT = lazy_compile(r"[\w./-]+\.py\b")


def _may_widen_path(ws: Workspace, service: BuiltService) -> bool:
    app = service.app
    return appmodule.sets_python_path(ws, service) or service.entrypoint() is not None or \
        _WIDENS.search(app.dockerfile.file.text) is not None or \
        any("PYTHONPATH" in word for word in appmodule.launch_words(service)) or \
        _runs_widening_script(ws, service)


def _runs_widening_script(ws: Workspace, service: BuiltService) -> bool:
    """A RUN of the image runs a Python script that may change the sys.path of every later
    start (writes a `.pth` file or `usercustomize.py`), or one fixer cannot find among the
    build context's files (by its name) to read."""
    app = service.app
    text = app.dockerfile.file.text
    for stage in chain(app.dockerfile, app.stage):
        for run in stage.find("RUN"):
            for named in _RUN_SCRIPT.findall(text[run.start:run.end]):
                name = posixpath.basename(named)
                found = [f for path in files_under(ws.tree, app.folder)
                         if posixpath.basename(path) == name and (f := ws.scan(path))]
                if not found or any(_SCRIPT_WIDENS.search(f.text) for f in found):
                    return True
    return False
