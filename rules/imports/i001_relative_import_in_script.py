"""A relative import that fails when the command starts the app: in a module run at
the top level, or climbing above the top-level package from a module it imports.

## What it does
Finds relative imports (`from .db import x`, `from . import models`) in modules
that the command loads as top-level modules: the app module of `uvicorn main:app`
(no package above it), the script of `python main.py`, and every other module in
that import root, which the app can only import as top-level modules too (unless the
root folder is itself a package, or a package of the same name beside it takes its place,
`tools/__init__.py` beside `tools.py`, or the app imports that module through the root folder's
own name, `from api.handlers import x` in `api/main.py` with `PYTHONPATH` on the folder
above, or a module imported so imports it, `from api.errors import x` in
`api/services/mail.py`: it then runs in package `api`). It follows the app module's imports through the
import root, transitively, and also finds relative imports that climb above their
top-level package there (`from ..database import x` in `routers/items.py`, imported
as `routers.items`). All of one service's are one finding with one fix. A relative
import in the body of a `try` whose handler catches its failure (`except ImportError:`
with an absolute fallback, `except Exception:`, a bare `except:`) stops nothing and is
no finding; the fix leaves it as it is. So is one a handler falls back on where the `try`'s
body imports the same names absolutely (`try: from util import X` / `except ImportError:
from .util import X`): where it would fail, the absolute one succeeds and the handler never
runs. So is one under `if TYPE_CHECKING:`, which never
runs, one in the branch of `if __package__:` (or the `else` of `if not __package__:`),
which runs only inside a package, and one under `if __name__ == "__main__":` of a module
the server imports (`uvicorn main:app`) rather than runs as the script (`python main.py`).
A `try` whose handler imports nothing but sets a stand-in
(`except ImportError: haversine = None`) keeps the module importing too, but at the top
level its import fails every time, so the name is always the stand-in: where the service
has a finding and the module the import names is in the import root, it is counted and
made absolute with the others.
One inside a function runs when the function is called: the finding says the
requests that call it fail, not the start (a gate on the service is not held for it).
So for a module the app imports only inside functions (`from availability import count`
in a route's body): importing the app never runs it. A local package whose `__init__.py`
takes its names from its own modules (`from .session import get_db`) is the package a
top-level `from database import get_db` means, not an installed one it would shadow.
The absolute form of the same mistake is found too: a module-level import, in a module
on the import path of such a top-level module, of the import root's own folder as a
package (`from app.routers import search` in `app/main.py`, run as `python
app/main.py`: Python puts `app/` itself on `sys.path`, not the WORKDIR above it). It is
left alone where something else may put that folder on `sys.path`: a `PYTHONPATH` in
the container's environment, the Dockerfile or the command, an `ENTRYPOINT` or compose
`entrypoint` (a wrapper script may set one), a `.pth` file or a `sitecustomize` /
`usercustomize` module, a Python script a RUN of the image runs that may write one
(`RUN python tools/add_to_path.py`, or one fixer does not find in the build context to
read), code that changes `sys.path`, or an image that installs a project or a package of
that name.
And the same mistake from a package: a module the command serves by its dotted name
(`uvicorn services.users.app.main:app`) whose import path imports one of the packages
below the top-level one by its own name (`from app.db import x`, `app` being
`services/users/app/`), where the import root holds no `app`; left alone in the same cases.
Only app services are read (a FastAPI app that a server fixer knows serves, README
"App services"): a Flask or Django service, a worker or a job has no finding here, even
where the same import would stop it.

## Why is this bad?
A top-level module has no parent package, so Python stops the service at start-up
with `ImportError: attempted relative import with no known parent package`; dots
that climb above the top-level package stop it with `attempted relative import
beyond top-level package`, and an import of the module's own folder as a package with
`ModuleNotFoundError: No module named '…'`. Fixing only the app module leaves the service failing
at the next module it imports.

## Example
```python
# main.py, served by CMD ["uvicorn", "main:app", ...]
from .db import session
from . import models
from .routers import items

# routers/items.py
from ..database import get_db
```

## Use instead
```python
# main.py
from db import session
import models
from routers import items

# routers/items.py
from database import get_db
```

## Fix safety
Safe: each import names the module its dots point at (where the file sits) through
the import root the command puts on `sys.path`, in every module the fix covers at
once, so that afterwards the service imports; comments and formatting around it
are kept, and relative imports that resolve inside a package are left alone. `from . import
(a, b)` becomes one `import` line per name at its indentation (`import a, b` is what
linters reject), each with the comment that followed the statement (a `# noqa` holds for
every name).
Display-only when one of them has no absolute form: dots that climb above the
import root, `from . import *`, a module the import root does not hold (`from .helper import
NAME` in a top-level `legacy.py`, with `helper.py` only in `pkg/`: the absolute import
fails too), a local module named like a standard library module
(the absolute import would load the standard one), or like a package the image installs
that the app also imports absolutely (`celery.py` doing `from celery import Celery`: at the
top level the local file shadows the package, and that import finds the half-initialized
module), or
comments inside parenthesized names, which the `import` lines cannot hold, or an import
that points at the module the command runs (`from .main import app` in a module `python
main.py` or `python -m main` imports): it runs as `__main__`, and `from main import app`
would run it again as `main`, with a second app whose routes the server never serves; and
when a
module on the import path does not compile (S004 reports it): fixer cannot see the
imports in it. Fixing the others alone would still leave the service failing at start-up.
Display-only for an import of a package by its own name where the command serves its
module by a longer dotted name: the full name, a relative import or serving the module
from the folder above the package (`--app-dir`) all work, and which is the author's call.
Display-only for an import of the import root's own folder as a package: it is right
where the module runs as part of that package (`python -m app.main` from the folder
above), and whether to change the command or the imports is the author's call; a
relative-import fix beside it is display-only too, as the service would still stop.
Unsafe when the folder the command runs
from is itself a package (it has an `__init__.py`): another service built from the same
image, a `python -m app.worker` or a test may import the same modules as `app.main`, where
the absolute form fails; running a script as `python -m app.main` keeps both working.
Unsafe too, with no `__init__.py` there, where something imports the folder as a namespace
package: another service serves one of the modules as `app.main:app`, or a file names one
of the modules the fix edits through the folders above the import root (`from app.main
import app` or `from app.routers.users import router` in a test, `from
services.api.routes import Item` in a worker, `python -m app.worker` in a Dockerfile, or
in the compose `command:` or `entrypoint:` of a service built from the folder that holds
the package, `celery -A app.worker worker`, or in a command run outside the image: a
Makefile's `cd services/api && uvicorn app.main:app --reload`, a shell script, a Procfile,
a justfile, tox, pytest or pyproject configuration, a CI workflow, from the folder of its
`cd`, else from its own folder or one below it); their relative imports resolve there, and
the absolute ones would not. A Python file whose import of the module fails either way is
no such reason: the module already imports a module of the script's folder absolutely
(`from database import URL`), at its top level, that nothing else in the repository or the
image provides, and nothing in the repository may put that folder on `sys.path` (a
`sys.path`, `pythonpath` or `PYTHONPATH` anywhere in the tests, their configuration, scripts
or CI, or a test or conftest pytest would run from that folder).
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.lazyre import lazy_compile
from fixer.facts.pydeps.dependency_sources import installed_in_image
from fixer.facts.pydeps.module_commands import DOTTED_COMMAND, commands_naming
from fixer.facts.pydeps.python_syntax import first_unreadable
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import App, BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.compose import string_list
from fixer.sources.python import narrow_edit, parse
from fixer.sources.python_modules import Modules, imported_in_text
from fixer.sources.relative_imports import (RelativeImports, absolutize_imports, scan_relative,
                                            target_module, written)

from .own_package import OwnPackageImport, inner_package_import, own_package_import
from .run_imports import run_imports

CODE = "I001"
NAME = "relative-import-in-script"
CATEGORY = Category.IMPORTS
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # the launched script's imports
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


class Failing(NamedTuple):
    """A module the app loads, the `__package__` it runs as, and its failing imports."""

    path: str
    package: str
    scanned: RelativeImports


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        # a script that serves `app.main` by name: it is the module that runs at the top level
        found = appmodule.run_first(found) if found is not None else None
        if found is not None and found.from_command and found.package:
            inner = inner_package_import(ws, service, found)
            if inner is not None and inner.path not in seen:
                seen.add(inner.path)
                yield _inner_package_report(found, service.name, inner)
            continue  # a package module: its relative imports resolve
        if found is None or not found.from_command:
            continue
        reached = appmodule.import_packages(ws, found)
        script = found.path if found.script else None
        failing = [f for f in _failing(ws, found.root, _modules(ws, found, reached), script)
                   if f.path not in seen]
        main = found.path if found.script or _run_with_m(service) else None
        own = own_package_import(ws, service, found)
        if any(f.scanned.stops for f in failing):
            seen.update(f.path for f in failing)
            failing.sort(key=lambda f: not f.scanned.stops)   # the finding names one that stops
            yield _report(ws, found, service, failing,
                          _uncompiled(ws, reached, service.app) or _still_stops(found, own) or
                          _imports_the_main(main, failing),
                          _imported_in_functions_only(ws, found, reached, failing))
        elif own is not None and own.path not in seen:
            seen.add(own.path)
            yield _own_package_report(found, service.name, own, _bare_root_import(ws, found))


def _failing(ws: Workspace, root: str, modules: dict[str, str], script: str | None
             ) -> Iterator[Failing]:
    """Each module the app loads with its relative imports that fail there; the `script`
    Python runs (`python main.py`) is the one whose `__main__` block runs. Those a `try`
    guards with a stand-in (`except ImportError: x = None`) count where their module is in
    the import root: once the others are absolute the service starts, and they would give
    it the stand-in every time."""
    in_root = Modules(ws.read, root)

    def module_exists(dotted: str) -> bool:
        return in_root.path_of(dotted) is not None

    for path, package in modules.items():
        file = ws.read(path)
        scanned = scan_relative(file, package, failing=True, main_runs=path == script,
                                module_exists=module_exists) if file else None
        if scanned is not None:
            yield Failing(path, package, scanned)


def _modules(ws: Workspace, found: appmodule.AppModule, reached: dict[str, str]
             ) -> dict[str, str]:
    """The modules the app loads, each with its `__package__` ("" at the top level): those
    on its import path (`reached`), then the other top-level modules of its import root,
    but one beside a package of its name (`tools.py` beside `tools/__init__.py`): Python
    imports the package, never the file."""
    if ws.tree.exists(posixpath.join(found.root, "__init__.py")):
        return reached  # a package root: something else may import its modules through it
    as_package = _imported_through_root(ws, found, reached)
    siblings = {p: "" for p in tree_index.files_in(ws.tree, found.root)
                if p.endswith(".py") and p not in reached
                and posixpath.basename(p)[:-3].isidentifier()
                and posixpath.basename(p)[:-3] not in as_package
                and not ws.tree.exists(p[:-3] + "/__init__.py")}   # the package wins
    return reached | siblings


def _imported_through_root(ws: Workspace, found: appmodule.AppModule,
                           reached: dict[str, str]) -> set[str]:
    """The modules of the import root that the app imports as submodules of the root's own
    folder (`from api.handlers import x` in `api/main.py`, with `PYTHONPATH` on the folder
    above): they run in package `api`, where their relative imports resolve."""
    folder = posixpath.basename(found.root)
    if not folder.isidentifier():
        return set()
    modules = Modules(ws.read, found.root)
    names: set[str] = set()
    # what those modules import runs in package `api` too (`from api.services import mail`
    # in main.py, then `from api.error_decorators import x` in services/mail.py): followed,
    # in path order, each file once
    queue = sorted(reached.items())
    seen = {path for path, _ in queue}
    while queue:
        path, package = queue.pop(0)
        loaded = modules.load(path)
        for dotted in sorted(modules.names_imported(*loaded, package)) if loaded else ():
            head, _, rest = dotted.partition(".")
            if head != folder or not rest:
                continue
            names.add(rest.split(".")[0])
            inner = modules.path_of(rest)
            if inner is not None and inner not in seen:
                seen.add(inner)
                is_package = inner.endswith("/__init__.py")
                queue.append((inner, dotted if is_package else dotted.rpartition(".")[0]))
    return names


def _still_stops(found: appmodule.AppModule, own: OwnPackageImport | None) -> str | None:
    """Why the absolute imports alone would not let the service start: a module also
    imports the import root's own folder as a package (`own_package`)."""
    if own is None:
        return None
    return (f"{own.path}:{own.stmt.lineno} imports `{own.package}`, the folder {found.root}/ "
            "itself, which is no package on sys.path there: the service would still stop at "
            "start-up")


