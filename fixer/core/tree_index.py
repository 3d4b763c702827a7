"""The files of a tree by folder, built once per tree: which files a folder holds,
which folders exist. Finding app modules asks these questions for every service.
"""

from __future__ import annotations

import bisect
import posixpath
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.tree import Tree


@dataclass
class _TreeIndex:
    """Per tree, built once: files by folder, every folder, every file in path order, and
    files by name."""

    files: dict[str, list[str]]
    folders: set[str]
    ordered: list[str]
    named: dict[str, list[str]]


_INDEX: Memo[_TreeIndex] = Memo("folder index")


def _index(tree: Tree) -> _TreeIndex:
    return tree.derived.get(_INDEX, lambda: _build(tree))


def _build(tree: Tree) -> _TreeIndex:
    files: dict[str, list[str]] = {}
    folders: set[str] = {""}
    named: dict[str, list[str]] = {}
    ordered = sorted(tree.paths())
    for path in ordered:
        folder, name = posixpath.split(path)
        files.setdefault(folder, []).append(path)
        named.setdefault(name, []).append(path)
        while folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return _TreeIndex(files, folders, ordered, named)


def files_in(tree: Tree, folder: str) -> list[str]:
    """The files directly inside a folder."""
    return _index(tree).files.get(folder, [])


def files_under(tree: Tree, folder: str) -> list[str]:
    """Every file below a folder, at any depth, in path order."""
    ordered = _index(tree).ordered
    if not folder:
        return ordered
    prefix = folder + "/"
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, folder + "0")  # "0" sorts right after "/"
    return ordered[start:end]


def within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it ("" is the repository's root)."""
    return not folder or path == folder or path.startswith(folder + "/")


def named_under(tree: Tree, folder: str, name: str) -> list[str]:
    """The files called `name` below a folder, at any depth, in path order."""
    found = _index(tree).named.get(name, [])
    return found if not folder else [p for p in found if p.startswith(folder + "/")]


def is_folder(tree: Tree, folder: str) -> bool:
    return folder in ("", ".") or folder in _index(tree).folders


def folders_prefixed(tree: Tree, folder: str) -> list[str]:
    """The folders beside `folder` whose name is its name after a prefix and a separator
    (`1_orders`, `svc-orders` beside `orders`), sorted: what it may have been renamed to."""
    parent, name = posixpath.split(folder)
    return sorted(f for f in _index(tree).folders
                  if posixpath.dirname(f) == parent and _prefixed(posixpath.basename(f), name))


def _prefixed(other: str, name: str) -> bool:
    return len(other) > len(name) and other.endswith(name) and other[-len(name) - 1] in "-_."


def folders_like(tree: Tree, folder: str) -> list[str]:
    """The folders whose path differs from `folder` only in case, sorted: what a checkout on
    a case-insensitive disk (macOS, Windows) finds under the name, and Linux does not."""
    wanted = folder.lower()
    return sorted(f for f in _index(tree).folders if f.lower() == wanted and f != folder)


