"""The modules a check hands the compile worker (fixer/sources/compile_ahead.py).

Every Python file inside an app's build folder whose compile problem no earlier check of the
run asked: the modules a service's import path can reach. In a fix run's later checks that is
the few files the fixes changed, too few to start a worker for.
"""

from __future__ import annotations

import posixpath

from fixer.core.textfile import TextFile
from fixer.model.workspace import Workspace
from fixer.sources.python import compiled_known

# A repository with a virtualenv or a vendored tree inside a build folder: past this many,
# the rest is compiled in-process when asked, as every module was before the worker.
MAX_MODULES = 20_000


def modules_to_compile(ws: Workspace) -> list[TextFile]:
    folders = {service.app.folder for service in ws.apps()}
    if not folders:
        return []
    found: list[TextFile] = []
    for path in sorted(p for p in ws.tree.paths() if p.endswith(".py")):
        if not _inside(path, folders):
            continue
        file = ws.tree.peek(path)   # unnoted; an unreadable file is the rules' to report
        if file is not None and not compiled_known(file):
            found.append(file)
            if len(found) == MAX_MODULES:
                break
    return found


def _inside(path: str, folders: set[str]) -> bool:
    folder = posixpath.dirname(path)
    while True:
        if folder in folders:
            return True
        if not folder:
            return False
        folder = posixpath.dirname(folder)
