"""A second process that runs the rules reading app code for the whole of a fix run.

A fix run checks its workspace again after every round. Half of each check is the rules
that read the services' Python code (`READS_APP_CODE`), and the facts they share (syntax
trees, each app's routes) are the costliest of a run. A check forked afresh each round would
work those facts out again each round, in the child, and once more in the parent for the
stack check. So a fix run of many services forks once, after loading its first workspace,
and the child (the partner) keeps in step for the whole run:
- it runs its rules on that workspace while the parent runs the others;
- for each round, the parent sends the files the round changed; the partner builds the same
  tree and workspace the parent builds, runs its rules there, and sends their violations
  with the edits of every fix (built from its own facts, so the parent never needs them);
- then it sends the stack check's gate and import facts (`stackcheck.give`) on the stacks
  the round changed, before and after the round.
Its caches live as long as the run, as the parent's do.

As with `fanout`, the partner decides which process works a fact out, never what it is: it
runs the same code on the same files. Whatever does not arrive whole (a rule whose
violations cannot travel, a fix that raised, a partner that died) is worked out in the
parent, as without a partner. Only where `fanout.worth_forking` says a fork pays.
"""

from __future__ import annotations

import marshal
import os
import queue
import signal
import struct
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import BinaryIO

from fixer import stackcheck
from fixer.core.edits import CreateFile, DeleteFile, Edit, TextEdit
from fixer.core.textfile import TextFile
from fixer.engine import fanout, wire
from fixer.engine.forking import fork_quietly
from fixer.engine.wire import Wire
from fixer.engine.ahead import ahead_of
from fixer.model.rule import Finding, Fix, Rule
from fixer.model.workspace import Workspace
from fixer.stackcheck import Fact, Verdict

# A frame, both ways: 4-byte big-endian length, then a marshal payload.
_FRAME = struct.Struct(">I")

# What the partner sends, each tagged with the token of the workspace it is about:
_RULE = "rule"     # (index, violations, input errors, each violation's encoded edits)
_RULES_DONE = "rules done"
_FACTS = "facts"   # (facts before the round, facts after it), by stack

FIRST = 0   # the token of the run's first workspace


@dataclass
class _Answers:
    """What the partner sent about one workspace so far."""

    rules: dict[int, tuple[object, ...]] = field(default_factory=dict)
    rules_done: bool = False
    facts: tuple[object, object] | None = None


