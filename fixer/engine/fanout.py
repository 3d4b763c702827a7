"""A check's rules on two cores: those that read the app code in a forked child.

The facts rules share are worked out once per process (the modules' syntax trees, each app's
routes): half the rules in another process would work most of them out twice. The rules
that read the services' Python code (`READS_APP_CODE` in their module) share the costliest
of them, and they are about half of a large check. So a check of many services forks: the
child runs those rules (and compiles the modules ahead, `sources/compile_ahead.py`), the
parent runs the others, and the child sends its violations back (`engine/wire.py`).

The child works on the very workspace the parent loaded (a fork copies it), and runs the same
code on it, so it finds what the parent would. What it sends is checked for shape; a rule
whose violations do not arrive whole (the child raised, died, sent a value the codec does not
carry) is run again in the parent, as without a child. So the child decides which process
finds a violation, never what is found. A fix the child found is built in the parent when
asked (SARIF shows every fix's edits): the rule runs again there, once, and its violation at
the same place in its order builds the edits.

Only where a fork is safe without an exec (Linux: macOS's system libraries are not, Windows
has no fork), with a core spare, and with no other thread running: a fork copies the thread
that calls it only, and a lock another thread held would stay held in the child.
"""

from __future__ import annotations

import marshal
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from fixer.core.cores import spare_core
from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.errors import InputError
from fixer.engine import wire
from fixer.engine.forking import fork_quietly
from fixer.model.rule import Finding, Rule, Violation
from fixer.model.workspace import Workspace

# Fewer app services than this: the fork and the child's copying cost more than they save.
MIN_APPS = 100

# A frame: 4-byte big-endian length, then marshal((rule index, violations, input errors)).
_FRAME = struct.Struct(">I")


@dataclass
class RuleRun:
    """One rule's run: its findings, or what it raised; and the input errors it recorded."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    raised: Exception | None = None
    errors: list[InputError] = field(default_factory=list)


def run_rules(ws: Workspace, rules: Sequence[Rule], tick: Callable[[], None],
              ahead: Callable[[], AbstractContextManager[object]],
              fork: bool) -> list[RuleRun]:
    """Each rule's run, in the rules' order. `ahead` is the compile worker's context, entered
    by the process that runs the rules reading app code; `tick` is called as each rule ends.
    With `fork`, the app-code rules go to a child when `worth_forking`."""
    child = [i for i, rule in enumerate(rules) if rule.reads_app_code]
    if not (fork and 0 < len(child) < len(rules) and worth_forking(ws)):
        with ahead():
            return [run_one(ws, rule, tick) for rule in rules]
    return _forked(ws, rules, set(child), tick, ahead)


def worth_forking(ws: Workspace) -> bool:
    """Linux, a core spare, no other thread, a tree whose files a fork may read beside this
    process (not a git commit's, read through one `git cat-file`), and enough app services
    to pay for the fork."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1 and ws.tree.source.fork_safe and spare_core()
            and sum(1 for _ in ws.apps()) >= MIN_APPS)


def run_one(ws: Workspace, rule: Rule, tick: Callable[[], None]) -> RuleRun:
    """The rule run here, in this process."""
    recorded = len(ws.errors)
    run = RuleRun(rule)
    try:
        run.findings = rule.detect(ws)
    except Exception as exc:   # the engine tells a crash from an input error
        run.raised = exc
    run.errors = ws.errors[recorded:]
    tick()
    return run


def _forked(ws: Workspace, rules: Sequence[Rule], child: set[int], tick: Callable[[], None],
            ahead: Callable[[], AbstractContextManager[object]]) -> list[RuleRun]:
    initial = list(ws.errors)
    read_end, write_end = os.pipe()
    try:
        pid = fork_quietly()
    except OSError:   # no memory or no process slot left: one process it is
        os.close(read_end)
        os.close(write_end)
        with ahead():
            return [run_one(ws, rule, tick) for rule in rules]
    if pid == 0:   # pragma: no cover - the child; it never returns
        os.close(read_end)
        _child(ws, rules, sorted(child), write_end, ahead)
    runs, data = _beside(pid, read_end, write_end, ws, rules, child, tick)
    return merged(ws, rules, child, runs, _decoded(ws, rules, child, data), initial, tick)


def merged(ws: Workspace, rules: Sequence[Rule], child: set[int], own: dict[int, RuleRun],
           sent: dict[int, RuleRun], initial: list[InputError],
           tick: Callable[[], None]) -> list[RuleRun]:
    """Every rule's run in the rules' order: this process's `own`, the other's `sent`, and
    the other's rules that did not arrive whole, run here now. The workspace's input errors
    are recorded again after `initial`, rule after rule, as one process records them."""
    runs = dict(own)
    for index, run in sent.items():
        runs[index] = run
        tick()
    for index in sorted(child - runs.keys()):   # did not arrive whole: found here
        runs[index] = run_one(ws, rules[index], tick)
    ordered = [runs[i] for i in range(len(rules))]
    ws.errors[:] = initial
    for error in (e for run in ordered for e in run.errors):
        ws.record_error(error)
    return ordered


