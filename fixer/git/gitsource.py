"""A commit's tree as the base of a fixer Tree: fixes are computed from what is
committed, never from uncommitted files in the working tree.
"""

from __future__ import annotations

import os
import posixpath
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import IO, NamedTuple

import git

from fixer.core.errors import InputError
from fixer.core.tree import MAX_FILE_BYTES, GitIgnores, skipped_folder, too_large


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
        # links to folders, and those that lead to no file of the commit: not listed
        self._unlisted_links: dict[str, str] = {}
        self._links: dict[str, str] | None = None
        self._blobs = _BlobReader(repo.git_dir)
        # the working tree's ignore rules: those a commit of a new file there goes by
        top = repo.working_tree_dir
        self._ignores = GitIgnores(Path(top, self.prefix)) if top is not None else None

    def _index(self) -> dict[str, _Entry]:
        if self._files is None:
            root = self.commit.tree / self.prefix if self.prefix else self.commit.tree
            files = _listed(self.repo, root.hexsha)
            folders = {"/".join(p.split("/")[:n]) for p in files
                       for n in range(1, p.count("/") + 1)} | {"."}
            # A link to a folder is not followed, as the working tree's walk does not, and a
            # link inside the prefix to nothing (`.env -> ../.env`, the file a person
            # writes) is no file, as it is none in a checkout
            links = [p for p, e in files.items() if stat.S_ISLNK(e.mode)]
            for path in links:
                written = self._link_text(files[path])
                target = _joined(path, written)
                inside = not written.startswith("/") and not target.startswith("../") and \
                    target != ".."
                if target in folders or inside and target not in files:
                    self._unlisted_links[path] = written
            for path in self._unlisted_links:
                del files[path]
            self._files = files
        return self._files

    def paths(self) -> list[str]:
        return sorted(self._index())

    def is_link(self, path: str) -> bool:
        entry = self._index().get(path)
        return entry is not None and stat.S_ISLNK(entry.mode)

    def links(self) -> dict[str, str]:
        if self._links is None:
            files = self._index()
            self._links = {**{p: self._link_text(e) for p, e in files.items()
                              if stat.S_ISLNK(e.mode)}, **self._unlisted_links}
        return self._links

    def read_bytes(self, path: str) -> bytes:
        entry = self._index()[self._target(path)]
        if entry.size > self.max_bytes:
            raise too_large(path, self.max_bytes)
        return self._data(entry)

    def mode(self, path: str) -> int:
        return stat.S_IMODE(self._index()[self._target(path)].mode)

    def ignored(self, paths: Iterable[str]) -> set[str]:
        return self._ignores.among(paths) if self._ignores is not None else set()

    # each process reads blobs through a `git cat-file --batch` of its own (`_BlobReader`)
    fork_safe = True

    def close(self) -> None:
        """Stop this process's blob reader (the next read starts another)."""
        self._blobs.close()

    def _data(self, entry: _Entry) -> bytes:
        return self._blobs.read(entry.sha)

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


class _BlobReader:
    """Blobs read through one `git cat-file --batch` per process. A process forked from
    this one (a fix run's partner) starts its own on its first read: reading through the
    parent's pipes would interleave with the parent's reads (the parent then waited on an
    answer forever). The parent's process is left to the parent."""

    def __init__(self, git_dir: str | os.PathLike[str]) -> None:
        self._git_dir = os.fspath(git_dir)
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0   # the pid that started `_process`

    def read(self, sha: str) -> bytes:
        stdin, stdout = self._pipes()
        stdin.write(sha.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()   # `<sha> blob <size>`, or `<sha> missing`
        if len(header) != 3 or header[1] != b"blob":
            raise OSError(f"git cat-file cannot read blob {sha}")
        data = stdout.read(int(header[2]))
        stdout.read(1)   # the newline after the contents
        return data

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and self._owner == os.getpid():
            assert process.stdin is not None and process.stdout is not None
            process.stdin.close()   # git ends at the end of its input
            process.wait()
            process.stdout.close()

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._process is None or self._owner != os.getpid():
            self._process = subprocess.Popen(
                ["git", "--git-dir", self._git_dir, "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self._owner = os.getpid()
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout


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
        if kind != b"blob" or skipped_folder(path) is not None:
            continue
        found[path] = _Entry(sha.decode(), int(mode, 8), int(size))
    return found


def _joined(link: str, written: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(link), written))
