"""Writing a fix run's changes into the working tree, all or nothing.

1. plan: refuse what fixer must not replace (a link, a read-only file, a file with other
   hard links, a folder); nothing is touched yet;
2. stage: every new content is written to a temporary file beside its target (same
   folder, so that the rename is atomic), then all are fsynced;
3. verify: each target still holds the bytes fixer read (a file edited during the run is
   not overwritten with fixer's version of its old content);
4. journal: `.fixer-apply.journal` at the root names every target with the hashes of its
   old and new content, its temporary file and its backup, so that a run killed during the
   swap (SIGKILL, a power cut) can be completed or rolled back by the next one (`recover`);
5. swap: the renames, each original kept as a hard-linked backup, so that a failure rolls
   every rename already done back;
6. commit: the backups are removed, then the journal.

SIGINT and SIGTERM only set a flag while this runs: the staging stops between files, the
swap always finishes, and the caller is told by `Interrupted`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree import read_regular

# tempfile, secrets and concurrent.futures are imported by the functions that write: a dry
# run imports this module too (for `leftovers`) and writes nothing, and the three cost it
# about 20 ms of start-up (shutil's compressors, logging, random).

Changes = Mapping[str, tuple[TextFile | None, TextFile | None]]

TEMP_SUFFIX = ".fixer"
BACKUP_SUFFIX = ".fixer-old"
# `.NAME.XXXXXXXX.fixer` (tempfile's eight random characters) and the backups named alike:
# only files this module makes match, so a later run may delete them without asking.
_LEFTOVER = lazy_compile(r"\A\..+\.[a-z0-9_]{8}\.fixer(?:-old)?\Z")
_RANDOM = "abcdefghijklmnopqrstuvwxyz0123456789_"
JOURNAL = ".fixer-apply.journal"
# Test-only: seconds to sleep between two renames, so that a test can kill the run there.
_PAUSE_VARIABLE = "FIXER_TEST_PAUSE_BETWEEN_RENAMES"
_LINK = "is a symbolic link; fixer does not write through links"
_CHANGED = "changed since fixer read it"


class ApplyError(Exception):
    """Nothing was written: the temporary files are gone and any rename was rolled back."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        super().__init__(path, reason)
        self.path, self.reason, self.line = path, reason, line
        self.rolled_back = 0   # renames done before the failure, then undone
        self.total = 0
        self.stuck = False     # a rename could not be undone: the journal is kept

    def __str__(self) -> str:
        return self.shown(self.path)

    def shown(self, path: str) -> str:
        """`path[:line]: reason`, the path as the caller displays it."""
        where = f"{path}:{self.line}" if self.line is not None else path
        return f"{where}: {self.reason}"


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: `written` of `total` files were written (0 or all)."""

    def __init__(self, written: int, total: int) -> None:
        super().__init__(written, total)
        self.written, self.total = written, total


@dataclass
class _Target:
    path: str                 # repository path, for messages
    full: str                 # path on disk
    data: bytes | None        # the new content; None deletes the file
    digest: bytes | None      # SHA-256 of what fixer read; None: a new file
    mode: int = 0o644
    owner: tuple[int, int] | None = None
    size: int = 0             # bytes on disk when planned: a larger file has changed
    temp: str | None = None   # staged content, until renamed
    backup: str | None = None  # the original, until committed or restored
    backup_name: str | None = None   # where the original goes, chosen before the journal
    swapped: bool = False


def write_changes(root: Path, changes: Changes,
                  read_digest: Callable[[str], bytes | None] | None = None) -> int:
    """Write every change or none (ApplyError); the number of files written.
    `read_digest` gives the SHA-256 of the bytes fixer read for a path (the source's)."""
    _refuse_journal(root)
    targets = [_plan(root, path, old, new, read_digest)
               for path, (old, new) in sorted(changes.items())]
    made_dirs: list[str] = []
    with _SignalFlag() as flag:
        try:
            _stage(root, targets, made_dirs, flag)
            _verify(targets)
            if flag.caught:
                raise Interrupted(0, len(targets))
            _write_journal(root, targets)
            _swap(targets)
        except BaseException as exc:
            _discard(targets, made_dirs)
            if not (isinstance(exc, ApplyError) and exc.stuck):   # else the next run needs it
                _quietly(os.unlink, os.path.join(root, JOURNAL))
            raise
        _commit(targets)
        _quietly(os.unlink, os.path.join(root, JOURNAL))
        _fsync(str(root))
    if flag.caught:
        raise Interrupted(len(targets), len(targets))
    return len(targets)


def refusal(root: Path, changes: Changes) -> ApplyError | None:
    """Why `write_changes` would write nothing, asked of the files as they are now without
    writing: a link on the way, a read-only file, one with other hard links. What a dry run
    says of the --apply it previews."""
    try:
        for path, (old, new) in sorted(changes.items()):
            _plan(root, path, old, new, lambda _path: b"")
    except ApplyError as exc:
        return exc
    return None


# -- plan ----------------------------------------------------------------------------------------

def _plan(root: Path, path: str, old: TextFile | None, new: TextFile | None,
          read_digest: Callable[[str], bytes | None] | None) -> _Target:
    _refuse_links(root, path)
    full = os.path.join(root, path)
    digest = read_digest(path) if read_digest is not None else None
    if old is not None and digest is None:
        digest = hashlib.sha256(old.encode()).digest()
    target = _Target(path, full, None if new is None else new.encode(), digest)
    if old is not None:
        _check_replaceable(target, os.lstat(full) if os.path.lexists(full) else None)
    return target


def _refuse_links(root: Path, path: str) -> None:
    """ApplyError when the path, or a folder on the way to it, is a symbolic link: a write
    would land wherever the link points, maybe outside the repository."""
    current = str(root)
    parts = path.split("/")
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return   # the rest is made by this run
        if stat.S_ISLNK(info.st_mode):
            raise ApplyError("/".join(parts[:index + 1]), _LINK, 1)


def _check_replaceable(target: _Target, info: os.stat_result | None) -> None:
    if info is None:
        return   # gone since it was read: the verify step says so
    if not stat.S_ISREG(info.st_mode):
        raise ApplyError(target.path, "cannot write: not a regular file")
    if not info.st_mode & stat.S_IWUSR:
        raise ApplyError(target.path, "cannot write: read-only file (the owner may not write it)")
    if info.st_nlink > 1:
        # Replacing it would split the links and writing in place is neither atomic nor
        # undoable: the user decides.
        raise ApplyError(target.path, f"cannot write: it has {info.st_nlink} hard links")
    # set-id bits never carry over to content fixer wrote
    target.mode = stat.S_IMODE(info.st_mode) & ~(stat.S_ISUID | stat.S_ISGID)
    target.owner = (info.st_uid, info.st_gid)
    target.size = info.st_size


# -- stage and verify ----------------------------------------------------------------------------

def _stage(root: Path, targets: list[_Target], made_dirs: list[str],
           flag: _SignalFlag) -> None:
    for target in targets:
        if flag.caught:
            raise Interrupted(0, len(targets))
        if target.data is None:
            continue
        try:
            _make_parents(str(root), target.path, made_dirs)
            _write_temp(target, target.data)
        except OSError as exc:
            raise ApplyError(target.path, f"cannot write: {_reason(exc)}") from None
    staged = [t for t in targets if t.temp is not None]
    for target, error in zip(staged, _fsync_all([_staged(t) for t in staged])):
        if error is not None:   # the data may not be on disk: a full disk can say so here
            raise ApplyError(target.path, f"cannot write: {_reason(error)}")


def _make_parents(root: str, path: str, made_dirs: list[str]) -> None:
    current = root
    for part in path.split("/")[:-1]:
        current = os.path.join(current, part)
        if not os.path.isdir(current):
            os.mkdir(current)
            made_dirs.append(current)


def _write_temp(target: _Target, data: bytes) -> None:
    folder, name = os.path.split(target.full)
    import tempfile
    fd, target.temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=TEMP_SUFFIX)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    if target.owner is not None and os.geteuid() == 0:
        os.chown(target.temp, *target.owner)   # run as root on a user's files: keep theirs
    os.chmod(target.temp, target.mode)


