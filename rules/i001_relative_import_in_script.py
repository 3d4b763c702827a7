"""A relative import in a module that runs at the top level, where it cannot work.

## What it does
Finds relative imports (`from .db import x`, `from . import models`) in modules
that the command loads as top-level modules: the app module of `uvicorn main:app`
(no package above it), the script of `python main.py`, and every other module in
that import root, which the app can only import as top-level modules too (unless the
root folder is itself a package).

## Why is this bad?
A top-level module has no parent package, so Python stops the service at start-up
with `ImportError: attempted relative import with no known parent package`.

## Example
```python
# main.py, served by CMD ["uvicorn", "main:app", ...]
from .db import session
from . import models
```

## Use instead
```python
from db import session
import models
```

## Fix safety
Safe: the import names the same module through the import root the command puts
on `sys.path`; comments and formatting around it are kept. Display-only where
there is no absolute form: dots that climb above the import root, `from . import *`,
a local module named like a standard library module (the absolute import would
load the standard one), or comments inside parenthesized names that `import a, b`
cannot hold.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from fixer import appmodule, tree_index
from fixer.edits import Edit
from fixer.rule import Category, Finding, Report, Safety
from fixer.sources.python import narrow_edit
from fixer.sources.relative_imports import absolutize_imports, scan_relative
from fixer.workspace import Workspace
from fixer.appservice import app_services

CODE = "I001"
NAME = "relative-import-in-script"
CATEGORY = Category.IMPORTS
SAFETY = (Safety.SAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Report]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        if found is None or not found.from_command or found.package:
            continue  # a package module: its relative imports resolve
        for path in _top_level_modules(ws, found):
            if path in seen:
                continue
            seen.add(path)
            report = _report(ws, path, found, service.name)
            if report is not None:
                yield report


def _top_level_modules(ws: Workspace, found: appmodule.AppModule) -> list[str]:
    """The app module, then the other modules of its import root: the app can import them
    only as top-level modules, unless the root is itself a package (then something else,
    PYTHONPATH for one, may import them through it)."""
    if ws.tree.exists(posixpath.join(found.root, "__init__.py")):
        return [found.path]
    siblings = [p for p in tree_index.files_in(ws.tree, found.root)
                if p.endswith(".py") and p != found.path
                and posixpath.basename(p)[:-3].isidentifier()]
    return [found.path, *siblings]


def _report(ws: Workspace, path: str, found: appmodule.AppModule, service: str) -> Report | None:
    file = ws.read(path)
    scanned = scan_relative(file, "") if file is not None else None
    if scanned is None:
        return None
    if path != found.path:
        how = f"a top-level module beside the app module `{found.module}`: it fails when imported"
    elif found.script:
        how = "which the command runs as a script: it fails at start-up"
    else:
        how = f"which the command imports as top-level `{found.module}`: it fails at start-up"
    message = f"relative import {scanned.summary()} in {path}, {how}"
    first = scanned.nodes[0]
    problem = scanned.problems[0] if scanned.problems else None
    return Report(message=message, path=path, line=first.lineno, column=first.col_offset + 1,
                  service=service, subject=path, reason=problem,
                  safety=Safety.DISPLAY if problem else Safety.SAFE,
                  fix_title=None if problem else "Import from the import root")


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    file = ws.read(finding.report.path)
    if file is None:
        return []
    edit = narrow_edit(file.path, file.text, absolutize_imports(file.text, ""))
    return [edit] if edit else []
