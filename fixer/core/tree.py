"""The repository as fixer sees it: a base (a folder, later a git commit) plus an
in-memory overlay of changed files. Files are read and decoded once.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from fixer.core import derived as tracking
from fixer.core.derived import Carried, Derived, Memo
from fixer.core.edits import Edit, apply_to_texts
from fixer.core.errors import InputError
from fixer.core.ignorefiles import IgnoreFiles
from fixer.core.textfile import KEPT_BYTES, TextFile, decode

T = TypeVar("T")

# Folders that are never part of a service's deployment and can be huge.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".tox", ".ruff_cache", ".hypothesis", ".idea", ".vscode"}
)


def skipped_folder(path: str) -> str | None:
    """The first folder on the way to `path` that fixer does not read (`skipped_dir`: a
    template's `{{cookiecutter.project_slug}}`), as a path; None when it reads them all."""
    parts = path.split("/")[:-1]
    at = next((i for i, part in enumerate(parts) if skipped_dir(part)), None)
    return "/".join(parts[:at + 1]) if at is not None else None


def skipped_dir(name: str) -> bool:
    """A folder fixer does not read: one of SKIPPED_DIRS, or a project template's folder
    (`{{cookiecutter.project_slug}}`, copier's `{{ project_name }}`, a folder copier creates
    only on a condition, `{% if use_docker %}services{% endif %}`, and the `[[ ]]` copier's
    `_envops` may set), whose files are Jinja until the template is rendered and no stack
    anyone runs."""
    return name in SKIPPED_DIRS or any(
        opening in name and closing in name for opening, closing in _TEMPLATE_MARKS)


# Jinja's expression and statement delimiters, and the brackets templates often swap in
_TEMPLATE_MARKS = (("{{", "}}"), ("{%", "%}"), ("[[", "]]"))


# A compose file, Dockerfile or module is rarely over a few hundred KiB; a bigger file is a
# dump or a generated artefact, and reading it whole would only cost memory and parse time.
# `max-file-size` in the configuration changes it.
MAX_FILE_BYTES = 5 * 1024 * 1024

# Where the platform has them: never block on open, never follow a link swapped in late,
# and on Windows read the bytes as they are (no newline translation).
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class NotText(InputError):
    """A file whose bytes are not text (a NUL byte, or not valid in its encoding): bad input
    for a file fixer parses, but the unknown values of an env file that git-crypt encrypts
    (`fixer.core.envfile.read_env`)."""


class Source(Protocol):
    """Where the unchanged files come from."""

    def paths(self) -> Iterable[str]: ...

    def read_bytes(self, path: str) -> bytes: ...

    def mode(self, path: str) -> int: ...

    def links(self) -> Mapping[str, str]:
        """Each symbolic link of the listing's scope (a file's, or a folder's the listing
        does not enter) -> its target as written: what a fix must not write through."""
        ...

    def ignored(self, paths: Iterable[str]) -> set[str]:
        """Which of `paths`, present or not, the repository's git ignore rules leave out:
        a file written there would not be committed."""
        ...

    @property
    def fork_safe(self) -> bool:
        """A forked process may read from it beside this one: it holds no pipe to a process
        both would talk to (a git source reads blobs through one `git cat-file`)."""
        ...


class FolderSource:
    """Files below a folder on disk, listed once (case-exact, as a Linux build sees them).

    The real root is a boundary: a link whose target lies outside it is never read, and
    only regular files are opened (a FIFO would block the run, a device never ends). The
    digest of every file read is kept, so that --apply can tell a file changed since;
    without `digests` (a check, which writes nothing) none is computed."""

    def __init__(self, root: Path, max_bytes: int = MAX_FILE_BYTES,
                 respect_gitignore: bool = True, digests: bool = True) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.max_bytes = max_bytes   # `max-file-size`: a bigger file is reported, not read
        # what .gitignore leaves out is not listed (`--no-respect-gitignore` lists it)
        self.respect_gitignore = respect_gitignore
        self._paths: list[str] | None = None
        self._links: dict[str, str] = {}
        self._digests: dict[str, bytes] | None = {} if digests else None
        self._ignores = GitIgnores(root)

    def paths(self) -> list[str]:
        if self._paths is None:
            ignored = set(git_ignored(self.root)) if self.respect_gitignore else set()
            found: dict[str, str] = {}
            # in a work tree, a folder that is a repository of its own (a submodule, a clone
            # inside) is git's gitlink, not files of this one: left out as a commit has it
            nested = work_tree_root(self.root) is not None
            self._paths = sorted(p for p in _walk(self.root, found, nested)
                                 if not _under(p, ignored))
            self._links = {p: t for p, t in found.items() if not _under(p, ignored)}
        return self._paths

    def links(self) -> dict[str, str]:
        self.paths()
        return self._links

    def ignored(self, paths: Iterable[str]) -> set[str]:
        # whatever --respect-gitignore says: it decides what fixer reads, not what git commits
        return self._ignores.among(paths)

    fork_safe = True   # each read opens the file anew

    def read_bytes(self, path: str) -> bytes:
        full = os.path.join(self.root, path)
        # The listing never goes through a link to a folder, so only the file itself can
        # be a link; resolving every path instead would cost more than the read.
        info = os.lstat(full)
        if stat.S_ISLNK(info.st_mode):
            full = self._real_inside(path)
            info = os.stat(full)
        data = read_regular(path, full, self.max_bytes, info)
        if self._digests is not None:
            self._digests[path] = hashlib.sha256(data).digest()
        return data

    def digest(self, path: str) -> bytes | None:
        """SHA-256 of the bytes this source read for `path`; None when it never read it, or
        keeps no digests."""
        return self._digests.get(path) if self._digests is not None else None

    def mode(self, path: str) -> int:
        return stat.S_IMODE((self.root / path).stat().st_mode)

    def _real_inside(self, path: str) -> str:
        """The file's real path; InputError when a link takes it out of the real root."""
        real = os.path.realpath(self.root / path)
        if not is_within(real, self.real_root):
            os.stat(real)   # a dangling link is "cannot read", wherever it points
            raise InputError(path, 1, "symlink to a file outside the repository")
        return real


def read_regular(path: str, real: str, max_bytes: int = MAX_FILE_BYTES,
                 info: os.stat_result | None = None) -> bytes:
    """The bytes of the regular file at `real` (shown as `path`; `info`, its stat when the
    caller has it). Stat first: opening a FIFO blocks and opening a device may act on it;
    fstat again after the open, because the name may point at another file by then. Read
    with the descriptor itself: a buffered file object cost four times the read, on the
    thousands of small files of a large repository."""
    _check_regular(path, os.stat(real) if info is None else info, max_bytes)
    fd = os.open(real, _OPEN_FLAGS)
    try:
        opened = os.fstat(fd)
        _check_regular(path, opened, max_bytes)
        data = _read_all(fd, max_bytes + 1, opened.st_size + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:   # it grew after the fstat
        raise too_large(path, max_bytes)
    return data


def _read_all(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes, to the end of the file: one read when it is `expected` long."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, max(expected, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _check_regular(path: str, info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, 1, "not a regular file")
    if info.st_size > max_bytes:
        raise too_large(path, max_bytes)


def too_large(path: str, max_bytes: int) -> InputError:
    return InputError(path, 1, f"larger than {shown_size(max_bytes)} (max-file-size); not read")


def shown_size(size: int) -> str:
    """`5 MiB`, `512 KiB`, `1000 bytes`: the largest unit that shows the size exactly."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def is_within(real: str, real_root: str) -> bool:
    """Whether the real path `real` is `real_root` or below it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)



def work_tree_root(folder: Path) -> Path | None:
    """The top of the git work tree the folder is in (its real path); None outside one."""
    real = Path(os.path.realpath(folder))
    return next((f for f in (real, *real.parents) if (f / ".git").exists()), None)


def place_in_work_tree(folder: Path) -> tuple[Path, str] | None:
    """The top of the git work tree the folder is in, and the folder's path from there in
    POSIX form, ending in "/" ("" at the top): where code scanning, GitLab and workflow
    annotations look for a file, however the folder was typed. None outside a work tree."""
    top = work_tree_root(folder)
    if top is None:
        return None
    relative = Path(os.path.realpath(folder)).relative_to(top).as_posix()
    return top, "" if relative == "." else relative + "/"


def git_ignored(root: Path) -> tuple[str, ...]:
    """What the repository's .gitignore files leave out below `root` (folders end in "/"),
    as git itself says: build output, virtualenvs and vendored copies are not the stack's.
    Nothing outside a git work tree, or where git is not installed (as ruff does)."""
    return _git_paths(root, ["ls-files", "-z", "--others", "--ignored", "--exclude-standard",
                             "--directory", "--no-empty-directory"])


def git_refusal(root: Path) -> str | None:
    """Why git refuses to read the work tree the folder is in (`detected dubious ownership
    in repository at ...`, with git's own advice); None where it reads it, outside a work
    tree, and where git is not installed. Asked before .gitignore is applied: a refusal
    would read as "nothing is ignored", and fixer would edit what git leaves out."""
    if work_tree_root(root) is None:
        return None
    import subprocess   # here: a folder outside git never needs it
    try:
        asked = subprocess.run(["git", "-C", str(root), "rev-parse", "--git-dir"],
                               capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if asked.returncode == 0:
        return None
    said = [line.strip() for line in asked.stderr.decode("utf-8", "replace").splitlines()
            if line.strip()]
    reason = next((line.removeprefix("fatal: ") for line in said
                   if line.startswith("fatal:")), said[0] if said else "")
    advice = next((line for line in said if line.startswith("git config")), "")
    return reason + (f" (to trust it: {advice})" if advice else "")


def git_tracked(root: Path, paths: Iterable[str]) -> set[str]:
    """Which of `paths` (relative to `root`) git tracks: committed or staged files are the
    user's, whatever their names. None outside a git work tree."""
    asked = [f":(literal){p}" for p in paths]
    return set(_git_paths(root, ["ls-files", "-z", "--", *asked])) if asked else set()


class GitIgnores:
    """Which paths below `root` git ignores, present or not (`git check-ignore`: the same
    rules as `git_ignored`, for a file not written yet), each path asked once. A tracked
    file is not ignored, as git adds its changes. Outside a git work tree, what the
    folder's own `.gitignore` files leave out (`ignorefiles`): an exported checkout is
    judged as its repository would be."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known: dict[str, bool] = {}
        self._files: IgnoreFiles | None = None

    def among(self, paths: Iterable[str]) -> set[str]:
        paths = list(dict.fromkeys(paths))
        if work_tree_root(self.root) is None:
            if self._files is None:
                self._files = IgnoreFiles(partial(_ignore_file, self.root))
            return {p for p in paths if self._files.ignores(p)}
        asked = [p for p in paths if p not in self._known]
        if asked:
            ignored = set(_git_paths(self.root, ["check-ignore", "--stdin", "-z"],
                                     "\0".join(asked), accepted=(0, 1)))
            self._known.update((p, p in ignored) for p in asked)
        return {p for p in paths if self._known[p]}


def _ignore_file(root: Path, path: str) -> str | None:
    """The text of the regular file `path` below `root` (a link is not followed), or None."""
    full = os.path.join(root, path)
    try:
        info = os.lstat(full)
        if not stat.S_ISREG(info.st_mode):
            return None
        return read_regular(path, full, info=info).decode("utf-8", "replace")
    except (OSError, InputError):
        return None


def _git_paths(root: Path, args: list[str], stdin: str = "",
               accepted: tuple[int, ...] = (0,)) -> tuple[str, ...]:
    """The NUL-separated paths `git -C root ARGS` prints; none outside a work tree, where
    git is not installed, or when it exits with a code not `accepted`."""
    if work_tree_root(root) is None:
        return ()   # not a work tree: no git process to start
    import subprocess   # here: a folder outside git never needs it
    try:
        listing = subprocess.run(["git", "-C", str(root), *args],
                                 input=stdin.encode("utf-8", "surrogateescape"),
                                 capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if listing.returncode not in accepted:   # not a work tree, or git failed
        return ()
    return tuple(p for p in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if p)


def _under(path: str, ignored: set[str]) -> bool:
    """The path, or a folder it is in ("a/b/"), is ignored."""
    if not ignored:
        return False
    parts = path.split("/")
    return path in ignored or any("/".join(parts[:n]) + "/" in ignored
                                  for n in range(1, len(parts)))

class MemorySource:
    """Files held in memory, path -> text or bytes: a repository with no folder behind it.
    Text is stored as UTF-8. Paths inside the folders a FolderSource skips are left out, so
    that the same files give the same tree either way. Modes default to 0o644."""

    def __init__(self, files: Mapping[str, str | bytes],
                 modes: Mapping[str, int] | None = None) -> None:
        self._files = {path: data.encode() if isinstance(data, str) else data
                       for path, data in files.items() if not self._skipped(path)}
        self._modes = dict(modes or {})

    def paths(self) -> list[str]:
        return sorted(self._files)

    def read_bytes(self, path: str) -> bytes:
        try:
            return self._files[path]
        except KeyError:
            raise FileNotFoundError(2, "No such file or directory", path) from None

    def mode(self, path: str) -> int:
        return self._modes.get(path, 0o644)

    def links(self) -> dict[str, str]:
        return {}   # plain files only

    def ignored(self, paths: Iterable[str]) -> set[str]:
        return set()   # no repository behind it: no ignore rules

    fork_safe = True   # in memory

    @staticmethod
    def _skipped(path: str) -> bool:
        return any(skipped_dir(part) for part in path.split("/")[:-1])


def _walk(root: Path, links: dict[str, str], nested: bool = False) -> Iterator[str]:
    """Every file below `root`, as a path relative to it, read as `os.walk` reads a tree
    (a folder that cannot be listed is left out, an entry that cannot be told a folder is
    a file). Links to folders are not followed: one could leave the root or loop, and git
    does not follow them either (it stores the link itself). Each link met goes into
    `links` with its target. With `nested`, a folder holding a `.git` (a submodule's
    checkout, a repository cloned inside) is left out, as git leaves it out of this
    repository's commits. Each folder's relative path is built on the way down, where
    `os.walk` would need a join, a link test and a `relpath` per folder (thousands in a
    large repository). A dangling link is no file: it is in `links` only."""
    pending = [("", os.fspath(root))]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            link = _is_link(entry)
            if link:
                links[prefix + entry.name] = _link_text(entry.path)
            if link and not os.path.exists(entry.path):
                continue   # dangling (`.env -> ../.env`, the file a person writes): Compose
                # and Docker find no file there, and neither does fixer; a fix never writes
                # through it (`links`)
            if not _is_folder(entry):
                yield prefix + entry.name
            elif not skipped_dir(entry.name) and not link and \
                    not (nested and os.path.lexists(os.path.join(entry.path, ".git"))):
                pending.append((f"{prefix}{entry.name}/", entry.path))


def _link_text(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


class Tree:
    """Base files plus an overlay: path -> new TextFile, or None when deleted."""

    def __init__(
        self,
        source: Source,
        overlay: dict[str, TextFile | None] | None = None,
        cache: dict[str, TextFile] | None = None,
        carried: Carried | None = None,
    ) -> None:
        self.source = source
        self.overlay = overlay or {}
        self._cache = cache if cache is not None else {}
        # facts of files kept across the trees a fix run makes (`with_files`)
        self.carried = carried if carried is not None else Carried()
        self._listing: set[str] | None = None
        self._sorted: tuple[set[str], list[str]] | None = None   # (of that listing, sorted)
        self._base_paths: set[str] | None = None
        # facts of this tree's files as a whole (a folder index): they rest on its listing
        self.derived: Derived = _ListingFacts(self)
        self._token: frozenset[tuple[str, bool]] | None = None

    def paths(self) -> set[str]:
        """Every path in the tree, case-exact."""
        if tracking.RECORDING:
            tracking.note_listing(self.listing_token())
        if self._listing is None:
            listing = set(self._base_set())
            for path, file in self.overlay.items():
                if file is None:
                    listing.discard(path)
                else:
                    listing.add(path)
            self._listing = listing
        return self._listing

    def sorted_paths(self) -> list[str]:
        """`paths` in path order: what a search that takes the first file it finds, or
        lists what it finds, walks, so that a run says the same thing every time (a set's
        order changes from one process to the next)."""
        listing = self.paths()
        if self._sorted is None or self._sorted[0] is not listing:
            self._sorted = (listing, sorted(listing))
        return self._sorted[1]

    def exists(self, path: str) -> bool:
        present = self.present(path)
        if tracking.RECORDING:
            tracking.note_exists(path, present)
        return present

    def present(self, path: str) -> bool:
        """`exists`, unnoted by the computations being carried."""
        # Without building the listing: a fix run makes a tree per fix and asks each about
        # the few files the fix touches.
        if path in self.overlay:
            return self.overlay[path] is not None
        # the listing read directly once made: a rule asks this tens of thousands of times
        base = self._base_paths if self._base_paths is not None else self._base_set()
        return path in base

    def read(self, path: str) -> TextFile:
        """The file's current text; InputError when it is not text."""
        try:
            file = self._read(path)
        except InputError:
            tracking.untrack()   # the error is this workspace's to report, every round
            raise
        if tracking.RECORDING:
            tracking.note_file(path, file)
        return file

    def holds_stray_bytes(self) -> bool:
        """Whether a file read so far holds bytes that are not UTF-8 (a Dockerfile or env file
        read as bytes, `textfile.with_stray_bytes`): a fix may copy them into another."""
        return any(file.encoding == KEPT_BYTES for file in self._cache.values())

    def peek(self, path: str) -> TextFile | None:
        """The file, unnoted by the computations being carried; None when it is absent or
        cannot be read."""
        try:
            return self._read(path) if self.present(path) else None
        except InputError:
            return None

    def listing_token(self) -> frozenset[tuple[str, bool]]:
        """Equal for two trees of a run with the same listing: the paths they create or
        delete relative to their base."""
        if self._token is None:
            base = self._base_set()
            self._token = frozenset((path, file is not None) for path, file in self.overlay.items()
                                    if (file is not None) != (path in base))
        return self._token

    def _read(self, path: str) -> TextFile:
        if path in self.overlay:
            file = self.overlay[path]
            if file is None:
                raise FileNotFoundError(path)
            return file
        cached = self._cache.get(path)
        if cached is None:
            try:
                data = self.source.read_bytes(path)
            except OSError as exc:  # permissions, a dangling symlink: bad input, not a crash
                raise InputError(path, 1, f"cannot read: {exc.strerror or exc}") from None
            try:
                cached = decode(path, data)
            except InputError as exc:
                raise NotText(exc.path, exc.line, exc.message) from None
            self._cache[path] = cached
        return cached

    def original(self, path: str) -> TextFile | None:
        """The file as the base has it, before any fix (None when the base lacks it)."""
        if path not in self._base_set():
            return None
        return Tree(self.source, cache=self._cache).read(path)

    def _base_set(self) -> set[str]:
        if self._base_paths is None:
            self._base_paths = set(self.source.paths())
        return self._base_paths

    def with_edits(self, edits: Iterable[Edit]) -> Tree:
        """A new tree with the edits applied; EditConflict when they overlap."""
        return self.with_files(self.edited(edits))

    def edited(self, edits: Iterable[Edit],
               changed: Mapping[str, TextFile | None] | None = None) -> dict[str, TextFile | None]:
        """The new file (None: deleted) of each path the edits touch, the edits applied to
        this tree's files as `changed` has them (the changes a fix round made so far);
        EditConflict when they overlap."""
        changed = changed or {}
        edits = list(edits)
        touched = {e.path for e in edits}
        current = {p: self.current(p, changed) for p in touched}
        new_texts = apply_to_texts({p: f.text if f else None for p, f in current.items()}, edits)
        return {path: None if text is None else _file_like(current[path], path, text)
                for path, text in new_texts.items()}

    def current(self, path: str, changed: Mapping[str, TextFile | None]) -> TextFile | None:
        """The file as `changed` has it, else as this tree has it (None: absent)."""
        if path in changed:
            return changed[path]
        return self.read(path) if self.exists(path) else None

    def with_files(self, files: Mapping[str, TextFile | None]) -> Tree:
        """A new tree in which these files are as given (None: deleted)."""
        return Tree(self.source, {**self.overlay, **files}, self._cache, self.carried)

    def changes(self) -> dict[str, tuple[TextFile | None, TextFile | None]]:
        """path -> (base file or None, new file or None), for files that differ from the base."""
        tracking.untrack()
        base_paths = self._base_set()
        out: dict[str, tuple[TextFile | None, TextFile | None]] = {}
        base_tree = Tree(self.source, cache=self._cache)
        for path in sorted(self.overlay):
            old = base_tree.read(path) if path in base_paths else None
            new = self.overlay[path]
            if old is None and new is None:
                continue
            if old is not None and new is not None and old.encode() == new.encode():
                continue
            out[path] = (old, new)
        return out

    def mode(self, path: str) -> int:
        return self.source.mode(path) if path in self._base_set() else 0o644

    def link_on(self, path: str) -> tuple[str, str] | None:
        """(link, its target) when writing `path` would go through a symbolic link of the
        base: the path itself, or a folder on the way to it. None for a plain path."""
        links = self.source.links()
        if not links:
            return None
        parts = path.split("/")
        for end in range(1, len(parts) + 1):
            link = "/".join(parts[:end])
            if link in links:
                return link, links[link]
        return None

    def through_links(self, path: str, folder: bool = False) -> str:
        """`path` as Docker reaches it through links to folders that stay inside the
        repository (`orders-api/Dockerfile` through `orders-api -> services/orders-api`):
        the tree lists the files of the folder a link points at, never below the link.
        `folder`: `path` is a folder, resolved when it is a link itself (a build context).
        `path` itself when no such link is on its way, or one leads out of the repository
        (or too many in a row)."""
        for _hop in range(8):
            found = self.link_on(path)
            if found is None or found[0] == path and not folder or found[1].startswith("/"):
                return path
            link, target = found
            real = posixpath.normpath(posixpath.join(posixpath.dirname(link), target,
                                                     path[len(link) + 1:]))
            if real == ".." or real.startswith("../"):
                return path
            path = real
        return path

    def link_to(self, path: str) -> tuple[str, str] | None:
        """(link, its target) when a symbolic link of the base leads to `path`, or to a
        folder on the way to it: a write to `path` changes what the link's path reads too
        (`b/Dockerfile -> ../a/Dockerfile`). None when no link does."""
        for link, text in self.source.links().items():
            if text.startswith("/"):
                continue   # outside the repository: no path of it leads there
            target = posixpath.normpath(posixpath.join(posixpath.dirname(link), text))
            if path == target or path.startswith(target + "/"):
                return link, target
        return None

    def ignored(self, paths: Iterable[str]) -> set[str]:
        """Which of `paths`, present or not, the repository's git ignore rules leave out
        (the base's repository: the same for every tree of a run)."""
        return self.source.ignored(paths)


class _ListingFacts(Derived):
    """A tree's facts of its files as a whole: asking one notes the tree's listing."""

    __slots__ = ("_tree",)

    def __init__(self, tree: Tree) -> None:
        super().__init__()
        self._tree = tree

    def get(self, fact: Memo[T], compute: Callable[[], T]) -> T:
        if tracking.RECORDING:
            tracking.note_listing(self._tree.listing_token())
        return super().get(fact, compute)


def _file_like(old: TextFile | None, path: str, text: str) -> TextFile:
    """Keep an existing file's encoding and BOM; new files are UTF-8."""
    return old.with_text(text) if old is not None else TextFile(path, text)