def _own_package_report(found: appmodule.AppModule, service: str, own: OwnPackageImport,
                        bare: str | None = None) -> Violation:
    """Display-only: the import is right for `python -m`, and which of the command or the
    imports should change is the author's call."""
    written = _shown(own.stmt)
    runs = "the command runs it as a script" if found.script else \
        f"the command imports it as top-level `{found.module}`"
    dotted = f"{own.package}.{found.module}"
    return _at_import(
        own, found, service,
        f"`{written}` in {own.path} imports `{own.package}` as a package, and "
        f"{found.path} runs at the top level ({runs}): Python puts {found.root}/ "
        f"itself on sys.path, not the folder above it, so {service} stops at "
        f"start-up (ModuleNotFoundError: No module named '{own.package}')",
        _own_package_advice(found, own.package, dotted) if bare is None else
        f"import from {found.root}/ itself: served from the folder above it, {bare} would "
        "no longer find what it imports")


def _inner_package_report(found: appmodule.AppModule, service: str,
                          inner: OwnPackageImport) -> Violation:
    """Display-only: importing the package by its full name, relatively, or serving the
    module from the folder above the package are all right; which one is the author's
    call."""
    written = _shown(inner.stmt)
    parts = found.module.split(".")
    above = parts[:parts.index(inner.package)]   # the packages above the one it names
    folder = posixpath.join(found.root, *above)
    root = f"{found.root}/" if found.root else "the repository's root"
    served = ".".join(parts[len(above):]) + (f":{found.attr}" if found.attr else "")
    return _at_import(
        inner, found, service,
        f"`{written}` in {inner.path} imports `{inner.package}` as a top-level "
        f"package, and the command serves `{found.module}` from {root}, which holds "
        f"no `{inner.package}`: {service} stops at start-up (ModuleNotFoundError: No "
        f"module named '{inner.package}')",
        f"import it by its full name (`{'.'.join([*above, inner.package])}`) or "
        f"relatively, or serve `{served}` from {folder}/ (`--app-dir {folder}`)")


