"""Compiling Python modules ahead, on another core, while the rules run.

Whether a module compiles (`python.compile_problem`) is asked of every module on an app's
import path, and CPython's code generation is a tenth of a check of a large tree. The answer
rests on the module's text alone, so a worker process (this interpreter, running `_PROGRAM`)
compiles the texts it is sent and streams back one answer per text. The rules never wait for
it: an answer not back yet is computed in-process, as without a worker. So the worker decides
when an answer is computed, never what it is, and a worker that cannot start, dies or lags
costs nothing but its own core. It runs at the lowest priority (nice 19): beside a check on
two cores (engine/fanout.py) it takes only the CPU the check's own processes leave, and a
module it has not answered yet is compiled by the rule that asks.

Answers travel in `marshal`, whose format is this interpreter's own: the worker is always
`sys.executable`, the same version. It runs isolated (`-I -S`: no site packages, no
environment), imports nothing of fixer, and answers only what compiling can tell: compiles, a
`SyntaxError` (or subclass) at a line, a `ValueError`. Anything else (a RecursionError on
deeply nested code) comes back as "not known", so the in-process path raises it as before.
"""

from __future__ import annotations

import marshal
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from fixer.core.cores import spare_core
from fixer.core.textfile import TextFile

# Below this many modules the compiling takes less than starting a worker.
MIN_MODULES = 200

# Frames both ways: 4-byte big-endian length, then a marshal payload. In: one list of
# (path, text). Out, per text in order: (kind, line, message), kind 0 compiles, 1 a
# SyntaxError (message with its class name), 2 a ValueError, 3 not known.
_FRAME = struct.Struct(">I")
_PROGRAM = """
import marshal, os, struct, sys, warnings
if hasattr(os, "nice"):
    os.nice(19)
warnings.simplefilter("ignore")
frame = struct.Struct(">I")
inp, out = sys.stdin.buffer, sys.stdout.buffer
size, = frame.unpack(inp.read(4))
for path, text in marshal.loads(inp.read(size)):
    try:
        compile(text, path, "exec", dont_inherit=True)
        answer = (0, 0, "")
    except SyntaxError as exc:
        answer = (1, exc.lineno or 1, type(exc).__name__ + ": " + str(exc.msg))
    except ValueError as exc:
        answer = (2, 1, type(exc).__name__ + ": " + str(exc))
    except BaseException:
        answer = (3, 0, "")
    data = marshal.dumps(answer)
    out.write(frame.pack(len(data)) + data)
    out.flush()
"""


class Answer(NamedTuple):
    """What compiling one text told: `line` and `message` when it does not compile."""

    compiles: bool
    line: int
    message: str


class Worker:
    """One worker process and the answers it sent so far, by the sent file's identity."""

    def __init__(self, files: Sequence[TextFile], command: Sequence[str]) -> None:
        self._files = list(files)   # kept: the identities below stay theirs
        self._slot = {id(file): index for index, file in enumerate(self._files)}
        self._answers: dict[int, Answer] = {}
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._talk, daemon=True,
                                        name="fixer-compile-ahead")
        self._thread.start()

    def answer(self, file: TextFile) -> Answer | None:
        """The worker's answer for this very file; None when it has none (yet)."""
        slot = self._slot.get(id(file))
        return None if slot is None else self._answers.get(slot)

    @property
    def answered(self) -> int:
        return len(self._answers)

    def wait(self, timeout: float) -> bool:
        """Wait until every answer is in or the worker has stopped; False on timeout."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Stop the worker, done or not, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._thread.join()

    def _talk(self) -> None:
        # A thread of its own: writing blocks until the worker reads, reading until it answers.
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            with stdin:
                payload = marshal.dumps([(f.path, f.text) for f in self._files])
                stdin.write(_FRAME.pack(len(payload)) + payload)
            with stdout:
                for slot in range(len(self._files)):
                    head = stdout.read(_FRAME.size)
                    if len(head) < _FRAME.size:
                        return
                    kind, line, message = marshal.loads(stdout.read(_FRAME.unpack(head)[0]))
                    if not (kind in (0, 1, 2, 3) and type(line) is int and type(message) is str):
                        return   # not the program's answer: trust none that follows
                    if kind != 3:
                        self._answers[slot] = Answer(kind == 0, line, message)
        except (OSError, ValueError, EOFError, TypeError):
            return   # killed, or a broken pipe: the rest is computed in-process


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
    wanted = force or (len(files) >= MIN_MODULES and spare_core())
    worker = _start(files, command) if wanted and files else None
    if worker is None:
        yield None
        return
    CURRENT.append(worker)
    try:
        yield worker
    finally:
        CURRENT.remove(worker)
        worker.close()


def _start(files: Sequence[TextFile], command: Sequence[str] | None) -> Worker | None:
    if command is None:
        # a frozen fixer's executable is fixer itself, not an interpreter to run the program
        if not sys.executable or getattr(sys, "frozen", False):
            return None
        command = [sys.executable, "-I", "-S", "-c", _PROGRAM]
    try:
        return Worker(files, command)
    except OSError:
        return None

