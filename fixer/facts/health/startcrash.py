"""Why an app stops at start-up, before anything answers a probe: a StaticFiles folder the
image lacks (`staticdir.py`), or a module the app imports at import time that its own
package does not hold (`from app.db.base_class import Base` beside only `app/db/base.py`),
or a bind mount of a folder the repository does not hold over the served module
(`model/hidden_code.py`).

So does an app whose own statement calls a name the module never binds (`from fastapi
import FastApi`, then `app = FastAPI()`): a NameError as the module is imported; and one
that runs a module importing a name from itself before binding it (`from db import get_db`
at the top of db.py): an ImportError from the half-run module.

Uvicorn imports the app module before it listens; a `ModuleNotFoundError` on the way ends
the container, and a restart policy only repeats it. No healthcheck of it passes, and a
`condition: service_healthy` on it keeps its users from starting, where the short form let
them start. So a gate on such an app is no fix fixer can vouch for, nor a healthcheck that
would only turn red.

A module counts as missing only where Python cannot find it anywhere else: it is imported
by a statement of a module's own body (not inside an `if`, `try`, `with` or function) of a
module that importing the app runs, and it lies below a package of the import root (every
level has its `__init__.py`, which does not extend `__path__`; or is a namespace package,
with none, that no package the image installs by its top-level name nor a PYTHONPATH can add
a portion to), where no file, folder or compiled extension of that name is. Not where a
volume of the service may bring the file (one over the place the server imports it from,
unless it is a bind mount of a repository folder that lacks it too: `./src:/app/src` brings
no `database` module to /app), where the image's command is a script
that serves the app by name, where git
ignores the file (local settings, generated code), nor for names that builds generate
(`_pb2`, `_version`) or that a `RUN` of the Dockerfile names. Nor, in Python 3, is a module
found by its bare name beside the module that imports it (`from helpers import x` in
app/svc/server.py, next to app/svc/helpers.py): it counts as missing where nothing may put
that folder or the module on sys.path (`_beside_only`), and not where the module imports
its own name (`import whisper` in whisper.py: the installed package's). Nor is one the
repository holds and the image does not, where fixer reads every COPY of the image
(`_not_copied`).
"""

from __future__ import annotations

import ast
import builtins
import posixpath
import sys
from collections.abc import Callable
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.dockerignore import context_files
from fixer.facts.health.scriptmode import unexecutable_script
from fixer.facts.health.staticdir import static_dir_crash
from fixer.facts.image.images import UNKNOWN, base_image, classify
from fixer.facts.pydeps.dependency_sources import installed_in_image
from fixer.facts.pydeps.unparsable import stops_uncompiled
from fixer.model import appmodule
from fixer.model.appmodule import sets_python_path
from fixer.model.image_paths import copies_read_whole, image_path_of, locate
from fixer.model.hidden_code import hidden_code
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.python import absolute_module, dotted_name
from fixer.sources.python_modules import Modules, assigned_value, binding

# modules a build step writes (protobuf stubs, setuptools-scm's version file)
_GENERATED_SUFFIXES = ("_pb2", "_pb2_grpc", "_version", "version")


def start_crash(ws: Workspace, service: Service) -> str | None:
    """Why the app stops at start-up, or None when it does not or fixer cannot tell."""
    return static_dir_crash(ws, service) or missing_import(ws, service) or \
        unbound_constructor(ws, service) or self_import(ws, service) or \
        _hidden_code(ws, service) or unexecutable_script(ws, service) or \
        stops_uncompiled(ws, service)


def _hidden_code(ws: Workspace, service: Service) -> str | None:
    """A bind mount of a folder the repository does not hold over the served module (S005)."""
    hidden = hidden_code(ws, service) if isinstance(service, BuiltService) else None
    return f"{service.name} {hidden.says()}" if hidden is not None else None


def self_import(ws: Workspace, service: Service) -> str | None:
    """`the app stops at start-up: db.py:1 imports `get_db` from `db`, the module itself,
    above any statement that binds it (ImportError)`: importing the app runs a module whose
    own body imports a name from itself (`from db import get_db` in db.py) before it
    defines it; Python hands the statement the half-run module, which lacks the name."""
    module = appmodule.find(ws, service) if isinstance(service, BuiltService) else None
    if module is None or module.runner is not None:
        return None
    modules = Modules(ws.read, module.root, module.python_path)
    # the import path every app rule shares first: only a module that imports from itself
    # asks for the path importing the app runs
    found = [(path, *its) for path, package in appmodule.import_packages(ws, module).items()
             if (its := _from_itself(ws, modules, path, package)) is not None]
    if not found:
        return None
    at_import = modules.import_packages(module.path, module.package, at_import=True)
    return next((f"the app stops at start-up: {path}:{line} imports `{name}` from `{own}`, "
                 "the module itself, above any statement that binds it (ImportError)"
                 for path, line, name, own in found if path in at_import), None)


