"""Writing git blobs, trees and commits in-process, without an index or a checkout.

An index/checkout round costs about 0.4 s a commit on a large repository;
writing the few changed objects directly costs milliseconds.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Collection, Mapping
from datetime import datetime
from io import BytesIO

import git
from git.objects.fun import tree_entries_from_data
from gitdb import IStream, LooseObjectDB

from fixer.git.packwriter import PackWriter

FILE_MODE, EXEC_MODE, TREE_MODE = 0o100644, 0o100755, 0o040000
_TREES_KEPT = 64
_SIGNING_TIMEOUT = 60   # seconds for one signature

# path inside the tree -> (bytes, git mode), or None to delete the file
Changes = Mapping[str, "tuple[bytes, int] | None"]
# a tree's entries as stored, name -> `<mode> <name>\0<sha>`, in git's order
Layout = dict[str, bytes]


class SigningFailed(Exception):
    """git could not sign a commit (no key, no agent, gpg missing): git's own words."""

    def __init__(self, stderr: str) -> None:
        super().__init__("; ".join(line.strip() for line in stderr.splitlines() if line.strip())
                         or "git gave no reason")


class ObjectsNotWritten(Exception):
    """The object store refused the branch's objects (a full disk, a folder fixer may not
    write): the folder they were going to, and the system's error."""

    def __init__(self, folder: str, error: OSError) -> None:
        super().__init__(f"cannot write {folder}: {error}")
        self.folder = folder
        self.error = error


class ObjectWriter:
    """Writes blobs, trees and commits into a repository's object store in-process, and
    remembers the trees it wrote: each commit of a chain starts from the tree written for
    the one before, which is then read from memory, not from git.

    With `pack`, the objects go into one pack written by `finish`, each version of a path a
    delta on the one before (fixer/git/packwriter.py); until then they are in no object
    store, so nothing but this writer may read them (git commit-tree, which signs, cannot)."""

    def __init__(self, repo: git.Repo, pack: bool = False) -> None:
        self.repo = repo
        # gitpython's default object database runs `git hash-object` once per object (about
        # 1.5 ms each); gitdb writes the same loose object in-process.
        self._database = LooseObjectDB(str(repo.odb.root_path()))
        self._pack = PackWriter(str(repo.odb.root_path())) if pack else None
        self._trees: dict[bytes, dict[str, tuple[bytes, int]]] = {}
        self._layouts: dict[bytes, Layout] = {}

    def store(self, kind: bytes, data: bytes, path: str | None = None) -> bytes:
        """The object's sha, once it is stored; `path` names what it is a version of.
        ObjectsNotWritten when the object store refuses it."""
        try:
            if self._pack is not None:
                return self._pack.store(kind, data, path)   # a pack is written past a size
            return bytes(self._database.store(IStream(kind, len(data), BytesIO(data))).binsha)
        except OSError as exc:
            raise self._not_written(exc) from None

    def blob(self, data: bytes, path: str | None = None) -> bytes:
        return self.store(b"blob", data, path)

    def finish(self) -> None:
        """Write the pack, when objects go into one: before anything else reads them."""
        if self._pack is not None:
            try:
                self._pack.finish()
            except OSError as exc:
                raise self._not_written(exc) from None

    def _not_written(self, error: OSError) -> ObjectsNotWritten:
        root = str(self.repo.odb.root_path())
        return ObjectsNotWritten(os.path.join(root, "pack") if self._pack is not None else root,
                                 error)

    def updated_tree(self, tree_sha: bytes | None, changes: Changes,
                     at: str = "") -> bytes | None:
        """The sha of `tree_sha` (the tree of the folder `at`, "" for the root, else ending
        with "/") with `changes` applied; None when nothing is left in it."""
        entries = dict(self._read_tree(tree_sha))
        below: dict[str, dict[str, tuple[bytes, int] | None]] = {}
        for path, change in changes.items():
            head, sep, rest = path.partition("/")
            if sep:
                below.setdefault(head, {})[rest] = change
            elif change is None:
                entries.pop(head, None)
            else:
                data, mode = change
                entries[head] = (self.blob(data, at + head), mode)
        for name, sub in below.items():
            current = entries.get(name)
            inner = current[0] if current and current[1] == TREE_MODE else None
            sub_sha = self.updated_tree(inner, sub, f"{at}{name}/")
            if sub_sha is None:
                entries.pop(name, None)
            else:
                entries[name] = (sub_sha, TREE_MODE)
        changed = {path.partition("/")[0] for path in changes}
        return self._write_tree(entries, tree_sha, changed, at) if entries else None

    def tree_or_empty(self, tree_sha: bytes | None) -> bytes:
        """The tree's sha; None (nothing left in it) is the empty tree."""
        return tree_sha if tree_sha is not None else self.store(b"tree", b"")

    def commit(self, tree: bytes, parent: str, message: str, author: git.Actor,
               when: datetime, committer: git.Actor | None = None,
               sign: bool = False) -> git.Commit:
        """A commit of the tree on the parent commit's hex sha; the committer is the author
        unless given. Written as raw text: every header is given, so no config or clock is
        read and the same input gives the same sha. A signed commit is written by
        `git commit-tree -S` instead, so that git's own signing setup (gpg, ssh, x509) signs."""
        if sign:
            return self._signed_commit(tree, parent, message, author, when, committer)
        text = (f"tree {tree.hex()}\nparent {parent}\nauthor {_identity(author, when)}\n"
                f"committer {_identity(committer or author, when)}\n\n{message}")
        return git.Commit(self.repo, self.store(b"commit", text.encode("utf-8")))

    def _signed_commit(self, tree: bytes, parent: str, message: str, author: git.Actor,
                       when: datetime, committer: git.Actor | None) -> git.Commit:
        # The message goes through stdin unchanged (commit-tree does no clean-up); the
        # identities and dates through the environment, as git reads them.
        env = {**os.environ, **_identity_env("AUTHOR", author, when),
               **_identity_env("COMMITTER", committer or author, when)}
        # the message is UTF-8 whatever `i18n.commitEncoding` says: no `encoding` header
        command = ["git", "-c", "i18n.commitEncoding=UTF-8", "commit-tree", tree.hex(), "-p",
                   parent, "-S"]
        try:
            done = subprocess.run(command, cwd=self.repo.git_dir, env=env, capture_output=True,
                                  input=message.encode("utf-8"), check=False,
                                  timeout=_SIGNING_TIMEOUT)
        except subprocess.TimeoutExpired:   # a key that asks for a passphrase nobody types
            raise SigningFailed(f"signing took over {_SIGNING_TIMEOUT} s; does the key ask "
                                "for a passphrase?") from None
        if done.returncode != 0:
            raise SigningFailed(done.stderr.decode("utf-8", "replace"))
        return self.repo.commit(done.stdout.decode().strip())

    def _write_tree(self, entries: dict[str, tuple[bytes, int]], base: bytes | None = None,
                    changed: Collection[str] = (), at: str | None = None) -> bytes:
        layout = self._relayout(entries, base, changed)
        sha = self.store(b"tree", b"".join(layout.values()), at)
        self._remember(sha, entries, layout)
        return sha

    def _relayout(self, entries: dict[str, tuple[bytes, int]], base: bytes | None,
                  changed: Collection[str]) -> Layout:
        """The entries laid out: from the base tree's layout, with the `changed` names laid
        out again, when the names are the base tree's. A commit of a chain changes a few
        entries of a root tree of thousands; laying them all out again made each commit cost
        more the larger the repository."""
        old, kept = self._trees.get(base or b""), self._layouts.get(base or b"")
        if old is None or kept is None or len(old) != len(entries) or \
                any(name not in old for name in changed):
            return layout(entries)
        fresh = dict(kept)
        for name in changed:
            fresh[name] = _entry(name, *entries[name])
        return fresh

    def _remember(self, sha: bytes, entries: dict[str, tuple[bytes, int]],
                  laid_out: Layout | None = None) -> None:
        # The latest trees only: the next commit of a chain starts from the last root.
        if len(self._trees) >= _TREES_KEPT:
            oldest = next(iter(self._trees))
            del self._trees[oldest]
            self._layouts.pop(oldest, None)
        self._trees[sha] = entries
        if laid_out is not None:
            self._layouts[sha] = laid_out

    def _read_tree(self, sha: bytes | None) -> dict[str, tuple[bytes, int]]:
        if sha is None:
            return {}
        if sha not in self._trees:
            held = self._pack.data(sha) if self._pack is not None else None
            data = held[1] if held is not None else self.repo.odb.stream(sha).read()
            self._remember(sha, {name: (bytes(binsha), mode)
                                 for binsha, mode, name in tree_entries_from_data(data)})
        return self._trees[sha]


