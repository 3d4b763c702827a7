"""Whether an app raises at start-up because a StaticFiles folder is missing from its image.

Starlette's `StaticFiles(directory="static")` checks the folder when it is built
(`check_dir=True` by default) and raises RuntimeError when it is absent. Built at import (at
a module's top level, on the app's import path) or in the app factory, it stops the app
before uvicorn listens: its healthcheck never passes, and every service gated on it with
`condition: service_healthy` stops `docker compose up` with "dependency failed to start".
Git keeps no empty folder, so a project whose `static/` holds nothing yet ships an image
without it. Only what fixer can show counts: a literal or module-constant directory,
resolved against the container's working directory through the image's COPY instructions.
A folder a variable or a setting names, one a volume, a `RUN`, an `ADD`, another stage or
the code itself (`os.makedirs`) may provide, is unknown, never a crash.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator

from fixer.core.derived import Memo
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.image_paths import folder_in_image
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.python import parse
from fixer.sources.python_modules import call_argument, is_call_to, string_value

# what makes a folder at run time: the code may create the one it mounts
_MAKES_FOLDERS = ("makedirs", "mkdir")

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

# per workspace: C004 and the stack check's gates ask for each app service
_CRASHES: Memo[dict[Service, str | None]] = Memo("static folder missing at start-up")


def static_dir_crash(ws: Workspace, service: Service) -> str | None:
    """Why the app raises at start-up (`the app raises at start-up:
    StaticFiles(directory="static") and the image has no static/`), or None when it does
    not or fixer cannot tell."""
    return ws.derived.keyed(_CRASHES, service, lambda: _crash(ws, service))


def _crash(ws: Workspace, service: Service) -> str | None:
    if not isinstance(service, BuiltService) or not is_app_service(ws, service) or \
            service.get("volumes") is not None or not _image_read(service, ""):
        return None   # a volume may hold the folder; so may what fixer does not read
    module = appmodule.find(ws, service)
    if module is None:
        return None
    texts: list[str] = []
    directories: list[str] = []
    for path in appmodule.import_packages(ws, module):
        file = ws.read(path)
        tree = parse(file) if file is not None else None
        if file is None or tree is None:
            continue
        texts.append(file.text)
        if "StaticFiles" in file.text:   # most modules build none: no walk of their tree
            factory = module.attr if module.factory and path == module.path else None
            directories += _static_dirs(tree, factory)
    if not directories or any(word in text for text in texts for word in _MAKES_FOLDERS):
        return None
    for directory in directories:
        name = posixpath.basename(posixpath.normpath(directory))
        if _image_read(service, name) and not folder_in_image(ws.tree, service, directory):
            return (f'the app raises at start-up: StaticFiles(directory="{directory}") and '
                    f"the image has no {posixpath.normpath(directory)}/")
    return None


def _image_read(service: BuiltService, name: str) -> bool:
    """Whether the Dockerfile puts nothing in the image that fixer cannot follow: no `ADD`
    (an archive or a URL), no COPY from another stage or of a pattern or a variable, no
    `RUN` that names the folder (`mkdir -p static`), and a COPY of the build context."""
    copies = False
    for stage in service.app.dockerfile.stages:
        for ins in stage.instructions:
            if ins.cmd == "ADD" or (ins.cmd == "RUN" and name and
                                    name in " ".join(ins.value)):
                return False
            if ins.cmd == "COPY":
                if any(f.startswith("--from") for f in ins.flags) or \
                        any(c in source for source in ins.value[:-1] for c in "*?[$"):
                    return False
                copies = True
    return copies


def _static_dirs(tree: ast.Module, factory: str | None) -> Iterator[str]:
    """The directories of the StaticFiles built, checking them, when the module is imported
    (its top-level statements) or the app factory named `factory` runs."""
    body = list(tree.body)
    if factory is not None:
        body += next((s.body for s in tree.body if isinstance(s, _FUNCTIONS)
                      and s.name == factory), [])
    for statement in body:
        if not isinstance(statement, ast.Expr | ast.Assign | ast.AnnAssign):
            continue   # under `if`/`try` it may not run, or its error be caught
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and is_call_to(node, "StaticFiles"):
                directory = _checked_directory(tree, node)
                if directory is not None:
                    yield directory


def _checked_directory(tree: ast.Module, call: ast.Call) -> str | None:
    """The directory a StaticFiles call checks, when fixer can read it: none with
    `check_dir=False` (or one fixer cannot read) or with `**options`."""
    if any(k.arg is None or (k.arg == "check_dir" and not _is_true(k.value))
           for k in call.keywords) or len(call.args) > 3:
        return None
    return string_value(tree, call_argument(call, 0, "directory")) or None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