def _from_itself(ws: Workspace, modules: Modules, path: str,
                 package: str) -> tuple[int, str, str] | None:
    """The line, name and module of the module's own statement that imports a name from
    the module itself above any statement binding it."""
    loaded = modules.load(path)
    stem = posixpath.basename(path)[:-3]
    own = package if stem == "__init__" else f"{package}.{stem}" if package else stem
    body = loaded[1].body if loaded is not None else []
    folder = posixpath.dirname(path)
    for at, stmt in enumerate(body):
        if not isinstance(stmt, ast.ImportFrom) or stmt.level or stmt.module != own:
            continue
        # a package's `from app.api import auth` imports its submodule auth.py: no error
        unbound = next((a.name for a in stmt.names if a.name != "*"
                        and not _binds(body[:at], a.name)
                        and not (stem == "__init__" and _held(ws, folder, a.name))), None)
        if unbound is not None:
            return stmt.lineno, unbound, own
    return None


def unbound_constructor(ws: Workspace, service: Service) -> str | None:
    """`the app stops at start-up: app/main.py:3 calls `FastAPI`, which the module never
    binds (NameError)`: the class or factory the app's own statement calls is a name no
    statement of the module binds (`from fastapi import FastApi`, then `app = FastAPI()`),
    nor a builtin, in a module with no `import *`. None where the command names no app
    object (a factory it calls, a script)."""
    module = appmodule.find(ws, service) if isinstance(service, BuiltService) else None
    if module is None or module.attr is None or module.runner is not None:
        return None
    loaded = Modules(ws.read, module.root, module.python_path).load(module.path)
    if loaded is None:
        return None
    body = loaded[1].body
    made = assigned_value(binding(body, module.attr))
    called = dotted_name(made.func) if isinstance(made, ast.Call) else None
    name = called.split(".")[0] if called else None
    if name is None or name in _BUILTINS or _binds(body, name):
        return None
    return (f"the app stops at start-up: {module.path}:{made.lineno if made else 0} calls "
            f"`{called}`, which the module never binds (NameError)")


_BUILTINS = frozenset(dir(builtins))


