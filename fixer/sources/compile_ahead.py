"""Compiling Python modules ahead, on another core, while the workspace loads and the rules run.

Whether a module compiles (`python.compile_problem`) is asked of every module on an app's
import path, and CPython's code generation is a tenth of a check of a large tree. The answer
rests on the module's text alone, so a worker process (this interpreter, running `_PROGRAM`)
compiles the texts and writes one answer per text, each with a digest of the text it
compiled. The rules never wait for it: an answer not in yet, or one for another text than
the file's (changed since, or decoded otherwise), is computed in-process, as without a
worker. So the worker decides when an answer is computed, never what it is, and a worker
that cannot start, dies or lags costs nothing but its own core. It runs at the lowest
priority (nice 19): it takes only the CPU the check's own processes leave.

A worker either gets the texts (`compiling`: a tree in memory or a git commit's), or reads
the files itself from a folder (`compiling_from_disk`), so that it can start before fixer
has read any of them: while the workspace loads on one core, the other compiles. It reads as
fixer does (regular files only, never through a link, UTF-8 with or without a BOM; anything
else is not answered). Its request and its answers go through unnamed temporary files, not
pipes, and no thread talks to it: a process may fork while it runs, and the forked child
reads the answers as the parent does.

Answers are written in `marshal`, whose format is this interpreter's own: the worker is always
`sys.executable`, the same version. It runs isolated (`-I -S`: no site packages, no
environment), imports nothing of fixer, and answers only what compiling can tell: compiles, a
`SyntaxError` (or subclass) at a line, a `ValueError`. Anything else (a RecursionError on
deeply nested code) comes back as "not known", so the in-process path raises it as before.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, NamedTuple

from fixer.core.cores import spare_core
from fixer.core.textfile import TextFile

# Below this many modules the compiling takes less than starting a worker.
MIN_MODULES = 200

# In: marshal((root, size limit, [(path, text or None to read root/path)])). Out, per item
# in order, a frame: 4-byte big-endian length, then marshal((path, digest of the text,
# kind, line, message)); kind 0 compiles, 1 a SyntaxError (message with its class name),
# 2 a ValueError, 3 not known (unread, not UTF-8, or compiling raised something else).
_FRAME = struct.Struct(">I")
_DIGEST_SIZE = 16
_PROGRAM = """
import hashlib, marshal, os, stat, struct, sys, warnings
if hasattr(os, "nice"):
    os.nice(19)
warnings.simplefilter("ignore")
frame = struct.Struct(">I")
out = sys.stdout.buffer
root, limit, items = marshal.loads(sys.stdin.buffer.read())
flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
         | getattr(os, "O_BINARY", 0))
def read(path):
    fd = os.open(os.path.join(root, path), flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = b""
        while len(data) <= limit:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    if len(data) > limit or b"\\x00" in data:
        return None
    return (data[3:] if data.startswith(b"\\xef\\xbb\\xbf") else data).decode("utf-8")
for path, text in items:
    digest, answer = b"", (3, 0, "")
    try:
        text = read(path) if text is None else text
        if text is not None:
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                     digest_size=DIGEST).digest()
            try:
                compile(text, path, "exec", dont_inherit=True)
                answer = (0, 0, "")
            except SyntaxError as exc:
                answer = (1, exc.lineno or 1, type(exc).__name__ + ": " + str(exc.msg))
            except ValueError as exc:
                answer = (2, 1, type(exc).__name__ + ": " + str(exc))
    except BaseException:
        answer = (3, 0, "")
    data = marshal.dumps((path, digest) + answer)
    out.write(frame.pack(len(data)) + data)
    out.flush()