def _verify(targets: list[_Target]) -> None:
    """ApplyError when a target no longer holds what fixer read (or a new one appeared)."""
    for target in targets:
        if target.digest is None:
            if os.path.lexists(target.full):
                raise ApplyError(target.path, _CHANGED, 1)
            continue
        try:
            now = hashlib.sha256(read_regular(target.path, target.full, target.size)).digest()
        except (OSError, InputError):
            now = None
        if now != target.digest:
            raise ApplyError(target.path, _CHANGED, 1)


# -- swap, roll back, commit ---------------------------------------------------------------------

def _swap(targets: list[_Target]) -> None:
    done: list[_Target] = []
    pause = float(os.environ.get(_PAUSE_VARIABLE) or 0)
    for target in targets:
        if done and pause:
            time.sleep(pause)
        done.append(target)
        try:
            _swap_one(target)
        except OSError as exc:
            error = ApplyError(target.path, f"cannot write: {_reason(exc)}")
            error.rolled_back, error.total = len(done) - 1, len(targets)
            stuck = _roll_back(done)
            if stuck:
                error.reason += "; could not roll back " + ", ".join(stuck)
                error.stuck = True
            raise error from None


def _swap_one(target: _Target) -> None:
    if target.digest is not None and not stat.S_ISREG(os.lstat(target.full).st_mode):
        # became a folder (or a link) since the verify: never move that aside
        raise OSError(errno.EINVAL, "not a regular file")
    if target.data is None:   # a deletion: the original moves aside until the commit
        target.backup = _aside(target, move=True)
        target.swapped = True
    elif target.digest is None:
        os.link(_staged(target), target.full)   # unlike a rename, never replaces a file
        target.swapped = True
        os.unlink(_staged(target))
        target.temp = None
    else:
        target.backup = _aside(target, move=False)
        os.replace(_staged(target), target.full)
        target.swapped, target.temp = True, None