def _binds(body: list[ast.stmt], name: str) -> bool:
    """Whether a statement of the module binds the name anywhere (a function's `global`, a
    star import, a walrus at the top level: taken as binding it), so that fixer cannot
    say it is never bound."""
    for node in ast.walk(ast.Module(body, [])):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == name for a in node.names):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.name == name:
            return True
        if isinstance(node, ast.Name) and node.id == name and \
                isinstance(node.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(node, ast.Global) and name in node.names:
            return True
    return False


class _Import(NamedTuple):
    path: str        # the importing file
    line: int
    module: str      # the dotted module that must exist
    absolute: bool = True   # written as an absolute import (`from helpers import x`)


# per (stack, service): why its app stops on an import, or None
_MISSING: Memo[dict[tuple[str, str], str | None]] = Memo("imports of missing modules")


def missing_import(ws: Workspace, service: Service) -> str | None:
    """`the app stops at start-up: app/main.py:3 imports `app.db.base_class`, which app/db/
    does not hold`, or None."""
    known = ws.derived.get(_MISSING, dict)
    key = (service.stack.name, service.name)
    if key not in known:
        known[key] = _missing_import(ws, service)
    return known[key]


def _missing_import(ws: Workspace, service: Service) -> str | None:
    if not isinstance(service, BuiltService):
        return None
    module = appmodule.find(ws, service)
    mounted = service.get("volumes") is not None
    if module is None or module.runner is not None or mounted and module.python_path:
        return None
    modules = Modules(ws.read, module.root, module.python_path)
    # the import path every app rule shares (imports inside functions followed too) first:
    # a missing module is rare, and only then is the path importing the app runs walked
    imports = [found for path, package in appmodule.import_packages(ws, module).items()
               for found in _module_imports(modules, path, package)]
    unshared = _unshared(ws, service)
    missing = [(found, lacks) for found in imports
               if (lacks := _missing_at(ws, module.root, found.module, unshared)) is not None]
    missing += [(found, lacks) for found in imports
                if (lacks := _beside_only(ws, service, module, modules, found)
                    or _not_copied(ws, service, module, modules, found)) is not None]
    missing = [(found, lacks) for found, lacks in missing
               if not (mounted and appmodule.mounts_may_bring(ws, service, found.module))]
    if not missing:
        return None
    at_import = modules.import_packages(module.path, module.package, at_import=True)
    for found, lacks in missing:
        if found.path in at_import and not _made_by_build(ws, service, found.module,
                                                          lacks.folder) \
                and not _in_image(ws, service, lacks, found, module.root):
            imports_it = (f"the app stops at start-up: {found.path}:{found.line} imports "
                          f"`{found.module}`")
            if lacks.uncopied:
                return (f"{imports_it}, which the image does not hold: "
                        f"{_why_uncopied(ws, service, lacks.uncopied)} (ModuleNotFoundError)")
            if lacks.beside:
                return (f"{imports_it} by its bare name, which only the module's own folder "
                        f"{lacks.folder}/ holds, not the import root (ModuleNotFoundError: "
                        "Python 3 imports no module beside the importer by its bare name)")
            return f"{imports_it}, which {lacks.folder}/ does not hold (ModuleNotFoundError)"
    return None


def _not_copied(ws: Workspace, service: BuiltService, module: appmodule.AppModule,
                modules: Modules, found: _Import) -> _Missing | None:
    """A module of the import root the repository holds (`settings.py` beside `server.py`)
    that no COPY of the Dockerfile takes, where the served module is copied: `COPY server.py
    .` alone. Only where fixer reads every copy (`copies_read_whole`), the base image is one
    it knows (no app code of its own), and nothing else may bring the module: a PYTHONPATH,
    a package the image installs by its name."""
    path = modules.path_of(found.module)
    if path is None or module.python_path or \
            image_path_of(ws.tree, service, module.path) is None or \
            image_path_of(ws.tree, service, path) is not None:
        return None
    app = service.app
    if not copies_read_whole(service) or \
            classify(base_image(app.dockerfile, app.stage, app.args)) is UNKNOWN or \
            not _unshared(ws, service)(found.module.split(".")[0]):
        return None
    return _Missing(posixpath.dirname(path) or ".", (found.module.rsplit(".", 1)[-1],),
                    uncopied=path)


def _why_uncopied(ws: Workspace, service: BuiltService, path: str) -> str:
    """`the build context's .dockerignore drops app/config.py`, or `no COPY of Dockerfile
    takes settings.py`."""
    app = service.app
    files = context_files(ws.tree, app.folder, app.dockerfile.path)
    relative = posixpath.relpath(path, app.folder or ".")
    if files.dropped(relative):
        return f"the build context's .dockerignore drops {path}"
    return f"no COPY of {app.dockerfile.path} takes {path}"


def _beside_only(ws: Workspace, service: BuiltService, module: appmodule.AppModule,
                 modules: Modules, found: _Import) -> _Missing | None:
    """An absolute import of a bare name (`from helpers import greeting` in
    app/svc/server.py) that only the importing module's own folder holds (app/svc/helpers.py),
    below the import root: Python 2 looked there first, Python 3 looks on sys.path alone,
    where no such module is. None where something may put it there: a PYTHONPATH, a
    `sys.path` change in the app's code, a package the image installs by that name, the
    standard library."""
    first = found.module.split(".")[0]
    folder = posixpath.dirname(found.path)
    # a module that imports its own name (`import whisper` in whisper.py) means another one
    itself = posixpath.splitext(posixpath.basename(found.path))[0] == first
    if itself or not found.absolute or folder == module.root or \
            first in sys.stdlib_module_names or \
            modules.path_of(first) is not None or not _held(ws, folder, first) or \
            tree_index.files_under(ws.tree, posixpath.join(module.root, first)):
        return None   # the last: a namespace package of that name at the import root
    if not _unshared(ws, service)(first) or any(
            (file := ws.read(path)) is not None and "sys.path" in file.text
            for path in appmodule.import_packages(ws, module)):
        return None
    return _Missing(folder, (first,), beside=True)


def _module_imports(modules: Modules, path: str, package: str) -> list[_Import]:
    """The modules the file's own body imports: not in a block or function, which may not
    run or may handle the failure."""
    loaded = modules.load(path)
    if loaded is None:
        return []
    found: list[_Import] = []
    for stmt in loaded[1].body:
        if isinstance(stmt, ast.Import):
            found += [_Import(path, stmt.lineno, alias.name) for alias in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module:
            name = absolute_module(package, stmt.level, stmt.module) if stmt.level else \
                stmt.module
            if name and (package or not stmt.level):   # a script's `from .x` is I001's
                found.append(_Import(path, stmt.lineno, name, not stmt.level))
    return found


class _Missing(NamedTuple):
    folder: str              # the regular package's folder
    rest: tuple[str, ...]    # the parts of the module below it, the first of them not there
    # the module is in `folder` (the importer's own), and the import root lacks it
    beside: bool = False
    # the repository's file of the module, which no COPY puts in the image
    uncopied: str = ""


def _missing_at(ws: Workspace, root: str, dotted: str,
                unshared: Callable[[str], bool] = lambda _name: False) -> _Missing | None:
    """The folder of a regular package of the import root that lacks the next part of
    `dotted`, or None where every part is there or Python may find it elsewhere. A
    namespace package of the import root (no `__init__.py`) counts as one where nothing
    else can add to it (`unshared` of its top-level name): its folders here are all it
    has."""
    parts = dotted.split(".")
    folder = root
    for depth, part in enumerate(parts):
        here = posixpath.join(folder, part) if folder else part
        init = posixpath.join(here, "__init__.py")
        if depth > 0 and not _held(ws, folder, part):
            return _Missing(folder or ".", tuple(parts[depth:]))
        if ws.tree.exists(init):
            if _extends_path(ws, init):
                return None   # a path others extend: done
        elif not (tree_index.is_folder(ws.tree, here) and unshared(parts[0])):
            return None   # a module, or a namespace portion others may add to: done
        folder = here
    return None


def _unshared(ws: Workspace, service: BuiltService) -> Callable[[str], bool]:
    """Whether nothing but the import root may hold a top-level package of that name: the
    container sets no PYTHONPATH, and the image installs no package of the name (nor one
    fixer cannot name)."""
    def unshared(name: str) -> bool:
        return not sets_python_path(ws, service) and not installed_in_image(ws, service, name)
    return unshared


def _in_image(ws: Workspace, service: BuiltService, missing: _Missing,
              found: _Import, root: str) -> bool:
    """Whether the image may hold the module all the same: another COPY puts it in the
    package's folder (`COPY messaging/ app/messaging/`), or at the import root for a module
    that only the importer's folder holds (`COPY app/svc/helpers.py .`), or fixer cannot
    tell where the package lands."""
    if missing.uncopied:
        return False   # no copy takes it, as `_not_copied` found
    if missing.beside:
        landed = image_path_of(ws.tree, service, found.path)
        inside = posixpath.relpath(found.path, root or ".")
        if landed is None or not landed.endswith("/" + inside):
            return True
        top = landed[:-len(inside)]
        return any(locate(ws.tree, service, top, relative) is not None
                   for relative in (f"{missing.rest[0]}.py", f"{missing.rest[0]}/__init__.py"))
    # where a file of the package lands: its `__init__.py`, else (a namespace package)
    # another of its files
    held = [posixpath.join(missing.folder, "__init__.py"),
            *sorted(tree_index.files_in(ws.tree, missing.folder))]
    landed = next((image_path_of(ws.tree, service, path) for path in held
                   if ws.tree.exists(path)), None)
    if landed is None:
        return True
    package = posixpath.dirname(landed)
    first, whole = missing.rest[0], posixpath.join(*missing.rest)
    return any(locate(ws.tree, service, package, relative) is not None for relative in
               (f"{first}.py", f"{first}/__init__.py", f"{whole}.py", f"{whole}/__init__.py"))


def _held(ws: Workspace, folder: str, name: str) -> bool:
    """The folder holds a module, package, folder or compiled extension of that name."""
    prefix = posixpath.join(folder, name) if folder else name
    if tree_index.is_folder(ws.tree, prefix):
        return True
    return any(posixpath.basename(p).split(".")[0] == name
               for p in tree_index.files_in(ws.tree, folder))


def _extends_path(ws: Workspace, init: str) -> bool:
    """The package's `__init__.py` extends its `__path__` (`pkgutil.extend_path`): its
    modules may lie in other folders."""
    file = ws.read(init)
    return file is not None and "__path__" in file.text


def _made_by_build(ws: Workspace, service: BuiltService, dotted: str, folder: str) -> bool:
    """The module may be written when the image is built or kept out of git on purpose: a
    generated name, a `RUN` naming it, or a path git ignores."""
    name = dotted.rsplit(".", 1)[-1]
    if name.endswith(_GENERATED_SUFFIXES):
        return True
    if any(name in " ".join(i.value) or "protoc" in " ".join(i.value)
           for stage in service.app.dockerfile.stages for i in stage.find("RUN")):
        return True
    path = posixpath.join(folder, name) if folder not in ("", ".") else name
    return bool(ws.tree.ignored([path + ".py", path + "/__init__.py"]))