""".replace("DIGEST", str(_DIGEST_SIZE))


class Answer(NamedTuple):
    """What compiling one text told: `line` and `message` when it does not compile."""

    compiles: bool
    line: int
    message: str


class Worker:
    """One worker process, and the answers it wrote so far by path, each with the digest of
    the text it compiled. Readable from any process forked while it runs; stopped only by
    the process that started it."""

    def __init__(self, root: str, items: Sequence[tuple[str, str | None]],
                 command: Sequence[str], limit: int) -> None:
        self._answers: dict[str, tuple[bytes, Answer]] = {}
        self._owner = os.getpid()
        self._offset = 0            # of the first frame not read yet
        self._trusted = True        # no frame but the program's so far
        import tempfile   # here: a check of a few services starts no worker, and pays nothing
        self._request: IO[bytes] = tempfile.TemporaryFile()
        self._output: IO[bytes] = tempfile.TemporaryFile()
        try:
            marshal.dump((root, limit, list(items)), self._request)
            self._request.flush()
            self._request.seek(0)
            self.process = subprocess.Popen(command, stdin=self._request, stdout=self._output,
                                            stderr=subprocess.DEVNULL)
        except BaseException:
            self._close_files()
            raise

    def answer(self, file: TextFile) -> Answer | None:
        """The worker's answer for this file's very text; None when it has none (yet)."""
        found = self._answers.get(file.path)
        if found is None and self._read_more():
            found = self._answers.get(file.path)
        if found is None or found[0] != digest(file.text):
            return None
        return found[1]

    @property
    def answered(self) -> int:
        self._read_more()
        return len(self._answers)

    def wait(self, timeout: float) -> bool:
        """Wait until the worker has stopped, its answers read; False on timeout."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self._read_more()
        return True

    def close(self) -> None:
        """Stop the worker, done or not, and reap it (in the process that started it)."""
        if os.getpid() != self._owner:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close_files()

    def _close_files(self) -> None:
        self._request.close()
        self._output.close()

    def _read_more(self) -> bool:
        """Read the frames written since the last read; True when there were any."""
        if not self._trusted or self._output.closed:
            return False
        data = _read_from(self._output, self._offset)
        at, before = 0, len(self._answers)
        while at + _FRAME.size <= len(data):
            end = at + _FRAME.size + _FRAME.unpack_from(data, at)[0]
            if end > len(data):
                break   # being written: read with the next frames
            if not self._keep(data[at + _FRAME.size:end]):
                self._trusted = False   # not the program's answer: trust none that follows
                break
            at = end
        self._offset += at
        return len(self._answers) > before

    def _keep(self, payload: bytes) -> bool:
        try:
            path, text_digest, kind, line, message = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return False
        if not (type(path) is str and type(text_digest) is bytes and kind in (0, 1, 2, 3)
                and type(line) is int and type(message) is str):
            return False
        if kind != 3:
            self._answers[path] = (text_digest, Answer(kind == 0, line, message))
        return True


def _read_from(file: IO[bytes], offset: int) -> bytes:
    """What the file holds from `offset` on, leaving its position alone where the platform
    can (a forked process shares the position with its parent)."""
    if hasattr(os, "pread"):
        fd = file.fileno()
        return os.pread(fd, max(os.fstat(fd).st_size - offset, 0), offset)
    file.seek(offset)   # Windows: no fork, so no one to share the position with
    return file.read()


def digest(text: str) -> bytes:
    """What identifies the text an answer is for."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                           digest_size=_DIGEST_SIZE).digest()


# The worker of the check running now: the dynamic extent of `compiling`, not a cache.
CURRENT: list[Worker] = []


def answer(file: TextFile) -> Answer | None:
    """The running worker's answer for this file, if it has one already."""
    return CURRENT[-1].answer(file) if CURRENT else None


@contextmanager
def compiling(files: Sequence[TextFile], command: Sequence[str] | None = None,
              force: bool = False) -> Iterator[Worker | None]:
    """Compile `files` in a worker while the block runs, when they are many enough
    (`MIN_MODULES`) and a core is spare, or when `force`d; the worker is stopped when the
    block ends. `command` runs another worker program (the default is `_PROGRAM`)."""
    with _running("", [(file.path, file.text) for file in files], command, force, 0) as worker:
        yield worker


@contextmanager
def compiling_from_disk(root: str, paths: Sequence[str], limit: int,
                        command: Sequence[str] | None = None,
                        force: bool = False) -> Iterator[Worker | None]:
    """As `compiling`, the worker reading each of `paths` below the folder `root` itself
    (files over `limit` bytes are not read), so that it can start before fixer reads them."""
    with _running(root, [(path, None) for path in paths], command, force, limit) as worker:
        yield worker


@contextmanager
def _running(root: str, items: Sequence[tuple[str, str | None]],
             command: Sequence[str] | None, force: bool, limit: int) -> Iterator[Worker | None]:
    wanted = force or (len(items) >= MIN_MODULES and spare_core())
    worker = _start(root, items, command, limit) if wanted and items else None
    if worker is None:
        yield None
        return
    CURRENT.append(worker)
    try:
        yield worker
    finally:
        CURRENT.remove(worker)
        worker.close()


def _start(root: str, items: Sequence[tuple[str, str | None]],
           command: Sequence[str] | None, limit: int) -> Worker | None:
    if command is None:
        # a frozen fixer's executable is fixer itself, not an interpreter to run the program
        if not sys.executable or getattr(sys, "frozen", False):
            return None
        command = [sys.executable, "-I", "-S", "-c", _PROGRAM]
    try:
        return Worker(root, items, command, limit)
    except OSError:
        return None