def _staged(target: _Target) -> str:
    assert target.temp is not None, "staged before the swap"
    return target.temp


def _aside(target: _Target, move: bool) -> str:
    """The backup (named before the journal was written) holding the original: a hard
    link, so that the target stays in place until the rename replaces it, or the file
    itself moved there (for a deletion, or where the file system has no hard links)."""
    assert target.backup_name is not None, "named before the swap"
    backup = target.backup_name
    if not move:
        try:
            os.link(target.full, backup, follow_symlinks=False)
            return backup
        except FileExistsError:
            raise
        except OSError:
            pass
    os.rename(target.full, backup)
    return backup


def _backup_name(full: str) -> str:
    """A free name beside `full` for its original (`.NAME.XXXXXXXX.fixer-old`)."""
    folder, name = os.path.split(full)
    while True:
        import secrets
        token = "".join(secrets.choice(_RANDOM) for _ in range(8))
        backup = os.path.join(folder, f".{name}.{token}{BACKUP_SUFFIX}")
        if not os.path.lexists(backup):
            return backup


def _roll_back(done: list[_Target]) -> list[str]:
    """Undo the renames, last first (the failed one included: it may be half done); the
    paths that could not be restored, each with where its original is."""
    stuck: list[str] = []
    for target in reversed(done):
        try:
            if target.backup is not None:
                os.replace(target.backup, target.full)
                target.backup = None
            elif target.swapped:
                os.unlink(target.full)
        except OSError:
            stuck.append(f"{target.path} (original in {target.backup})"
                         if target.backup else target.path)
    return stuck


