"""A relative import in a service's code, where the policy wants absolute imports.

## What it does
Finds every relative import in the Python files of a service folder and names
the absolute import from the service's import root (the folder the command puts
on `sys.path`). Off unless selected by its full code: `--select I002`.

## Why is this bad?
Relative imports inside a package work, but the audit's policy is "uses absolute
imports": an absolute import reads the same wherever the module moves, and a
module that is later run as a script or served as top level keeps working.

## Example
```python
# app/routes/users.py, the app served as app.main:app
from ..db import session
from . import schemas
```

## Use instead
```python
from app.db import session
from app.routes import schemas
```

## Fix safety
Safe: the absolute import names the module the relative one resolved to, from
the import root of the command; comments and formatting around it are kept.
Display-only where the dots climb above the import root, or where a top-level
module's import has no absolute form (see I001). Files outside the import root
are left alone: they have no absolute name to use.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from fixer.core import tree_index
from fixer.core.edits import Edit
from fixer.core.textfile import TextFile
from fixer.core.tree import SKIPPED_DIRS
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.workspace import Workspace
from fixer.sources.python import narrow_edit, package_of
from fixer.sources.relative_imports import absolutize_imports, scan_relative

CODE = "I002"
NAME = "relative-import"
CATEGORY = Category.IMPORTS
SEVERITY = Severity.WARNING
READS_APP_CODE = True   # the modules' imports
SAFETY = (Safety.SAFE, Safety.DISPLAY)
DEFAULT = False


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        root = found.root if found is not None else service.app.folder
        for path in _python_files(ws, service.app.folder):
            package = package_of(path, root)
            if path in seen or package is None:
                continue
            seen.add(path)
            report = _report(ws, path, package, service.name)
            if report is not None:
                yield report


def _python_files(ws: Workspace, folder: str) -> list[str]:
    return [p for p in tree_index.files_under(ws.tree, folder) if p.endswith(".py")
            and not SKIPPED_DIRS.intersection(p.split("/"))]


def _report(ws: Workspace, path: str, package: str, service: str) -> Violation | None:
    file = ws.read(path)
    scanned = scan_relative(file, package) if file is not None else None
    if file is None or scanned is None:
        return None
    first = scanned.nodes[0]
    problem = scanned.problems[0] if scanned.problems else None
    fix = None if problem else Fix("Import from the import root", Safety.SAFE,
                                   partial(_absolutized, file, package))
    return Violation(message=f"relative import {scanned.summary()} in {path}", path=path,
                     line=first.lineno, column=first.col_offset + 1, service=service,
                     subject=path, reason=problem, fix=fix)


def _absolutized(file: TextFile, package: str) -> list[Edit]:
    edit = narrow_edit(file.path, file.text, absolutize_imports(file.text, package))
    return [edit] if edit else []