def tree_bytes(entries: Mapping[str, tuple[bytes, int]]) -> bytes:
    """A tree object's content: `<mode in octal> <name>\\0<binary sha>` per entry, in git's
    order (by name, a tree's name compared as if it ended with "/"). Written here rather
    than by gitpython's serializer, which checks every name of a thousand-entry root tree
    again for each commit; names here are checked once, as they come in."""
    return b"".join(layout(entries).values())


def layout(entries: Mapping[str, tuple[bytes, int]]) -> Layout:
    ordered = sorted(entries.items(), key=lambda e: e[0] + "/" if e[1][1] == TREE_MODE else e[0])
    return {name: _entry(name, sha, mode) for name, (sha, mode) in ordered}


def _entry(name: str, sha: bytes, mode: int) -> bytes:
    return b"%o %s\0%s" % (mode, _entry_name(name), sha)


def _entry_name(name: str) -> bytes:
    """The name as git stores it; ValueError for one git refuses in a tree (a path
    separator, a NUL, `.`, `..`, `.git` in any case)."""
    if not name or "/" in name or "\0" in name or name in (".", "..") or name.lower() == ".git":
        raise ValueError(f"not a name git keeps in a tree: {name!r}")
    return name.encode("utf-8", "surrogateescape")


def _clean(text: str | None) -> str:
    # git drops these from names too: they would end the identity header early.
    return "".join(c for c in text or "" if c not in "<>\n")


def _date(when: datetime) -> str:
    """`<seconds since the epoch> <+hhmm>`, git's own date format."""
    delta = when.utcoffset()
    offset = int(delta.total_seconds()) // 60 if delta is not None else 0
    sign, offset = ("-" if offset < 0 else "+"), abs(offset)
    return f"{int(when.timestamp())} {sign}{offset // 60:02d}{offset % 60:02d}"


def _identity(actor: git.Actor, when: datetime) -> str:
    return f"{_clean(actor.name)} <{_clean(actor.email)}> {_date(when)}"


def _identity_env(role: str, actor: git.Actor, when: datetime) -> dict[str, str]:
    return {f"GIT_{role}_NAME": _clean(actor.name), f"GIT_{role}_EMAIL": _clean(actor.email),
            f"GIT_{role}_DATE": _date(when)}