def _discard(targets: list[_Target], made_dirs: list[str]) -> None:
    """Remove the staged files and the folders this run made (a backup left here is an
    original that could not be restored: it stays, and the error names it)."""
    for target in targets:
        if target.temp is not None:
            _quietly(os.unlink, target.temp)
    for folder in reversed(made_dirs):
        _quietly(os.rmdir, folder)


def _commit(targets: list[_Target]) -> None:
    for target in targets:
        if target.backup is not None:
            _quietly(os.unlink, target.backup)   # a leftover is removed by the next run
    # the renames are durable once their folders are (best effort: they are done)
    _fsync_all(sorted({os.path.dirname(t.full) or "." for t in targets}))


def _fsync_all(paths: Iterable[str]) -> list[OSError | None]:
    """fsync each file or folder, the error of each. In threads: the file system commits
    concurrent fsyncs together (measured on ext4: 250 files in 0.05 s instead of 0.9 s)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(_fsync, paths))


def _fsync(path: str) -> OSError | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        return exc
    try:
        os.fsync(fd)
    except OSError as exc:
        return exc
    finally:
        os.close(fd)
    return None


# -- the journal: completing or rolling back a run killed during the swap -----------------------

def _refuse_journal(root: Path) -> None:
    if os.path.lexists(os.path.join(root, JOURNAL)):
        raise ApplyError(JOURNAL, "an interrupted --apply could be neither completed nor "
                                  "rolled back; see the files it names", 1)


def _write_journal(root: Path, targets: list[_Target]) -> None:
    """Name every backup, then write the journal durably (a temporary file renamed into
    place, its folder synced): a run killed before the rename leaves only a temp file."""
    _name_backups(targets)
    files = [{"path": t.path, "old": _hex(t.digest),
              "new": None if t.data is None else hashlib.sha256(t.data).hexdigest(),
              "temp": _relative(root, t.temp), "backup": _relative(root, t.backup_name)}
             for t in targets]
    temp = None
    try:
        import tempfile
        fd, temp = tempfile.mkstemp(dir=root, prefix=f"{JOURNAL}.", suffix=TEMP_SUFFIX)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "files": files}, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, os.path.join(root, JOURNAL))
    except OSError as exc:   # nothing is renamed yet: the run stops here, all as it was
        if temp is not None:
            _quietly(os.unlink, temp)
        raise ApplyError(JOURNAL, f"cannot write: {_reason(exc)}") from None
    _fsync(str(root))


def _name_backups(targets: list[_Target]) -> None:
    for target in targets:
        if target.digest is not None:
            target.backup_name = _backup_name(target.full)


def recover(root: Path) -> str | None:
    """Finish what a run killed during its swap left, as its journal says: completed when
    every file not yet replaced still has its temporary file, else rolled back from the
    backups. A sentence saying which; None when there is no journal. ApplyError (the
    journal and its files left as they are) when a file changed since or a needed temp
    or backup is gone."""
    journal = os.path.join(root, JOURNAL)
    if not os.path.lexists(journal):
        return None
    try:
        with open(journal, encoding="utf-8") as handle:
            files: list[dict[str, str | None]] = json.load(handle)["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ApplyError(JOURNAL, "unreadable journal of an interrupted --apply", 1) from None
    done = [_state(root, entry) for entry in files]
    pending = [e for e, new in zip(files, done) if not new]
    forward = all(_holds(root, e["temp"], e["new"]) for e in pending if e["new"] is not None)
    if forward:
        for entry in pending:
            _roll_forward(root, entry)
    else:
        for entry in (e for e, new in zip(files, done) if new):
            _restore(root, entry)
    _remove_named(root, files)
    _quietly(os.unlink, journal)
    _fsync(str(root))
    what = "completed" if forward else "rolled back"
    return f"An interrupted fixer fix --apply was {what} ({len(files)} files, {JOURNAL})."


def _state(root: Path, entry: dict[str, str | None]) -> bool:
    """Whether the entry's target holds its new content (True) or its old one (False)."""
    path = entry["path"]
    assert path is not None, "every entry names its target"
    if _holds(root, path, entry["new"]):
        return True
    if _holds(root, path, entry["old"]):
        return False
    raise ApplyError(path, "changed since an interrupted --apply; its journal is kept", 1)


