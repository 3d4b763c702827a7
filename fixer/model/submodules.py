"""The repository's git submodules: folders a checkout made with `--recurse-submodules` fills.

A folder a submodule occupies holds nothing in the repository fixer reads (a gitlink, or an
empty folder), but the checkout the project documents has its files: a COPY of it or a bind
mount of it is not of a missing folder.
"""

from __future__ import annotations

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import is_folder
from fixer.model.workspace import Workspace

# `path = vendor/app` of a `.gitmodules` section
_SUBMODULE_PATH = lazy_compile(r"(?m)^[ \t]*path[ \t]*=[ \t]*(\S+)")
_PATHS: Memo[tuple[str, ...]] = Memo("git submodule paths")


def in_submodule(ws: Workspace, path: str) -> bool:
    """The path is a submodule's folder, lies in one, or holds one."""
    return any(path == held or path.startswith(held + "/") or held.startswith(path + "/")
               for held in ws.derived.get(_PATHS, lambda: _declared(ws)))


def _declared(ws: Workspace) -> tuple[str, ...]:
    modules = ws.scan(".gitmodules")
    return tuple(p.strip("/") for p in _SUBMODULE_PATH.findall(modules.text)) \
        if modules is not None else ()


def in_checkout(ws: Workspace, path: str) -> bool:
    """The repository holds the path (a file or a folder), or a submodule puts it there."""
    return ws.tree.exists(path) or is_folder(ws.tree, path) or in_submodule(ws, path)
