"""The app package the command imports has no `__init__.py`.

## What it does
Finds the folder of the app module (`app/` for `uvicorn app.main:app`) when the
command imports the module as part of a package and that folder has no
`__init__.py`.

## Why is this bad?
Without `__init__.py` the folder is only a namespace package: it still imports,
but any other `app` folder on `sys.path` merges into it, tools (pytest, mypy,
setuptools' `find_packages`) skip or misname it, and relative imports inside it
depend on how it happened to be found. The fleet's convention is a regular
package.

## Example
```text
notification_service/app/main.py      # CMD ["uvicorn", "app.main:app", ...]
```

## Use instead
```text
notification_service/app/__init__.py  # empty
notification_service/app/main.py
```

## Fix safety
Safe: an empty `__init__.py` makes the namespace package a regular package with
the same contents; nothing that imported before stops importing. Display-only when the
code imports a module of the package that the folder does not hold (`acme.billing`
beside `acme/main.py`, in an import statement or as the name given to
`importlib.import_module` or `__import__`): another folder shares the namespace, and an
`__init__.py` would hide it. The reason names that folder when it is the repository's and
the container has it on PYTHONPATH (`COPY libs/core /opt/core`, `ENV PYTHONPATH=/opt/core`);
else an installed distribution may be the one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core import tree_index
from fixer.core.edits import CreateFile, Edit
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.image_paths import locate, workdir
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.python_modules import imported_in_text

CODE = "S002"
NAME = "missing-package-init"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        if found is None or not found.from_command or found.script or "." not in found.module:
            continue
        folder = posixpath.dirname(found.path)
        marker = posixpath.join(folder, "__init__.py")
        if marker in seen or ws.tree.exists(marker):
            continue
        seen.add(marker)
        report = Violation(
            message=f"{folder}/ has no __init__.py: the command imports `{found.module}` "
                    "from it as a namespace package (Python 3 allows it; a regular package "
                    "is the norm)",
            path=found.path, line=1, service=service.name, subject=marker)
        elsewhere = _shared_namespace(ws, service, found.root, folder, found.package)
        if elsewhere is not None:
            yield replace(report, reason=elsewhere)
            continue
        yield replace(report, fix=Fix(f"Create an empty {marker}", Safety.SAFE,
                                      partial(_created, marker)))


_SCAN_LIMIT = 500   # Python files read for imports of the package's submodules


def _shared_namespace(ws: Workspace, service: BuiltService, root: str, folder: str,
                      package: str) -> str | None:
    """Why the namespace package is meant: the code imports a module of it that the folder
    does not hold (`acme.billing` beside `acme/main.py`), which another folder sharing the
    namespace provides: one of the repository's that the container has on PYTHONPATH, named
    when fixer sees it, else maybe an installed distribution. An `__init__.py` would make
    `acme` this folder alone, and that import would fail."""
    files = [p for p in tree_index.files_under(ws.tree, root) if p.endswith(".py")]
    for path in files[:_SCAN_LIMIT]:
        file = ws.read(path)
        for parts in _submodules_imported(file.text, package) if file is not None else ():
            sub = parts[1]
            if not (ws.tree.exists(posixpath.join(folder, sub + ".py"))
                    or tree_index.is_folder(ws.tree, posixpath.join(folder, sub))):
                sharer = _sharer(ws, service, folder, parts) or \
                    f"an installed distribution may share the `{package}` namespace"
                return (f"{path} imports `{package}.{sub}`, which {folder}/ does not hold: "
                        f"{sharer}, and an `__init__.py` would hide it")
    return None


def _sharer(ws: Workspace, service: BuiltService, folder: str,
            parts: list[str]) -> str | None:
    """The repository's folder that shares the namespace: one holding the module the import
    names (`app.common.db`, its longest part found first) where a PYTHONPATH entry of the
    container puts it (`libs/core/app`, copied to /opt/core, with `ENV
    PYTHONPATH=/opt/core`)."""
    cwd = workdir(service)
    for entry in appmodule.python_path(ws, service):
        on_path = posixpath.normpath(posixpath.join(cwd, entry))
        for depth in range(len(parts), 1, -1):
            module = "/".join(parts[:depth])
            for relative in (module + ".py", module + "/__init__.py"):
                found = locate(ws.tree, service, on_path, relative)
                shared = _up(found, relative.count("/")) if found is not None else folder
                if shared != folder:
                    return (f"the repository's {shared}/ shares the `{parts[0]}` namespace "
                            f"(the container has it at {posixpath.join(on_path, parts[0])}/, "
                            "on PYTHONPATH)")
    return None


def _up(path: str, levels: int) -> str:
    for _ in range(levels):
        path = posixpath.dirname(path)
    return path


def _submodules_imported(text: str, package: str) -> list[list[str]]:
    """The modules the text imports from the package, as dotted parts, as written: `from
    acme.billing import x`, `import acme.billing`, and each name of `from acme import
    billing, auth`, in parentheses over several lines too;
    `importlib.import_module("acme.billing")`."""
    return [parts for dotted, _at in imported_in_text(text)
            if (parts := dotted.split("."))[0] == package and len(parts) > 1]


def _created(marker: str) -> list[Edit]:
    return [CreateFile(marker, "")]
