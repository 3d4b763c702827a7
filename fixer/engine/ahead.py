"""The modules a check hands the compile worker (fixer/sources/compile_ahead.py).

Every Python file inside an app's build folder whose compile problem no earlier check of the
run asked: the modules a service's import path can reach. In a fix run's later checks that is
the few files the fixes changed, too few to start a worker for.
"""

from __future__ import annotations

from fixer.core import tree_index
from fixer.core.textfile import TextFile
from fixer.model.workspace import Workspace
from fixer.sources.python import compiled_known

# A repository with a virtualenv or a vendored tree inside a build folder: past this many,
# the rest is compiled in-process when asked, as every module was before the worker.
MAX_MODULES = 20_000


def modules_to_compile(ws: Workspace) -> list[TextFile]:
    folders = {service.app.folder for service in ws.apps()}
    paths = {path for folder in folders for path in tree_index.files_under(ws.tree, folder)
             if path.endswith(".py")}
    found: list[TextFile] = []
    for path in sorted(paths):
        file = ws.tree.peek(path)   # unnoted; an unreadable file is the rules' to report
        if file is not None and not compiled_known(file):
            found.append(file)
            if len(found) == MAX_MODULES:
                break
    return found
