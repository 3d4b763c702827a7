"""A check on two cores (fixer/engine/fanout.py): a forked child runs the rules that read app
code, on the workspace the parent loaded. Whatever the child does (finds, raises, dies, sends
what the codec does not carry, records input errors), the check reports exactly what a check
in one process reports; and no child outlives the check."""

from __future__ import annotations

import marshal
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fixer import engine
from fixer.core.errors import InputError
from fixer.core.tree import FolderSource, Tree
from fixer.engine import fanout, wire
from fixer.engine.run import CheckResult
from fixer.model.rule import Category, Finding, Fix, Location, Rule, Safety, Violation
from fixer.model.workspace import Workspace
from kit import app_service, rules, tree
from support import no_child_left

REPO = Path(__file__).resolve().parent.parent
SEED_FLEET = REPO / "examples" / "seed-fleet"


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for any number of services, on a one-core runner too."""
    monkeypatch.setattr(fanout, "MIN_APPS", 0)
    monkeypatch.setattr(fanout, "spare_core", lambda: True)


def everything(result: CheckResult) -> list[object]:
    """All a check reports, every field of every finding and error, in order."""
    def finding(f: Finding) -> tuple[object, ...]:
        v = f.violation
        return (f.code, v.message, v.path, v.line, v.column, v.service, v.subject, v.fix_title,
                v.safety, v.reason, v.waits, v.causes, v.relies_on, v.held)
    return [[finding(f) for f in result.findings], [finding(f) for f in result.suppressed],
            [(type(e).__name__, str(e)) for e in result.input_errors],
            [(type(e).__name__, str(e)) for e in result.crashes]]


def both(load: Callable[[], Workspace], chosen: list[Rule]) -> tuple[CheckResult, CheckResult]:
    """One check in one process and one forked, each on a workspace of its own."""
    one = engine.check(load(), chosen)
    two = engine.check(load(), chosen, fork=True)
    return one, two


def test_a_forked_check_of_the_seed_fleet_reports_what_one_process_does(
        forking: None, forked: list[int]) -> None:
    one, two = both(lambda: Workspace.load(Tree(FolderSource(SEED_FLEET))), rules())
    assert forked == [os.getpid()]
    assert len(one.findings) > 20 and everything(two) == everything(one)
    assert no_child_left()


def befores(*codes: str) -> list[Path]:
    """The golden cases' repositories, of the rules named (all when none is)."""
    return sorted(p for p in (REPO / "golden").glob("*/*/before")
                  if not codes or p.parent.parent.name.split("-")[0] in codes)


def built(result: CheckResult) -> dict[tuple[str, str], object]:
    return {(f.code, f.fingerprint): list(f.edits()) for f in result.findings if f.fixable}


def test_each_fix_the_child_found_builds_the_edits_one_process_builds(
        forking: None, forked: list[int]) -> None:
    cases = befores("H001", "C004", "I001", "S004")[::3]
    from_child = 0
    for before in cases:
        one, two = both(lambda: Workspace.load(Tree(FolderSource(before))), rules())
        assert everything(two) == everything(one) and built(two) == built(one), before
        from_child += sum(f.rule.reads_app_code and f.fixable for f in two.findings)
    assert len(forked) == len(cases) >= 8 and from_child >= 8


@pytest.mark.slow
def test_a_forked_check_of_every_golden_case_reports_and_builds_what_one_process_does(
        forking: None, forked: list[int]) -> None:
    cases = befores()
    for before in cases:
        one, two = both(lambda: Workspace.load(Tree(FolderSource(before))), rules())
        assert everything(two) == everything(one) and built(two) == built(one), before
    assert len(forked) == len(cases) > 250 and no_child_left()


def test_few_services_or_one_process_asked_for_make_no_fork(forked: list[int]) -> None:
    files = app_service()
    assert fanout.MIN_APPS > 1
    engine.check(Workspace.load(tree(files)), rules(), fork=True)
    engine.check(Workspace.load(tree(files)), rules())
    assert forked == []


def test_no_fork_while_another_thread_runs(forking: None, forked: list[int]) -> None:
    # the child would inherit its locks, held, and never the thread that frees them
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        engine.check(Workspace.load(tree(app_service())), rules(), fork=True)
    finally:
        stop.set()
        other.join()
    assert forked == []


def test_no_fork_when_all_rules_go_one_way(forking: None, forked: list[int]) -> None:
    ws = Workspace.load(tree(app_service()))
    engine.check(ws, rules("H001"), fork=True)
    engine.check(ws, rules("D002"), fork=True)
    assert forked == []


# -- rules that misbehave in the child ---------------------------------------------------------

PARENT = os.getpid()


def in_child() -> bool:
    return os.getpid() != PARENT


Detect = Callable[[Workspace], Iterator[Violation]]


