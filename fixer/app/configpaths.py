"""Paths in a configuration file that does not sit in the folder fixer checks.

Paths in a configuration file are relative to the file's own folder, wherever fixer finds it
(walking up from PATH) or is told of it (`--config FILE`); fixer reads the repository at PATH,
so each is moved to PATH's root before use:

- an `exclude` glob without `/` (`legacy`, `*.gen.yml`) matches a name at any depth: it stays;
- a glob with `/` is anchored at the file's folder. Below PATH, the part that names PATH is
  taken off (`sub/legacy/` checking `sub/` is `legacy/`; `**` matches PATH's folders as it
  matches any other, so `**/fixtures/*.yaml` stays and `**/sub/x` checking `a/sub` is both
  `x` and `**/sub/x`). A glob that matches PATH itself or a folder above it is not applied:
  PATH was named, as ruff checks a path given on its command line. A glob that cannot reach
  below PATH is dropped;
- when the file sits below PATH (`--config ci/fixer.toml` checking `.`), its folder is put in
  front of each anchored glob and each stack file;
- a `stacks` group is kept when every file of it lies below PATH (moved to PATH's root);
  a group with a file outside PATH is dropped: fixer cannot read that file as part of it.

A name left over at PATH's top (`sub/legacy` checking `sub/` leaves `legacy`) would match at
any depth if written alone, so it becomes `legacy/**` (what the folder holds), and also
`legacy` when PATH's top holds a file of that name: that one file is never read, nor (the
glob syntax cannot anchor a bare name) are files of that name further down.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from fixer.core.exclude import glob_regex


def _from_path(folder: Path, root: Path) -> str:
    """`folder` relative to PATH's root, as a `/`-separated path ("." for the root itself;
    starting with ".." when it is not below it)."""
    return Path(os.path.relpath(folder, root)).as_posix()


def _above(relative: str) -> bool:
    return relative == ".." or relative.startswith("../")


def _segment_matches(glob: str, name: str) -> bool:
    """One glob segment (no `/`, not `**`) against one folder name."""
    return re.match(glob_regex(glob), name) is not None


def _rests(parts: list[str], below: list[str]) -> set[tuple[str, ...]]:
    """What is left of the glob `parts` once its head has matched the folders `below`
    (from the file's folder down to PATH): one rest per way `**` can match them. An empty
    rest: the glob matches PATH itself or a folder above it."""
    if not below:
        return {tuple(parts)}
    if not parts:
        return {()}
    if parts[0] == "**":
        return _rests(parts[1:], below) | _rests(parts, below[1:])
    if _segment_matches(parts[0], below[0]):
        return _rests(parts[1:], below[1:])
    return set()


def _top_files(root: Path, glob: str) -> bool:
    """PATH's top holds a file this one-segment glob names."""
    try:
        return any(entry.is_file() and _segment_matches(glob, entry.name)
                   for entry in os.scandir(root))
    except OSError:
        return False


def _written(rest: tuple[str, ...], folder_only: bool, root: Path) -> list[str]:
    """A rest as globs anchored at PATH's root (see the module docstring for a bare name)."""
    if not rest or rest == ("**",):
        return []   # PATH itself, or all of it: PATH was named, so it is checked
    if len(rest) > 1:
        return ["/".join(rest)]
    name = rest[0]
    files = [] if folder_only else [name] if _top_files(root, name) else []
    return [f"{name}/**", *files]


def move_glob(pattern: str, folder: Path, root: Path) -> list[str]:
    """An `exclude` glob of a configuration file in `folder`, as globs anchored at PATH's
    `root` (none: it cannot match below PATH)."""
    clean = pattern.strip().removeprefix("./")
    body = clean.strip("/")
    if "/" not in body:
        return [pattern]   # a name at any depth: the same below PATH
    parts = [p for p in body.split("/") if p not in ("", ".")]
    base = folder
    while parts and parts[0] == "..":
        base, parts = base.parent, parts[1:]
    where = _from_path(base, root)
    if not _above(where):   # the file's folder is PATH or below it
        rests = {tuple(parts) if where == "." else (*where.split("/"), *parts)}
    elif _above(below := _from_path(root, base)):
        return []   # a folder beside PATH
    else:
        rests = _rests(parts, below.split("/"))
    return sorted({g for rest in rests for g in _written(rest, clean.endswith("/"), root)})


def move_globs(patterns: Iterable[str], folder: Path, root: Path) -> tuple[str, ...]:
    return tuple(g for p in patterns for g in move_glob(p, folder, root))


def move_stacks(groups: Iterable[tuple[str, ...]], folder: Path,
                root: Path) -> tuple[tuple[str, ...], ...]:
    """Each stack whose files all lie below PATH, its files relative to PATH's root."""
    moved = []
    for group in groups:
        paths = [_from_path(Path(posixpath.normpath(folder / p)), root) for p in group]
        if not any(_above(p) or p == "." for p in paths):
            moved.append(tuple(paths))
    return tuple(moved)
