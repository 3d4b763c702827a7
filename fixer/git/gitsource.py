"""A commit's tree as the base of a fixer Tree: fixes are computed from what is
committed, never from uncommitted files in the working tree.
"""

from __future__ import annotations

import posixpath
import stat
from collections.abc import Iterator

import git

from fixer.core.errors import InputError
from fixer.core.tree import MAX_FILE_BYTES, SKIPPED_DIRS, too_large


# A chain of links longer than this is a loop, as the kernel's own limit says for paths.
_LINK_HOPS = 8


class CommitSource:
    """Files of `commit` below `prefix` (a folder inside the repository, "" for its root).
    A symbolic link to a file below the prefix reads as its target, as a checkout would;
    one that leaves the prefix is an input error, never followed (the same boundary as
    the working tree's)."""

    def __init__(self, repo: git.Repo, commit: git.Commit, prefix: str = "",
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        self.repo = repo
        self.commit = commit
        self.prefix = prefix.strip("/")
        self.max_bytes = max_bytes   # `max-file-size`, as for a folder: the blob is not read
        self._blobs: dict[str, git.Blob] | None = None

    def _index(self) -> dict[str, git.Blob]:
        if self._blobs is None:
            root = self.commit.tree / self.prefix if self.prefix else self.commit.tree
            self._blobs = dict(_files(root, ""))
            folders = {"/".join(p.split("/")[:n]) for p in self._blobs
                       for n in range(1, p.count("/") + 1)} | {"."}
            # A link to a folder is not followed, as the working tree's walk does not
            for path in [p for p, b in self._blobs.items() if stat.S_ISLNK(b.mode)]:
                if _joined(path, _link_text(self._blobs[path])) in folders:
                    del self._blobs[path]
        return self._blobs

    def paths(self) -> list[str]:
        return sorted(self._index())

    def is_link(self, path: str) -> bool:
        blob = self._index().get(path)
        return blob is not None and stat.S_ISLNK(blob.mode)

    def read_bytes(self, path: str) -> bytes:
        blob = self._index()[self._target(path)]
        if blob.size > self.max_bytes:
            raise too_large(path, self.max_bytes)
        data: bytes = blob.data_stream.read()
        return data

    def mode(self, path: str) -> int:
        return stat.S_IMODE(self._index()[self._target(path)].mode)

    def _target(self, path: str) -> str:
        """The file a path names, following links inside the prefix."""
        for _hop in range(_LINK_HOPS):
            if not self.is_link(path):
                return path
            written = _link_text(self._index()[path])
            target = _joined(path, written)
            if written.startswith("/") or target.startswith("../") or target == "..":
                raise InputError(path, 1, "symlink to a file outside the repository")
            if target not in self._index():
                raise InputError(path, 1, f"cannot read: the link's target {written} is "
                                          "not a file of the commit")
            path = target
        raise InputError(path, 1, "cannot read: too many levels of symbolic links")


def _files(tree: git.Tree, folder: str) -> Iterator[tuple[str, git.Blob]]:
    """(path below the walk's root, blob) of files and links to files; submodules are left
    out as FolderSource leaves them, and so are the folders it skips."""
    for blob in tree.blobs:
        yield folder + blob.name, blob
    for sub in tree.trees:
        if sub.name not in SKIPPED_DIRS:
            yield from _files(sub, f"{folder}{sub.name}/")


def _link_text(blob: git.Blob) -> str:
    return bytes(blob.data_stream.read()).decode("utf-8", "surrogateescape")


def _joined(link: str, written: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(link), written))
