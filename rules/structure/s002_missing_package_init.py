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
the same contents; nothing that imported before stops importing.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import partial

from fixer.core.edits import CreateFile, Edit
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.workspace import Workspace

CODE = "S002"
NAME = "missing-package-init"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE,)


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
        yield Violation(
            message=f"{folder}/ has no __init__.py: the command imports `{found.module}` "
                    "from it as a namespace package (Python 3 allows it; a regular package "
                    "is the norm)",
            path=found.path, line=1, service=service.name, subject=marker,
            fix=Fix(f"Create an empty {marker}", Safety.SAFE, partial(_created, marker)),
        )


def _created(marker: str) -> list[Edit]:
    return [CreateFile(marker, "")]