def _at_import(imported: OwnPackageImport, found: appmodule.AppModule, service: str,
               message: str, reason: str) -> Violation:
    """A display-only report at the import statement that stops the served module."""
    return Violation(message=message, path=imported.path, line=imported.stmt.lineno,
                     column=imported.stmt.col_offset + 1, service=service,
                     subject=found.path, reason=reason)


def _shown(stmt: ast.Import | ast.ImportFrom) -> str:
    """The import statement as a message quotes it: cut to 60 characters."""
    written = ast.unparse(stmt)
    return written if len(written) <= 60 else written[:57] + "..."


def _bare_root_import(ws: Workspace, found: appmodule.AppModule) -> str | None:
    """A statement of the served module that imports by its bare name a module or package
    of the import root (`from routers import upload` beside app/routers/): it works only
    with that folder on sys.path, so serving the module from the folder above would stop
    it in turn. Shown with its place, or None."""
    file = ws.read(found.path)
    tree = parse(file) if file is not None else None
    imports = [s for s in (tree.body if tree is not None else [])
               if isinstance(s, (ast.Import, ast.ImportFrom))]
    modules = Modules(ws.read, found.root)
    for stmt in imports:
        names = [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else \
            [stmt.module] if not stmt.level and stmt.module else []
        if any(_root_holds(ws, modules, found.root, name.split(".")[0]) for name in names):
            return f"`{_shown(stmt)}` ({found.path}:{stmt.lineno})"
    return None


def _root_holds(ws: Workspace, modules: Modules, root: str, dotted: str) -> bool:
    """Whether the import root holds the module: a file or a regular package, else a folder
    (a namespace package)."""
    return modules.path_of(dotted) is not None or \
        tree_index.is_folder(ws.tree, posixpath.join(root, *dotted.split(".")))


def _own_package_advice(found: appmodule.AppModule, package: str, dotted: str) -> str:
    """How to make the package importable: a server serves the module by its dotted name
    from the folder that holds the package (the image must keep that folder: `COPY app
    ./app`, not `COPY app /app`); a script runs as a module of it."""
    if found.script or found.attr is None:
        how = f"run it as a module of the package (`python -m {dotted}`)"
    else:
        how = f"serve `{dotted}:{found.attr}`"
    return (f"{how} from the folder that holds {package}/, in the image too "
            f"(`COPY {package} ./{package}`), or import from {found.root}/ itself")


def _uncompiled(ws: Workspace, reached: Iterable[str], app: App) -> str | None:
    """Why the fix cannot promise that the service imports: fixer's compiler rejects a
    module on the import path (S004 reports it when the image's Python does too), so
    fixer cannot see the relative imports in it."""
    found = first_unreadable(ws.read, reached, app)
    if found is None:
        return None
    if found.stops_start:
        return f"{found.clause}: fixer cannot see its imports, and the service does not " \
            "start until a person corrects it"
    return f"{found.clause}: fixer cannot see its imports"


def _imported_in_functions_only(ws: Workspace, found: appmodule.AppModule,
                                reached: dict[str, str], failing: list[Failing]) -> bool:
    """Each failing module is on the app's import path only through imports inside
    functions (`from availability import count` in a route's body): importing the app runs
    none of them, so the service starts, and the requests that reach them fail. A module
    nothing is seen importing (a sibling of the app module) may be imported in a way fixer
    does not read: not counted."""
    if found.runner is not None or any(f.path not in reached or f.path == found.path
                                       for f in failing):
        return False
    at_import = Modules(ws.read, found.root, found.python_path).import_packages(
        found.path, found.package, at_import=True)
    return not any(f.path in at_import for f in failing)


def _report(ws: Workspace, found: appmodule.AppModule, service: BuiltService,
            failing: list[Failing], uncompiled: str | None,
            in_functions_only: bool = False) -> Violation:
    path, scanned = failing[0].path, failing[0].scanned
    if path != found.path and "/" not in path[len(found.root):].lstrip("/"):
        how = f"a top-level module beside the app module `{found.module}`: it fails when imported"
    elif path != found.path:
        how = f"which `{found.module}` imports: it climbs above the top-level package"
    elif found.script:
        how = "which the command runs as a script: it fails at start-up"
    else:
        how = f"which the command imports as top-level `{found.module}`: it fails at start-up"
    lazy = in_functions_only or all(f.scanned.lazy for f in failing)
    if in_functions_only:   # the service starts; the requests that import the module fail
        how = how.replace("it fails when imported", "it fails when a function that imports "
                                                    "it runs (a request), not at start-up")
    elif lazy:   # the service starts; the requests that call the function fail
        how = how.replace("fails at start-up", "fails when the function that holds it runs "
                                               "(a request), not at start-up")
    others = [f.path for f in failing[1:]]
    more = f"; also in {', '.join(others)}" if others else ""
    problem = uncompiled or next((f"{f.path}: {f.scanned.problems[0]}" if f.path != path
                                  else f.scanned.problems[0]
                                  for f in failing if f.scanned.problems), None) or \
        _shadowing(ws, service, found, failing) or _unfound(ws, found, failing)
    first = scanned.nodes[0]
    packages = {f.path: (f.package, f.scanned.silent) for f in failing}
    packaged = _packaged(ws, found) or _imported_as_package(ws, service, found, failing)
    title = "Import from the import root" + (f" ({packaged})" if packaged else "")
    fix = None if problem else Fix(title, Safety.UNSAFE if packaged else Safety.SAFE,
                                   partial(_absolutized, ws, packages,
                                           found.path if found.script else None))
    return Violation(message=f"relative import {scanned.summary()} in {path}, {how}{more}",
                     path=path, line=first.lineno, column=first.col_offset + 1,
                     service=service.name, subject=found.path, reason=problem or packaged,
                     fix=fix, starts=lazy)


def _unfound(ws: Workspace, found: appmodule.AppModule, failing: list[Failing]) -> str | None:
    """Why the absolute form would not import either: the module the dots point at (where
    the file sits) is no module of the import root (`from .helper import NAME` in a
    top-level `legacy.py`, with `helper.py` only inside `pkg/`)."""
    modules = Modules(ws.read, found.root)
    root = f"{found.root}/" if found.root else "the repository's root"
    for failed in failing:
        for node in failed.scanned.nodes:
            if node.lineno in failed.scanned.silent:
                continue
            target = target_module(failed.package, node.level, node.module, rooted=True)
            names = [target] if target else \
                [alias.name for alias in node.names] if target == "" else []
            missing = next((name for name in names
                            if not _root_holds(ws, modules, found.root, name)), None)
            if missing is not None:
                return (f"`{written(node)}` in {failed.path} names `{missing}`, which {root} "
                        "does not hold: the absolute import would fail too")
    return None


def _shadowing(ws: Workspace, service: BuiltService, found: appmodule.AppModule,
               failing: list[Failing]) -> str | None:
    """Why the absolute form would not import: a module the fix names at the top level
    (`from celery import celery_app` for `from .celery import ...`) is also imported
    absolutely for the installed package of that name (`from celery import Celery` in
    celery.py), a package the image installs. At the top level the local file wins, so
    that import finds itself, half-initialized: the service still stops at start-up, until
    the module is renamed."""
    local = {name for f in failing for n in f.scanned.nodes if n.level == 1 and not f.package
             for name in ([n.module.split(".")[0]] if n.module else
                          [a.name.split(".")[0] for a in n.names])}
    if not local:
        return None
    modules = Modules(ws.read, found.root)
    for path in sorted({f.path for f in failing} | set(appmodule.import_packages(ws, found))):
        loaded = modules.load(path)
        for node in ast.walk(loaded[1]) if loaded else ():
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if not node.level and node.module else []
            clash = next((n.split(".")[0] for n in names if n.split(".")[0] in local), None)
            # a name the image installs no package of (`from config import Config` beside
            # config.py) is the local module wherever it is imported
            if clash is not None and not _means_local(modules, clash, node) and \
                    installed_in_image(ws, service, clash):
                return (f"{path}:{node.lineno} imports the installed `{clash}`, which the "
                        f"local {clash} module would shadow at the top level: rename the "
                        "module first")
    return None


def _run_with_m(service: BuiltService) -> bool:
    """The command runs the app module with `python -m main`: as `__main__`, as a script."""
    launch = service.app.listen.launch
    return launch is not None and launch.runs_script and \
        (launch.target or "").startswith("-m ")


def _imports_the_main(main: str | None, failing: list[Failing]) -> str | None:
    """Why the absolute form would load the module the command runs twice: a relative
    import that points at it (`from .main import app` in routes.py, under `python main.py`
    or `python -m main`). It runs as `__main__`; `from main import app` imports the file
    again as `main`, with a second app whose routes the server never serves (or a name
    not yet defined in the half-run copy)."""
    if main is None:
        return None
    script = posixpath.basename(main)[:-3]
    for failed in failing:
        for node in failed.scanned.nodes:
            # the name the fix would write: from where the file sits, up to the import root
            target = target_module(failed.package, node.level, node.module, rooted=True)
            names = [target] if target else [a.name for a in node.names] \
                if target == "" else []
            if any(name.split(".")[0] == script for name in names):
                return (f"{failed.path}:{node.lineno} would import {script} by name, the "
                        f"module the command runs as `__main__`: Python would run "
                        f"{main} a second time, with an app of its own; serve the app "
                        f"with `uvicorn {script}:app` instead of the script, or import it "
                        "from another module")
    return None


def _means_local(modules: Modules, name: str, node: ast.Import | ast.ImportFrom) -> bool:
    """`from database import SessionLocal` where the local `database` module defines
    `SessionLocal` itself (a def, a class, an assignment, or a relative import of its own
    package's module: `from .session import SessionLocal` in database/__init__.py; not an
    absolute import of it), or a module of the local package (`from
    services.booking_service import X` beside services/booking_service.py): the local
    module is what the import means, and what it finds at the top level. `celery.py`'s own
    `from celery import Celery` is not: it imports the name."""
    dotted = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
        [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
    if any(d.startswith(name + ".") and modules.path_of(d) is not None for d in dotted):
        return True   # `from services.booking_service import X`: a module of the local package
    if not isinstance(node, ast.ImportFrom) or node.module != name or \
            any(alias.name == "*" for alias in node.names):
        return False
    path = modules.path_of(name)
    loaded = modules.load(path) if path is not None else None
    if loaded is None:
        return False
    defined = {target for statement in loaded[1].body for target in _defines(statement)}
    # `from services import cache_service`: a submodule of the local package is its too
    return all(alias.name in defined or modules.path_of(f"{name}.{alias.name}") is not None
               for alias in node.names)


def _defines(statement: ast.stmt) -> list[str]:
    """The names a top-level statement defines by itself, or takes from its own package
    (`from .session import get_db`): not those it imports from elsewhere."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, ast.ImportFrom) and statement.level:
        return [alias.asname or alias.name for alias in statement.names if alias.name != "*"]
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, ast.AnnAssign) else []
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _packaged(ws: Workspace, found: appmodule.AppModule) -> str | None:
    """Why the absolute imports may break what works now: the command's folder is itself a
    package, so other code (a service of the same image, `python -m`, a test) may import
    these modules through it, where `from config import x` finds no `config`."""
    init = posixpath.join(found.root, "__init__.py")
    if not ws.tree.exists(init):
        return None
    package = posixpath.basename(found.root)
    dotted = f"{package}.{posixpath.basename(found.path)[:-3]}"
    # what keeps both working: a script run as a module of its package, from the folder its
    # command already runs in; a server's may not be in the image (`COPY app/ .`), or be left
    # by `--chdir`, so no advice is given there
    instead = f" (running `python -m {dotted}` keeps both)" if found.script else ""
    return (f"{init} makes `{package}` a package: code that imports `{dotted}` would fail "
            f"on the absolute imports{instead}")


def _imported_as_package(ws: Workspace, service: BuiltService, found: appmodule.AppModule,
                         failing: list[Failing]) -> str | None:
    """Why the absolute imports may break what works now, with no `__init__.py` in the
    command's folder: Python imports it as a namespace package where something names its
    modules through it (`uvicorn app.main:app` of another service built from the same
    folder, `python -m app.worker`, a test's `from app.main import app` or `from
    services.api.routes import Item`). Their relative imports resolve there, and `from db
    import x` finds no `db`. A Python file whose import of the module fails there already,
    on its absolute import of a sibling (`_fails_either_way`), is no reason."""
    served = _served_in_packages(ws)
    for path in (f.path for f in failing):
        other = next(((name, dotted) for name, dotted in served.get(path, [])
                      if name != service.name), None)
        if other is not None:
            return (f"{other[0]} serves `{other[1]}` as part of the package "
                    f"`{other[1].split('.')[0]}`, where the absolute imports would fail")
    index = _dotted_imports(ws)
    commands = _compose_commands(ws)
    for path in sorted(f.path for f in failing):
        names = _names_through_folders(found.root, path)
        # read only where a file names the module: most are named nowhere
        sibling = _broken_sibling(ws, service, found, path) \
            if any(dotted in index for _folder, dotted in names) else None
        for folder, dotted in names:
            # named through the root's own folder, even from inside it (`python -m
            # src.sync` importing `src.routers.users`): that code runs as the package
            where = next((w for w in index.get(dotted, []) if _under(w[0], folder) and
                          not _fails_either_way(ws, found.root, w[0], sibling)), None) or \
                next(((p, line) for p, line, context in commands.get(dotted, [])
                      if _under(folder + "/", context)), None) or \
                next(((n.path, n.line) for n in commands_naming(ws).get(dotted, [])
                      if n.from_folder(folder)), None)
            if where is not None:
                return (f"{where[0]}:{where[1]} imports `{dotted}` as part of the package "
                        f"`{dotted.split('.')[0]}`, where the absolute imports would fail")
    return None


def _broken_sibling(ws: Workspace, service: BuiltService, found: appmodule.AppModule,
                    path: str) -> str | None:
    """The sibling that the module at `path` already imports absolutely at its top level
    (`database` for `from database import URL` in api/main.py), where an import of the
    module as part of a package (`api.main`) cannot find it either: a module or package of
    the import root and nothing else by that name in the repository, the standard library
    or the image's requirements. There the module fails on that import, fix or no fix."""
    loaded = Modules(ws.read, found.root).load(path)
    if loaded is None:
        return None
    file, tree = loaded
    # only a statement of the module's own body: one under an `if` may not run
    return next((top for stmt, top in run_imports(file, tree)
                 if stmt in tree.body and _only_in_root(ws, found.root, top)
                 and not installed_in_image(ws, service, top)), None)


def _only_in_root(ws: Workspace, root: str, name: str) -> bool:
    """`name` is a module or package of the import root, and no other file or folder of the
    repository bears it: no folder that code may put on sys.path holds one."""
    if name in sys.stdlib_module_names:   # found first, wherever a local one lies
        return False
    module, package = posixpath.join(root, name + ".py"), posixpath.join(root, name)
    if not ws.tree.exists(module) and not tree_index.is_folder(ws.tree, package):
        return False
    return not any(_bears(path, name) for path in tree_index.files_under(ws.tree, "")
                   if path != module and not tree_index.within(path, package))


def _bears(path: str, name: str) -> bool:
    """The file is a module `name` or lies in a folder `name`."""
    *folders, base = path.split("/")
    return base == name + ".py" or name in folders


def _fails_either_way(ws: Workspace, root: str, importer: str, sibling: str | None) -> bool:
    """The Python file `importer` imports the module as part of a package where the module's
    absolute import of `sibling` already fails: it is broken before the fix as after it,
    unless its run puts the import root on sys.path, where it works before and after. Only
    where nothing shows such a run (`_may_put_root_on_path`): there fixer keeps the finding
    unsafe, as for any other import through the package."""
    return sibling is not None and importer.endswith(".py") and \
        not _may_put_root_on_path(ws, root, importer)


def _may_put_root_on_path(ws: Workspace, root: str, importer: str) -> bool:
    """Whether the run of `importer` (a test, most often) may have the import root on
    sys.path: pytest inserts a test file's or conftest's first folder up without an
    `__init__.py` (the root, for `api/conftest.py`), the importer or the test setup
    changes sys.path or sets a pythonpath, or pytest's configuration sits in the root,
    where `python -m pytest` runs with it as the current folder."""
    setup = _test_setup(ws)
    file = ws.read(importer)
    return setup.widens or root in setup.inserted or _pytest_folder(ws, importer) == root or \
        file is None or _WIDENS_PATH.search(file.text) is not None or _pytest_rootdir(ws, root)


class _TestSetup(NamedTuple):
    """What the repository's tests may put on sys.path."""

    inserted: frozenset[str]   # the folders pytest inserts for its test files and conftests
    widens: bool               # a test file or the setup changes sys.path or a pythonpath


# per workspace: read only where a module with a broken sibling import is imported as a package
_TEST_SETUP: Memo[_TestSetup] = Memo("folders the tests put on sys.path")

# what pytest imports: test modules and conftests
_TEST_FILE = lazy_compile(r"(^|/)(conftest|test_[^/]*|[^/]*_test)\.py$")
# what configures a test run outside the image: pytest, tox, nox, make, just, shell, CI, .env
_SETUP_FILE = lazy_compile(r"(^|/)(pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|noxfile\.py|"
                           r"\.env[^/]*|GNUmakefile|[Mm]akefile|\.?[Jj]ustfile|[^/]+\.sh|"
                           r"\.gitlab-ci\.ya?ml|\.github/workflows/[^/]+\.ya?ml)$")
_WIDENS_PATH = lazy_compile(r"sys\.path|pythonpath|addsitedir", re.I)
# pytest's section of a configuration file: the file makes its folder pytest's rootdir
_PYTEST_CONFIG = lazy_compile(r"^\[(pytest|tool:pytest|tool\.pytest\.ini_options)\]", re.M)


def _test_setup(ws: Workspace) -> _TestSetup:
    return ws.derived.get(_TEST_SETUP, lambda: _read_test_setup(ws))


def _read_test_setup(ws: Workspace) -> _TestSetup:
    inserted: set[str] = set()
    widens = False
    for path in tree_index.files_under(ws.tree, ""):
        tested = _TEST_FILE.search(path) is not None
        if tested:
            inserted.add(_pytest_folder(ws, path))
        if tested or _SETUP_FILE.search(path):
            file = ws.read(path)
            widens = widens or file is None or _WIDENS_PATH.search(file.text) is not None
    return _TestSetup(frozenset(inserted), widens)


def _pytest_folder(ws: Workspace, path: str) -> str:
    """The folder pytest puts on sys.path for a test file (its default `prepend` mode): the
    first folder up from the file that holds no `__init__.py`."""
    folder = posixpath.dirname(path)
    while folder and ws.tree.exists(posixpath.join(folder, "__init__.py")):
        folder = posixpath.dirname(folder)
    return folder


def _pytest_rootdir(ws: Workspace, root: str) -> bool:
    """The import root holds a pytest configuration: a pytest.ini, however empty, or
    another configuration file with a pytest section."""
    if ws.tree.exists(posixpath.join(root, "pytest.ini")):
        return True
    files = (ws.read(posixpath.join(root, name)) for name in ("pyproject.toml", "tox.ini",
                                                               "setup.cfg"))
    return any(_PYTEST_CONFIG.search(file.text) for file in files if file is not None)


# per workspace: dotted module name -> (compose file, line, build context) of each built
# service whose compose `command:` or `entrypoint:` names it (`python -m app.jobs`,
# `celery -A app.worker`): it runs in the image of that context, not beside the file
_COMMANDS: Memo[dict[str, list[tuple[str, int, str]]]] = Memo("modules compose commands name")


def _compose_commands(ws: Workspace) -> dict[str, list[tuple[str, int, str]]]:
    return ws.derived.get(_COMMANDS, lambda: _index_compose_commands(ws))


def _index_compose_commands(ws: Workspace) -> dict[str, list[tuple[str, int, str]]]:
    found: dict[str, list[tuple[str, int, str]]] = {}
    for service in ws.apps():
        for key in ("command", "entrypoint"):
            given = service.get(key)
            argv = string_list(given[1]) if given is not None else None
            for match in DOTTED_COMMAND.finditer(" ".join(argv or ())):
                line = int(given[1].node.start_mark.line) + 1 if given is not None else 0
                found.setdefault(match.group(1), []).append(
                    (given[0].path if given is not None else "", line,
                     service.app.build.context))
    return found


def _names_through_folders(root: str, path: str) -> list[tuple[str, str]]:
    """(folder, dotted name) for each folder above the import root: the name a module of
    the root has where that folder is on `sys.path` (`services/api/routes.py` is
    `api.routes` from `services/`, `services.api.routes` from the repository's root)."""
    out: list[tuple[str, str]] = []
    folder = root
    while folder:
        folder = posixpath.dirname(folder)
        relative = path[len(folder) + 1:] if folder else path
        dotted = relative[:-3].replace("/", ".")
        if all(part.isidentifier() for part in dotted.split(".")):
            out.append((folder, dotted))
    return out


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


# per workspace: app module path -> (service, dotted name) of the services that serve it as a
# module of a package (`uvicorn app.main:app`)
_PACKAGE_SERVERS: Memo[dict[str, list[tuple[str, str]]]] = Memo("apps served in packages")


def _served_in_packages(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    return ws.derived.get(_PACKAGE_SERVERS, lambda: _index_package_servers(ws))


def _index_package_servers(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for service in app_services(ws):
        module = appmodule.find(ws, service)
        if module is not None and module.package:
            found.setdefault(module.path, []).append((service.name, module.module))
    return found


# per workspace: dotted module name -> where it is named as a module of a package: `from
# app.main import app` or `from app import main` in a .py file (`app.main` both), `-m
# app.worker` or `app.main:app` in a compose file or Dockerfile
_DOTTED: Memo[dict[str, list[tuple[str, int]]]] = Memo("dotted imports")


def _dotted_imports(ws: Workspace) -> dict[str, list[tuple[str, int]]]:
    return ws.derived.get(_DOTTED, lambda: _index_dotted(ws))


def _index_dotted(ws: Workspace) -> dict[str, list[tuple[str, int]]]:
    """Read once per workspace: I001 asks for every service it would fix."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in ws.tree.sorted_paths():
        name = posixpath.basename(path)
        python = path.endswith(".py")
        command = name.startswith(("Dockerfile", "compose", "docker-compose"))
        file = ws.read(path) if python or command else None
        if file is None:
            continue
        for dotted, at in _named_modules(file.text, python):
            found.setdefault(dotted, []).append((path, file.line_of(at)))
    return found


def _named_modules(text: str, python: bool) -> Iterator[tuple[str, int]]:
    if python:
        yield from imported_in_text(text)
    else:
        yield from ((m.group(1), m.start()) for m in DOTTED_COMMAND.finditer(text))


def _absolutized(ws: Workspace, packages: dict[str, tuple[str, frozenset[int]]],
                 script: str | None) -> list[Edit]:
    """Every module of the finding at once: the service imports only when all are fixed.
    The `__main__` block of a module that is not the `script` Python runs is left alone;
    the imports a `try` guards with a stand-in are rewritten where the finding counts them
    (their `silent` lines)."""
    edits: list[Edit] = []
    for path, (package, silent) in packages.items():
        file = ws.read(path)
        edit = narrow_edit(file.path, file.text, absolutize_imports(
            file.text, package, failing=True, main_runs=path == script, silent=silent)) \
            if file is not None else None
        if edit is not None:
            edits.append(edit)
    return edits