def rule(code: str, detect: Detect, reads_app_code: bool = True) -> Rule:
    return Rule(code, code.lower(), Category.STRUCTURE, (Safety.SAFE,), "Doc.",
                detect_fn=detect, reads_app_code=reads_app_code)


def found(ws: Workspace) -> Iterator[Violation]:
    yield Violation("found", "compose.yaml", 2, service="api", subject="x",
                    causes=(Location("api/Dockerfile", 1),))


def dies_in_child(ws: Workspace) -> Iterator[Violation]:
    if in_child():
        os._exit(3)
    yield from found(ws)


def raises(ws: Workspace) -> Iterator[Violation]:
    raise KeyError("boom")


def unencodable(ws: Workspace) -> Iterator[Violation]:
    yield Violation("a list", "compose.yaml", 1, causes=[Location("x", 1)])  # type: ignore


@pytest.mark.parametrize("detect", [dies_in_child, raises, unencodable])
def test_a_rule_the_child_cannot_answer_for_is_run_again_here(
        forking: None, forked: list[int], detect: Detect) -> None:
    chosen = [*rules("D002"), rule("X001", found), rule("X002", detect), rule("X003", found)]
    one, two = both(lambda: Workspace.load(tree(app_service(cmd_form="shell"))), chosen)
    assert forked and everything(two) == everything(one)
    assert [f.code for f in two.findings].count("X001") == 1
    if detect is raises:
        assert [e.code for e in two.crashes] == ["X002"]
    assert no_child_left()


def records(*messages: str) -> Detect:
    def detect(ws: Workspace) -> Iterator[Violation]:
        for message in messages:
            ws.record_error(InputError("api/app/main.py", 1, message))
        return iter(())
    return detect


def test_input_errors_the_rules_record_keep_one_process_order(forking: None,
                                                             forked: list[int]) -> None:
    chosen = [rule("X001", records("b", "c"), reads_app_code=False),
              rule("X002", records("a", "b", "d")),
              rule("X003", records("d", "e"), reads_app_code=False),
              rule("X004", records("e", "f"))]
    one, two = both(lambda: Workspace.load(tree(app_service())), chosen)
    assert forked
    assert [e.message for e in two.input_errors] == ["b", "c", "a", "d", "e", "f"]
    assert everything(two) == everything(one)


def sleeps_in_child(ws: Workspace) -> Iterator[Violation]:
    if in_child():
        time.sleep(60)
    return iter(())


def interrupted(ws: Workspace) -> Iterator[Violation]:
    raise KeyboardInterrupt


def test_an_interrupted_check_kills_and_reaps_the_child(forking: None,
                                                       forked: list[int]) -> None:
    chosen = [rule("X001", sleeps_in_child), rule("X002", interrupted, reads_app_code=False)]
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        engine.check(Workspace.load(tree(app_service())), chosen, fork=True)
    assert forked and time.monotonic() - started < 30
    assert no_child_left()


# -- what the child sends ----------------------------------------------------------------------

def frame(*payload: Any) -> bytes:
    data = marshal.dumps(payload)
    return fanout._FRAME.pack(len(data)) + data


def test_frames_are_trusted_up_to_the_first_that_is_not_whole_or_not_asked_for() -> None:
    ws = Workspace.load(tree(app_service()))
    chosen = [rule("X001", found), rule("X002", found), rule("X003", found)]
    violation = wire.encode_violation(next(found(ws)))
    good = frame(0, [violation], [])
    assert fanout._decoded(ws, chosen, {0, 2}, good + frame(2, [violation], [])).keys() == {0, 2}
    for bad in [frame(1, [violation], []),            # a rule the child was not given
                frame(0, [violation], []),            # the same rule twice
                frame(2, [("short",)], []),           # not a violation
                frame(2, [violation], [("a.py", "1", "x")]),   # not an input error
                frame(2, [violation]),                # not a frame
                good[:-3],                            # cut short
                b"\x00\x00\x00\x05junk!"]:
        runs = fanout._decoded(ws, chosen, {0, 2}, good + bad + frame(2, [violation], []))
        assert runs.keys() == {0}, bad


def test_the_codec_carries_every_field_and_refuses_what_it_cannot_carry_exactly() -> None:
    violation = Violation("m", "p", 3, 4, "svc", "subj", Fix("t", Safety.UNSAFE, lambda: ()),
                          "why", True, (Location("a", 1, 2), Location("b")), ("db",), True)
    again = wire.decode_violation(wire.encode_violation(violation), lambda: ())
    assert again == violation and again.fix is not None and again.fix.safety is Safety.UNSAFE

    class Text(str):
        pass

    for odd in [Violation(Text("m"), "p", 1), Violation("m", "p", 1, causes=[])]:  # type: ignore
        with pytest.raises(wire.Unencodable):
            wire.encode_violation(odd)
    with pytest.raises(ValueError):
        wire.decode_violation(("m",), lambda: ())
