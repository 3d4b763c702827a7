"""A bind mount that hides the app's code: its source is a folder the repository does not
hold (`./app/:/app` beside no `app/`), so Docker creates it empty on the host, and the
mount lays that empty folder over the module the image put where the server imports it.
Or its source is a folder the repository holds without the module at the place the mount
puts over it (`.:/app`, the checkout's root, over the `/app/main.py` that `COPY ./app /app`
wrote, where the root has `app/main.py` but no `main.py`): the mount brings what the
checkout holds, and the image's module is gone.
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from fixer.model import appmodule
from fixer.model.image_paths import in_image
from fixer.model.installed_project import installs_local_code
from fixer.model.services import BuiltService, relative_bind_mounts
from fixer.model.submodules import in_checkout, in_submodule
from fixer.model.workspace import Workspace


class HiddenCode(NamedTuple):
    written: str     # the mount's source as compose writes it: `./app/`
    path: str        # that source as a repository path: `app`
    target: str      # where it is mounted: `/app`
    served: str      # the served module's file in the container: `/app/main.py`
    # the repository file the mount would need there (`main.py`), where the repository
    # holds the folder; "" where it holds no such folder
    lacking: str = ""

    def says(self) -> str:
        if self.lacking:
            return (f"mounts `{self.written}` over {self.target}, which hides the "
                    f"{self.served} the image puts there, and the repository has no "
                    f"{self.lacking} to take its place: the server stops at start-up with "
                    "ModuleNotFoundError")
        return (f"mounts `{self.written}` over {self.target}, and the repository has no "
                f"{self.path}/: Docker creates it empty, which hides the {self.served} the "
                "image puts there: the server stops at start-up with ModuleNotFoundError")


def hidden_code(ws: Workspace, service: BuiltService) -> HiddenCode | None:
    """The bind mount over the served module whose source the repository does not hold.
    Not where the module may come from elsewhere (a package the image installs, a
    PYTHONPATH entry other than the server's working directory), nor a source git ignores (a step writes it) or a submodule's (a recursive
    checkout fills it)."""
    served = appmodule.served_file(ws, service)
    if served is None or installs_local_code(service) or \
            appmodule.python_path_beyond_cwd(ws, service):
        return None
    for written, path, target in relative_bind_mounts(service):
        over = posixpath.normpath(target).rstrip("/") + "/"
        if not served.startswith(over):
            continue
        if not _held(ws, path):   # hides what the image puts there, if it puts it there
            if _in_image(ws, service, served):
                return HiddenCode(written, path, target, served)
            continue
        # nothing of the image's hidden: a module it lacks is S005's own case; and a base
        # image's own start picks its module from what is there once the mount is in
        region = service.app.listen.region
        chosen_at_start = region is not None and region.kind == "FROM"
        lacking = _lacking(ws, path, served[len(over):]) \
            if _in_image(ws, service, served) and not chosen_at_start else None
        if lacking is not None:
            return HiddenCode(written, path, target, served, lacking)
    return None


def _in_image(ws: Workspace, service: BuiltService, path: str) -> bool:
    """The image's COPY puts a file of the build context at `path`."""
    app = service.app
    return in_image(ws.tree, app.folder, app.dockerfile, app.stage, path) is not None


def _lacking(ws: Workspace, folder: str, inner: str) -> str | None:
    """The repository path of the module the mounted `folder` would have to hold at `inner`
    (`main.py`), where it holds neither that file nor the package of that name, nor does
    git ignore them (a file a host may have); None where it may hold it, or where the
    folder is outside what fixer reads."""
    if folder in ("..",) or folder.startswith("../"):
        return None
    base = posixpath.normpath(posixpath.join(folder, inner))
    package = posixpath.join(posixpath.splitext(base)[0], "__init__.py")
    candidates = [base, package]
    if any(ws.tree.exists(p) for p in candidates) or ws.tree.ignored(candidates) or \
            in_submodule(ws, base):
        return None
    return base


def _held(ws: Workspace, path: str) -> bool:
    """The repository holds the path, or a checkout may: git ignores it, or a submodule
    puts it there."""
    if path in ("", ".") or path == ".." or path.startswith("../"):
        return True
    return in_checkout(ws, path) or bool(ws.tree.ignored([path, path + "/_"]))