def _beside(pid: int, read_end: int, write_end: int, ws: Workspace, rules: Sequence[Rule],
            child: set[int], tick: Callable[[], None]) -> tuple[dict[int, RuleRun], bytes]:
    """The parent's own rules, run while the child runs its; then all the child sent. The
    child is reaped however this ends (killed first when the parent stops early)."""
    done = False
    try:
        os.close(write_end)   # the child's end: the pipe ends when the child does
        received = _Receiver(read_end)
        runs = {i: run_one(ws, rules[i], tick) for i in range(len(rules)) if i not in child}
        received.wait()
        done = True
        return runs, received.data()
    finally:
        _reap(pid, done)


def _child(ws: Workspace, rules: Sequence[Rule], mine: list[int], fd: int,
           ahead: Callable[[], AbstractContextManager[object]]) -> None:
    code = 1
    try:
        with open(fd, "wb") as out, ahead():
            for index in mine:
                frame = _frame(ws, index, rules[index])
                if frame is not None:
                    out.write(_FRAME.pack(len(frame)) + frame)
                    out.flush()
        code = 0
    finally:
        os._exit(code)   # no atexit, no flush of the parent's buffers, no cleanup


def _frame(ws: Workspace, index: int, rule: Rule) -> bytes | None:
    """The rule's violations and the input errors it recorded, encoded; None when they
    cannot all travel (the parent runs the rule itself)."""
    recorded = len(ws.errors)
    try:
        violations = [wire.encode_violation(f.violation) for f in rule.detect(ws)]
        errors = [wire.encode_error(e) for e in ws.errors[recorded:]]
        return marshal.dumps((index, violations, errors))
    except Exception:
        return None


class _Receiver:
    """The child's frames, read by a thread while the parent runs its rules: a pipe holds
    64 KiB, and a child that waits for the parent to read would not run beside it."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True,
                                        name="fixer-check-child")
        self._thread.start()

    def _read(self) -> None:
        with open(self._fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 20):
                self._chunks.append(chunk)

    def wait(self) -> None:
        self._thread.join()

    def data(self) -> bytes:
        return b"".join(self._chunks)


def _reap(pid: int, done: bool) -> None:
    """Wait for the child, which is ending when `done` (its frames are all in); one the
    parent no longer waits for (it was interrupted) is killed first."""
    try:
        if not done:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass


def _decoded(ws: Workspace, rules: Sequence[Rule], child: set[int],
             data: bytes) -> dict[int, RuleRun]:
    """The runs the child's frames hold, until the first that is not whole or not the
    answer to a rule it was given: none after it is trusted."""
    runs: dict[int, RuleRun] = {}
    at = 0
    while at + _FRAME.size <= len(data):
        (size,) = _FRAME.unpack_from(data, at)
        at += _FRAME.size
        try:
            if at + size > len(data):
                raise ValueError("a frame cut short")
            index, violations, errors = marshal.loads(data[at:at + size])
            if type(index) is not int or index not in child or index in runs:
                raise ValueError("not a frame of this check")
            runs[index] = received(ws, rules[index], violations, errors)
        except (ValueError, EOFError, TypeError):
            break
        at += size
    return runs


def received(ws: Workspace, rule: Rule, violations: object, errors: object,
             edits: Sequence[Sequence[Edit] | None] = ()) -> RuleRun:
    """The run of `rule` another process sent: its encoded violations and input errors, and
    the edits of each violation's fix where that process built it (engine/partner.py). A
    fix it did not build is built here when asked (`_found_again`). ValueError or TypeError
    when they are not such encodings."""
    if type(violations) is not list or type(errors) is not list:
        raise ValueError("not a rule's run")
    found: list[Violation] = []
    for position, fields in enumerate(violations):
        built = edits[position] if position < len(edits) else None
        build = _found_again(ws, rule, found, position) if built is None else _given(built)
        found.append(wire.decode_violation(fields, build))
    return RuleRun(rule, [Finding(rule, v) for v in found],
                   errors=[wire.decode_error(e) for e in errors])


def _given(edits: Sequence[Edit]) -> Callable[[], Sequence[Edit]]:
    return lambda: edits


_AGAIN: dict[str, Memo[list[Violation]]] = {}


def _found_again(ws: Workspace, rule: Rule, received: list[Violation],
                 position: int) -> Callable[[], Sequence[Edit]]:
    """Builds the fix of the rule's violation at `position` of `received`, found again in
    this process: the child's builder stayed in the child. The rule runs here once."""
    def build() -> Sequence[Edit]:
        memo = _AGAIN.setdefault(rule.code, Memo(f"{rule.code} found again"))
        again = ws.derived.get(memo, lambda: list(rule.detect_fn(ws)))
        violation = again[position] if position < len(again) else None
        if violation is None or violation.fix is None or \
                _identity(violation) != _identity(received[position]):
            raise RuntimeError(f"{rule.code} did not find the same violation again")
        return violation.fix.build()
    return build


def _identity(violation: Violation) -> tuple[object, ...]:
    return (violation.path, violation.line, violation.column, violation.service,
            violation.subject, violation.message, violation.fix_title)
