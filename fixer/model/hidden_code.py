"""A bind mount that hides the app's code: its source is a folder the repository does not
hold (`./app/:/app` beside no `app/`), so Docker creates it empty on the host, and the
mount lays that empty folder over the module the image put where the server imports it.
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from fixer.core.tree_index import is_folder
from fixer.model import appmodule
from fixer.model.installed_project import installs_local_code
from fixer.model.services import BuiltService, relative_bind_mounts
from fixer.model.submodules import in_submodule
from fixer.model.workspace import Workspace


class HiddenCode(NamedTuple):
    written: str     # the mount's source as compose writes it: `./app/`
    path: str        # that source as a repository path: `app`
    target: str      # where it is mounted: `/app`
    served: str      # the served module's file in the container: `/app/main.py`

    def says(self) -> str:
        return (f"mounts `{self.written}` over {self.target}, and the repository has no "
                f"{self.path}/: Docker creates it empty, which hides the {self.served} the "
                "image puts there: the server stops at start-up with ModuleNotFoundError")


def hidden_code(ws: Workspace, service: BuiltService) -> HiddenCode | None:
    """The bind mount over the served module whose source the repository does not hold.
    Not where the module may come from elsewhere (a package the image installs,
    PYTHONPATH), nor a source git ignores (a step writes it) or a submodule's (a recursive
    checkout fills it)."""
    served = appmodule.served_file(ws, service)
    if served is None or installs_local_code(service) or \
            appmodule.sets_python_path(ws, service):
        return None
    for written, path, target in relative_bind_mounts(service):
        over = posixpath.normpath(target).rstrip("/") + "/"
        if served.startswith(over) and not _held(ws, path):
            return HiddenCode(written, path, target, served)
    return None


def _held(ws: Workspace, path: str) -> bool:
    """The repository holds the path, or a checkout may: git ignores it, or a submodule
    puts it there."""
    if path in ("", ".") or path == ".." or path.startswith("../"):
        return True
    return ws.tree.exists(path) or is_folder(ws.tree, path) or \
        bool(ws.tree.ignored([path, path + "/_"])) or in_submodule(ws, path)
