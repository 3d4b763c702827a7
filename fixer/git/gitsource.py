"""A commit's tree as the base of a fixer Tree: fixes are computed from what is
committed, never from uncommitted files in the working tree.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import git

from fixer.core.errors import InputError
from fixer.core.tree import MAX_FILE_BYTES, SKIPPED_DIRS, GitIgnores, too_large


# A chain of links longer than this is a loop, as the kernel's own limit says for paths.
_LINK_HOPS = 8


class _Entry(NamedTuple):
    """A file of the commit as its tree lists it."""

    sha: str     # hex
    mode: int    # git's: 0o100644, 0o100755, 0o120000 for a link
    size: int


class CommitSource:
    """Files of `commit` below `prefix` (a folder inside the repository, "" for its root).
    A symbolic link to a file below the prefix reads as its target, as a checkout would;
    one that leaves the prefix is an input error, never followed (the same boundary as
    the working tree's).

    The tree is listed by one `git ls-tree -r -l`, sizes included: walking it object by
    object and asking each file's size took a second at 1,000 services."""

    def __init__(self, repo: git.Repo, commit: git.Commit, prefix: str = "",
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        self.repo = repo
        self.commit = commit
        self.prefix = prefix.strip("/")
        self.max_bytes = max_bytes   # `max-file-size`, as for a folder: the blob is not read
        self._files: dict[str, _Entry] | None = None
        # the working tree's ignore rules: those a commit of a new file there goes by
        top = repo.working_tree_dir
        self._ignores = GitIgnores(Path(top, self.prefix)) if top is not None else None

    def _index(self) -> dict[str, _Entry]:
        if self._files is None:
            root = self.commit.tree / self.prefix if self.prefix else self.commit.tree
            files = _listed(self.repo, root.hexsha)
            folders = {"/".join(p.split("/")[:n]) for p in files
                       for n in range(1, p.count("/") + 1)} | {"."}
            # A link to a folder is not followed, as the working tree's walk does not
            for path in [p for p, e in files.items() if stat.S_ISLNK(e.mode)]:
                if _joined(path, self._link_text(files[path])) in folders:
                    del files[path]
            self._files = files
        return self._files

    def paths(self) -> list[str]:
        return sorted(self._index())

    def is_link(self, path: str) -> bool:
        entry = self._index().get(path)
        return entry is not None and stat.S_ISLNK(entry.mode)

    def read_bytes(self, path: str) -> bytes:
        entry = self._index()[self._target(path)]
        if entry.size > self.max_bytes:
            raise too_large(path, self.max_bytes)
        return self._data(entry)

    def mode(self, path: str) -> int:
        return stat.S_IMODE(self._index()[self._target(path)].mode)

    def ignored(self, paths: Iterable[str]) -> set[str]:
        return self._ignores.among(paths) if self._ignores is not None else set()

    # blobs are read through the repository's one `git cat-file --batch` process: a fork
    # reading beside this process would interleave with it on the same pipes
    fork_safe = False

    def _data(self, entry: _Entry) -> bytes:
        data: bytes = self.repo.odb.stream(bytes.fromhex(entry.sha)).read()
        return data

    def _link_text(self, entry: _Entry) -> str:
        return self._data(entry).decode("utf-8", "surrogateescape")

    def _target(self, path: str) -> str:
        """The file a path names, following links inside the prefix."""
        for _hop in range(_LINK_HOPS):
            if not self.is_link(path):
                return path
            written = self._link_text(self._index()[path])
            target = _joined(path, written)
            if written.startswith("/") or target.startswith("../") or target == "..":
                raise InputError(path, 1, "symlink to a file outside the repository")
            if target not in self._index():
                raise InputError(path, 1, f"cannot read: the link's target {written} is "
                                          "not a file of the commit")
            path = target
        raise InputError(path, 1, "cannot read: too many levels of symbolic links")


def _listed(repo: git.Repo, tree: str) -> dict[str, _Entry]:
    """path below the tree -> entry, for its files and links to files; submodules are left
    out as FolderSource leaves them, and so are the folders it skips."""
    listing: bytes = repo.git.ls_tree("-r", "-l", "-z", tree, stdout_as_string=False)
    found: dict[str, _Entry] = {}
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha, size = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != b"blob" or any(part in SKIPPED_DIRS for part in path.split("/")[:-1]):
            continue
        found[path] = _Entry(sha.decode(), int(mode, 8), int(size))
    return found


def _joined(link: str, written: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(link), written))