def _holds(root: Path, path: str | None, digest: str | None) -> bool:
    """Whether the file holds content with this hash (digest None: the file is absent)."""
    if path is None:
        return False
    full = os.path.join(root, path)
    if digest is None:
        return not os.path.lexists(full)
    try:
        data = read_regular(path, full, os.lstat(full).st_size)
    except (OSError, InputError):
        return False
    return hashlib.sha256(data).hexdigest() == digest


def _roll_forward(root: Path, entry: dict[str, str | None]) -> None:
    target = os.path.join(root, str(entry["path"]))
    if entry["new"] is None:
        os.unlink(target)
    else:
        os.replace(os.path.join(root, str(entry["temp"])), target)


def _restore(root: Path, entry: dict[str, str | None]) -> None:
    target = os.path.join(root, str(entry["path"]))
    if entry["old"] is None:
        os.unlink(target)   # a file the run created
    elif _holds(root, entry["backup"], entry["old"]):
        os.replace(os.path.join(root, str(entry["backup"])), target)
    else:
        raise ApplyError(str(entry["path"]), "an interrupted --apply replaced it and its "
                                             "original is gone; its journal is kept", 1)


def _remove_named(root: Path, files: list[dict[str, str | None]]) -> None:
    for entry in files:
        for name in (entry["temp"], entry["backup"]):
            if name is not None:
                _quietly(os.unlink, os.path.join(root, name))
    _fsync_all(sorted({os.path.dirname(os.path.join(root, str(e["path"]))) for e in files}))


def _hex(digest: bytes | None) -> str | None:
    return None if digest is None else digest.hex()


def _relative(root: Path, full: str | None) -> str | None:
    return None if full is None else os.path.relpath(full, root).replace(os.sep, "/")


# -- leftovers, signals, messages ----------------------------------------------------------------

def leftovers(paths: Iterable[str]) -> list[str]:
    """The temporary files and backups of an earlier run that was killed mid-write, and
    its journal."""
    return [p for p in paths if p == JOURNAL or _LEFTOVER.match(p.rsplit("/", 1)[-1])]


def remove_leftovers(root: Path, paths: Iterable[str]) -> tuple[list[str], str | None]:
    """Complete or roll back the run a journal names (`recover`), then remove the
    leftovers that are still plain files: the paths removed, and what recovery did (None
    without a journal). A journal that cannot be followed stays, with every file it names:
    the next write refuses to run."""
    paths = list(paths)
    removed = []
    recovered = None
    if JOURNAL in paths:
        try:
            recovered = recover(root)
            removed.append(JOURNAL)
        except ApplyError as exc:
            return [], f"{exc}; the journal {JOURNAL} and its files are kept"
    for path in leftovers(p for p in paths if p != JOURNAL):
        full = os.path.join(root, path)
        try:
            if stat.S_ISREG(os.lstat(full).st_mode):
                os.unlink(full)
                removed.append(path)
        except OSError:
            continue
    return removed, recovered


class _SignalFlag:
    """While active, SIGINT and SIGTERM set `caught` instead of stopping the process at an
    arbitrary point of a rename or a rollback (main thread only, where handlers can be set)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.caught: int | None = None
        self._old: dict[int, object] = {}

    def __enter__(self) -> _SignalFlag:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._old[signum] = signal.signal(signum, self._record)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _record(self, signum: int, _frame: FrameType | None) -> None:
        self.caught = signum


def _quietly(action: Callable[..., object], *args: object) -> None:
    try:
        action(*args)
    except OSError:
        pass


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)