class Partner:
    """The parent's side: requests go out through a writer thread and answers come in
    through a reader thread, so neither process waits for the other to read a pipe."""

    def __init__(self, pid: int, requests: int, answers: int, rules: Sequence[Rule],
                 mine: set[int]) -> None:
        self.pid = pid
        self.rules = rules
        self.mine = mine   # indices of the rules the partner runs
        self._next = FIRST + 1
        self._answers: dict[int, _Answers] = {FIRST: _Answers()}
        self._alive = True
        self._changed = threading.Condition()
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(answers,), daemon=True,
                                        name="fixer-partner-reader")
        self._writer = threading.Thread(target=self._write, args=(requests,), daemon=True,
                                        name="fixer-partner-writer")
        self._reader.start()
        self._writer.start()

    @classmethod
    def start(cls, ws: Workspace, rules: Sequence[Rule]) -> Partner | None:
        """A partner running the app-code rules on `ws` from now on; None when a second
        process does not pay or cannot start."""
        mine = {i for i, rule in enumerate(rules) if rule.reads_app_code}
        if not (0 < len(mine) < len(rules) and fanout.worth_forking(ws)):
            return None
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        try:
            pid = fork_quietly()
        except OSError:   # no memory or no process slot left: one process it is
            for fd in (child_reads, parent_writes, parent_reads, child_writes):
                os.close(fd)
            return None
        if pid == 0:   # pragma: no cover - the partner; it never returns
            os.close(parent_writes)
            os.close(parent_reads)
            _serve(ws, rules, sorted(mine), child_reads, child_writes)
        os.close(child_reads)
        os.close(child_writes)
        return cls(pid, parent_writes, parent_reads, rules, mine)

    # -- the parent's requests -------------------------------------------------------------

    def submit(self, base: int, files: Mapping[str, TextFile | None]) -> int:
        """Ask for a check of the tree of workspace `base` with `files` (None: deleted);
        the token of the new workspace. The partner keeps `base` and the new one only."""
        token = self._next
        self._next += 1
        with self._changed:
            self._answers = {t: a for t, a in self._answers.items() if t == base}
            self._answers[token] = _Answers()
        encoded = [(path, None) if file is None else
                   (path, (file.text, file.encoding, file.bom)) for path, file in files.items()]
        self._outbox.put(marshal.dumps((token, base, encoded)))
        return token

    def check_runs(self, ws: Workspace, token: int,
                   tick: Callable[[], None]) -> list[fanout.RuleRun]:
        """Every rule's run on `ws`, the workspace of `token`: the others here, meanwhile,
        and the partner's as it sent them (those that did not arrive whole, here too)."""
        initial = list(ws.errors)
        own = {i: fanout.run_one(ws, rule, tick) for i, rule in enumerate(self.rules)
               if i not in self.mine}
        return fanout.merged(ws, self.rules, self.mine, own, self.runs(ws, token), initial, tick)

    def runs(self, ws: Workspace, token: int) -> dict[int, fanout.RuleRun]:
        """The runs of the partner's rules on `ws` (the workspace of `token`) that arrived
        whole; the caller runs the others itself."""
        with self._changed:
            self._changed.wait_for(lambda: not self._alive or self._get(token).rules_done)
            sent = dict(self._get(token).rules)
        runs: dict[int, fanout.RuleRun] = {}
        for index, frame in sorted(sent.items()):
            try:
                violations, errors, edits = frame
                runs[index] = fanout.received(ws, self.rules[index], violations, errors,
                                              _decoded_edits(edits))
            except (ValueError, TypeError):
                break   # not what the partner sends: trust none after it
        return runs

    def give_facts(self, token: int, before: Workspace, after: Workspace) -> None:
        """Hand the stack check the gate and import facts the partner worked out for the
        round of `token`, on `before` and `after`; none when they did not arrive."""
        with self._changed:
            self._changed.wait_for(lambda: not self._alive or self._get(token).facts is not None)
            sent = self._get(token).facts
        if sent is None:
            return
        try:
            decoded = [_decoded_facts(side) for side in sent]
        except (ValueError, TypeError):
            return
        for ws, by_stack in zip((before, after), decoded):
            for name, (gates, imports) in by_stack.items():
                stackcheck.give(ws, name, gates, imports)

    def close(self) -> None:
        """Stop the partner, whatever it is doing, and reap it."""
        self._outbox.put(None)
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self._reader.join()
        self._writer.join()

    # -- the threads ----------------------------------------------------------------------

    def _get(self, token: int) -> _Answers:
        return self._answers.get(token) or _Answers()

    def _write(self, fd: int) -> None:
        try:
            with open(fd, "wb") as pipe:
                while (request := self._outbox.get()) is not None:
                    pipe.write(_FRAME.pack(len(request)) + request)
                    pipe.flush()
        except OSError:   # the partner is gone (the reader says so)
            pass

    def _read(self, fd: int) -> None:
        try:
            with open(fd, "rb") as pipe:
                while (frame := _read_frame(pipe)) is not None:
                    if not self._take(frame):
                        return
        except (OSError, ValueError, EOFError, TypeError):
            pass
        finally:
            with self._changed:
                self._alive = False
                self._changed.notify_all()

    def _take(self, frame: bytes) -> bool:
        kind, token, body = marshal.loads(frame)
        with self._changed:
            answers = self._answers.get(token)
            if answers is not None:   # else about a workspace no longer asked about
                if kind == _RULE:
                    index, *rest = body
                    if type(index) is not int or index not in self.mine:
                        return False
                    answers.rules[index] = tuple(rest)
                elif kind == _RULES_DONE:
                    answers.rules_done = True
                elif kind == _FACTS:
                    answers.facts = body
                else:
                    return False
            self._changed.notify_all()
        return True


def _read_frame(pipe: BinaryIO) -> bytes | None:
    """The next frame's payload; None at the end of the pipe or of a frame cut short."""
    head = pipe.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    body = pipe.read(size)
    return body if len(body) == size else None


# -- the partner's side ----------------------------------------------------------------------

def _serve(ws: Workspace, rules: Sequence[Rule], mine: list[int], requests: int,
           answers: int) -> None:   # pragma: no cover - runs in the partner
    code = 1
    try:
        kept = {FIRST: ws}
        with open(requests, "rb") as inbox, open(answers, "wb") as out:
            _check(ws, FIRST, rules, mine, out)
            while (frame := _read_frame(inbox)) is not None:
                token, base, files = marshal.loads(frame)
                before = kept[base]
                after = Workspace.load(before.tree.with_files(_files(files)), before.config)
                kept = {base: before, token: after}
                _check(after, token, rules, mine, out)
                _send(out, _FACTS, token, _round_facts(before, after, {p for p, _ in files}))
        code = 0
    finally:
        os._exit(code)   # no atexit, no flush of the parent's buffers, no cleanup


