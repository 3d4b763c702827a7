"""A commit's tree as the base of a fixer Tree: fixes are computed from what is
committed, never from uncommitted files in the working tree.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator

import git

from fixer.core.tree import SKIPPED_DIRS


class CommitSource:
    """Files of `commit` below `prefix` (a folder inside the repository, "" for its root)."""

    def __init__(self, repo: git.Repo, commit: git.Commit, prefix: str = "") -> None:
        self.repo = repo
        self.commit = commit
        self.prefix = prefix.strip("/")
        self._blobs: dict[str, git.Blob] | None = None

    def _index(self) -> dict[str, git.Blob]:
        if self._blobs is None:
            root = self.commit.tree / self.prefix if self.prefix else self.commit.tree
            self._blobs = dict(_files(root, ""))
        return self._blobs

    def paths(self) -> list[str]:
        return sorted(self._index())

    def read_bytes(self, path: str) -> bytes:
        data: bytes = self._index()[path].data_stream.read()
        return data

    def mode(self, path: str) -> int:
        return stat.S_IMODE(self._index()[path].mode)


def _files(tree: git.Tree, folder: str) -> Iterator[tuple[str, git.Blob]]:
    """(path below the walk's root, blob) of regular files; symlinks and submodules are
    left out as FolderSource leaves them, and so are the folders it skips."""
    for blob in tree.blobs:
        if not stat.S_ISLNK(blob.mode):
            yield folder + blob.name, blob
    for sub in tree.trees:
        if sub.name not in SKIPPED_DIRS:
            yield from _files(sub, f"{folder}{sub.name}/")
