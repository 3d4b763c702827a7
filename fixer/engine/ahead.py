"""The modules a check hands the compile worker (fixer/sources/compile_ahead.py).

A check of a folder starts the worker before the workspace loads (`early`): it is sent the
Python files below every folder that holds a Dockerfile (where build contexts are), read
from disk by the worker itself, so that they are compiled on the second core while the first
loads the workspace. Where none was started early (a tree in memory, a git commit's, too few
modules), a check starts one when its rules begin (`ahead_of`), with every Python file inside
an app's build folder whose compile problem no earlier check of the run asked: in a fix run's
later checks that is the few files the fixes changed, too few to start a worker for. A
module no worker answers for (a build whose Dockerfile lies outside its context) is compiled
in-process when asked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from fixer.core import tree_index
from fixer.core.textfile import TextFile, is_dockerfile
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from fixer.sources import compile_ahead
from fixer.sources.python import compiled_known

# A repository with a virtualenv or a vendored tree inside a build folder: past this many,
# the rest is compiled in-process when asked, as every module was before the worker.
MAX_MODULES = 20_000


@contextmanager
def early(tree: Tree) -> Iterator[None]:
    """A worker compiling the folder's modules below Dockerfiles while the block runs (the
    workspace's load and the check), when the tree is a folder's and they are many."""
    if not isinstance(tree.source, FolderSource):
        yield
        return
    try:
        paths = tree.source.paths()
    except OSError:   # the load says what is wrong with the folder
        yield
        return
    with compile_ahead.compiling_from_disk(str(tree.source.root), modules_below_builds(paths),
                                           tree.source.max_bytes):
        yield


def modules_below_builds(paths: Iterable[str]) -> list[str]:
    """The Python files below a folder holding a Dockerfile (`Dockerfile`, `Dockerfile.prod`,
    `api.dockerfile`, `Containerfile`), in path order, at most MAX_MODULES."""
    listed = sorted(paths)
    builds = {posixpath.dirname(path) for path in listed
              if is_dockerfile(path)}
    found: list[str] = []
    for path in listed:
        if path.endswith(".py") and _below(path, builds):
            found.append(path)
            if len(found) == MAX_MODULES:
                break
    return found


def _below(path: str, folders: set[str]) -> bool:
    folder = posixpath.dirname(path)
    while True:
        if folder in folders:
            return True
        if not folder:
            return False
        folder = posixpath.dirname(folder)


def ahead_of(ws: Workspace) -> AbstractContextManager[object]:
    """The compile worker for a check of `ws` starting now: none when one runs already (the
    one started early), else one for the modules of its build folders."""
    if compile_ahead.CURRENT:
        return nullcontext()
    return compile_ahead.compiling(modules_to_compile(ws))


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