def _check(ws: Workspace, token: int, rules: Sequence[Rule], mine: list[int],
           out: BinaryIO) -> None:   # pragma: no cover - runs in the partner
    """The partner's rules on `ws`: every rule detects first, then their fixes are built,
    as in one process (a fix is built after the whole check)."""
    found: list[tuple[int, list[Wire], list[Wire], list[Finding]]] = []
    with ahead_of(ws):
        for index in mine:
            recorded = len(ws.errors)
            try:
                findings = rules[index].detect(ws)
                violations: list[Wire] = [wire.encode_violation(f.violation) for f in findings]
                errors: list[Wire] = [wire.encode_error(e) for e in ws.errors[recorded:]]
            except Exception:   # the parent runs it and sees what it raises
                continue
            found.append((index, violations, errors, findings))
    for index, violations, errors, findings in found:
        edits = [_built(finding.violation.fix) for finding in findings]
        _send(out, _RULE, token, (index, violations, errors, edits))
    _send(out, _RULES_DONE, token, None)


def _built(fix: Fix | None) -> list[Wire] | None:   # pragma: no cover - runs in the partner
    """A fix's edits, encoded; None when there is no fix or building it raised (the parent
    builds it again and sees the error)."""
    if fix is None:
        return None
    try:
        return [_encoded_edit(edit) for edit in fix.build()]
    except Exception:
        return None


def _round_facts(before: Workspace, after: Workspace,
                 paths: Collection[str]) -> Wire:   # pragma: no cover - runs in the partner
    stacks = stackcheck.changed_stacks(before, paths) | stackcheck.changed_stacks(after, paths)
    return (_encoded_facts(before, stacks), _encoded_facts(after, stacks))


def _send(out: BinaryIO, kind: str, token: int, body: Wire) -> None:   # pragma: no cover
    data = marshal.dumps((kind, token, body))  # type: ignore[arg-type]
    out.write(_FRAME.pack(len(data)) + data)
    out.flush()


# -- encodings -------------------------------------------------------------------------------

def _files(encoded: list[tuple[str, tuple[str, str, bool] | None]]) -> dict[str, TextFile | None]:
    return {path: None if value is None else TextFile(path, *value) for path, value in encoded}


def _encoded_edit(edit: Edit) -> Wire:
    if type(edit) is TextEdit:
        return ("T", edit.path, edit.start, edit.end, edit.text)
    if type(edit) is CreateFile:
        return ("C", edit.path, edit.text)
    if type(edit) is DeleteFile:
        return ("D", edit.path)
    raise wire.Unencodable(type(edit).__name__)


def _decoded_edits(encoded: object) -> list[list[Edit] | None]:
    if type(encoded) is not list:
        raise ValueError("not encoded edits")
    return [None if fix is None else [_decoded_edit(e) for e in fix] for fix in encoded]


def _decoded_edit(value: object) -> Edit:
    if type(value) is tuple and value and value[0] == "T" and len(value) == 5:
        return TextEdit(*value[1:])
    if type(value) is tuple and value and value[0] == "C" and len(value) == 3:
        return CreateFile(*value[1:])
    if type(value) is tuple and value and value[0] == "D" and len(value) == 2:
        return DeleteFile(value[1])
    raise ValueError("not an encoded edit")


def _encoded_facts(ws: Workspace, stacks: Collection[str]) -> Wire:
    return {name: ([_encoded_fact(f) for f in gates], [_encoded_fact(f) for f in imports])
            for name, (gates, imports) in stackcheck.app_facts(ws, stacks).items()}


def _encoded_fact(fact: Fact) -> Wire:
    return (fact.prop, fact.key, fact.path, fact.line, fact.services, fact.subject,
            fact.verdict.value, fact.why)


def _decoded_facts(encoded: object) -> dict[str, tuple[list[Fact], list[Fact]]]:
    if type(encoded) is not dict:
        raise ValueError("not encoded facts")
    return {name: (_fact_list(gates), _fact_list(imports))
            for name, (gates, imports) in encoded.items()}


def _fact_list(encoded: object) -> list[Fact]:
    if type(encoded) is not list:
        raise ValueError("not encoded facts")
    return [Fact(prop, key, path, line, services, subject, Verdict(verdict), why)
            for prop, key, path, line, services, subject, verdict, why in encoded]
