"""A fix run on two cores (fixer/engine/partner.py): a partner process forked once runs the
rules that read app code on every workspace of the run, builds their fixes, and works out the
stack check's gate and import facts. Whatever the partner does (answers, raises, dies), the
run applies, refuses and leaves exactly what a run in one process does; and no partner
outlives its run."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from fixer import engine, stackcheck
from fixer.core.config import Config
from fixer.core.edits import TextEdit
from fixer.core.tree import FolderSource, Tree
from fixer.engine import fanout, partner
from fixer.engine.run import FixResult
from fixer.git.gitsource import CommitSource
from fixer.model.rule import Finding, Fix, Rule, Safety, Violation
from fixer.model.workspace import Workspace
from kit import app_service, config, read_folder, rules, tree
from support import make_repo, no_child_left, run_cli
from test_fanout import interrupted, rule, sleeps_in_child

REPO = Path(__file__).resolve().parent.parent
SEED_FLEET = REPO / "examples" / "seed-fleet"


def outcome(result: FixResult) -> list[object]:
    """All a fix run tells: each applied fix with its edits, each refusal with its reason,
    what remains, the errors and problems, and the files after."""
    def finding(f: Finding) -> tuple[object, ...]:
        v = f.violation
        return (f.code, f.fingerprint, v.message, v.line, v.fix_title, v.safety, v.reason)
    return [[(finding(a.finding), list(a.edits)) for a in result.applied],
            [(finding(f.finding), f.reason) for f in result.failed],
            [finding(f) for f in result.remaining],
            [str(e) for e in result.errors], list(result.problems),
            {path: (old and old.text, new and new.text)
             for path, (old, new) in result.tree.changes().items()}]


def both(root: Path, chosen: list[Rule], settings: Config) -> tuple[FixResult, FixResult]:
    """One fix run in one process (no fork pays below MIN_APPS), and one with a partner."""
    one = engine.fix(Tree(FolderSource(root)), chosen, settings)
    fanout.MIN_APPS = 0
    try:
        two = engine.fix(Tree(FolderSource(root)), chosen, settings)
    finally:
        fanout.MIN_APPS = MIN_APPS
    return one, two


MIN_APPS = fanout.MIN_APPS


@pytest.fixture
def spare(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A spare core, on a one-core runner too; forks only when a test lowers MIN_APPS."""
    monkeypatch.setattr(fanout, "spare_core", lambda: True)
    yield
    fanout.MIN_APPS = MIN_APPS


def test_a_fix_run_of_the_seed_fleet_with_a_partner_is_the_run_in_one_process(
        spare: None, forked: list[int]) -> None:
    every = rules()
    one, two = both(SEED_FLEET, every, config(unsafe=True, chosen=every))
    assert forked == [os.getpid()]   # the partner, once for the whole run
    assert len(one.applied) > 15 and outcome(two) == outcome(one)
    assert no_child_left()


def befores() -> list[Path]:
    return sorted((REPO / "golden").glob("*/*/before"))


def test_fix_runs_of_golden_cases_with_a_partner_are_the_runs_in_one_process(
        spare: None, forked: list[int]) -> None:
    cases = [b for b in befores() if b.parent.parent.name[:4] in
             {"H001", "H002", "C001", "C003", "C004", "I001", "I003", "S004"}][::4]
    every = rules()
    for before in cases:
        one, two = both(before, every, config(chosen=every))
        assert outcome(two) == outcome(one), before
    assert len(forked) == len(cases) >= 10 and no_child_left()


@pytest.mark.slow
def test_fix_runs_of_every_golden_case_with_a_partner_are_the_runs_in_one_process(
        spare: None, forked: list[int]) -> None:
    cases = befores()
    every = rules()
    for before in cases:
        for unsafe in (False, True):
            one, two = both(before, every, config(unsafe=unsafe, chosen=every))
            assert outcome(two) == outcome(one), (before, unsafe)
    assert len(forked) == 2 * len(cases) > 500 and no_child_left()


def test_few_services_make_no_partner(spare: None, forked: list[int]) -> None:
    assert fanout.MIN_APPS > 1
    engine.fix(tree(app_service(cmd_form="shell")), rules(), Config())
    assert forked == []


# -- a partner that misbehaves -------------------------------------------------------------------

PARENT = os.getpid()
DETECTED_HERE: list[str] = []


def shell_cmd(ws: Workspace) -> Iterator[Violation]:
    """A finding on api's Dockerfile while its CMD is in shell form; the fix writes it in
    exec form. Each run in this process is noted."""
    if os.getpid() == PARENT:
        DETECTED_HERE.append("X001")
    text = ws.tree.read("api/Dockerfile").text
    start = text.find("CMD uvicorn")
    if start >= 0:
        end = text.index("\n", start)
        new = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]'
        yield Violation("shell form", "api/Dockerfile", 1, service="api", subject="cmd",
                        fix=Fix("exec form", Safety.SAFE,
                                lambda: [engine_edit(start, end, new)]))


def engine_edit(start: int, end: int, text: str) -> TextEdit:
    return TextEdit("api/Dockerfile", start, end, text)


def nothing(ws: Workspace) -> Iterator[Violation]:
    return iter(())


QUIET = rule("X009", nothing, reads_app_code=False)   # so that the rules go two ways


def test_the_partners_fixes_arrive_built_and_its_rules_never_run_here(
        spare: None, forked: list[int]) -> None:
    DETECTED_HERE.clear()
    fanout.MIN_APPS = 0
    result = engine.fix(tree(app_service(cmd_form="shell")), [rule("X001", shell_cmd), QUIET],
                        Config())
    assert forked and [a.finding.code for a in result.applied] == ["X001"]
    assert not result.remaining and DETECTED_HERE == []
    assert no_child_left()


def dies_at_the_first_round(ws: Workspace) -> Iterator[Violation]:
    if os.getpid() != PARENT and "CMD [" in ws.tree.read("api/Dockerfile").text:
        os._exit(3)
    yield from shell_cmd(ws)


def build_raises(ws: Workspace) -> Iterator[Violation]:
    for violation in shell_cmd(ws):
        yield Violation(violation.message, violation.path, violation.line,
                        service=violation.service, subject=violation.subject,
                        fix=Fix("breaks", Safety.SAFE, lambda: [][0]))


@pytest.mark.parametrize("detect", [dies_at_the_first_round, build_raises])
def test_what_the_partner_does_not_send_whole_is_worked_out_here(
        spare: None, forked: list[int], detect: object) -> None:
    chosen = [QUIET, rule("X001", detect)]   # type: ignore[arg-type]
    files = app_service(cmd_form="shell")
    one = engine.fix(tree(files), chosen, Config())
    fanout.MIN_APPS = 0
    two = engine.fix(tree(files), chosen, Config())
    assert forked and outcome(two) == outcome(one)
    assert no_child_left()


def test_an_interrupted_fix_run_kills_and_reaps_its_partner(spare: None,
                                                           forked: list[int]) -> None:
    fanout.MIN_APPS = 0
    chosen = [rule("X001", sleeps_in_child), rule("X002", interrupted, reads_app_code=False)]
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        engine.fix(tree(app_service()), chosen, Config())
    assert forked and time.monotonic() - started < 30
    assert no_child_left()


def test_a_partner_killed_mid_run_leaves_the_run_to_this_process(
        spare: None, forked: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    submit = partner.Partner.submit

    def killed_first(self: partner.Partner, *args: object) -> int:
        os.kill(self.pid, signal.SIGKILL)
        return submit(self, *args)   # type: ignore[arg-type]

    files = app_service(cmd_form="shell")
    every = rules()
    one = engine.fix(tree(files), every, config(chosen=every))
    monkeypatch.setattr(partner.Partner, "submit", killed_first)
    fanout.MIN_APPS = 0
    two = engine.fix(tree(files), every, config(chosen=every))
    assert forked and one.applied and outcome(two) == outcome(one)
    assert no_child_left()


# -- the stack check's facts from the partner ----------------------------------------------------

GATED = app_service(extra_services="""\
web:
  image: nginx:1.27
  depends_on:
    api:
      condition: service_healthy
""")


def test_the_stack_check_takes_the_gate_and_import_facts_it_is_given() -> None:
    ws = Workspace.load(tree(GATED))
    names = {stack.name for stack in ws.stacks}
    here = stackcheck.facts(ws, names)
    given_to = Workspace.load(tree(GATED))
    for name, (gates, imports) in stackcheck.app_facts(ws, names).items():
        stackcheck.give(given_to, name, gates, imports)
    props = {f.prop for f in here.values()}
    assert {stackcheck.GATE, stackcheck.IMPORT} <= props
    assert list(stackcheck.facts(given_to, names).items()) == list(here.items())
    # what it is given is what it takes: no gate or import fact worked out here
    none_given = Workspace.load(tree(GATED))
    for name in names:
        stackcheck.give(none_given, name, [], [])
    assert {f.prop for f in stackcheck.facts(none_given, names).values()} == \
        props - {stackcheck.GATE, stackcheck.IMPORT}


# -- a tree read through git ---------------------------------------------------------------------

def test_a_fix_run_over_a_commits_files_forks_and_makes_the_same_branch(
        spare: None, forked: list[int], tmp_path: Path) -> None:
    """Branch mode reads the base commit's blobs through a `git cat-file --batch` of each
    process's own: the partner starts its own on its first read (reading through the
    parent's pipes interleaved with the parent, which then waited on it forever). The
    branch made with a partner is the branch made in one process, commit for commit."""
    trees = []
    for with_partner in (False, True):
        repo = make_repo(tmp_path / f"repo-{with_partner}", read_folder(SEED_FLEET))
        fanout.MIN_APPS = 0 if with_partner else MIN_APPS
        code, _, err = run_cli("fix", repo, "--branch", "fixer/fixes")
        assert code == 1, err   # fixes made
        made = git.Repo(repo)
        trees.append([c.tree.hexsha for c in made.iter_commits("HEAD..fixer/fixes")])
    assert len(forked) == 1 and len(trees[1]) > 15
    assert trees[0] == trees[1]
    assert no_child_left()


def test_each_process_reads_a_commits_blobs_through_its_own_git(tmp_path: Path) -> None:
    """A child forked after the parent has read reads every blob right, and the parent
    reads on after it, through the pipes the child left alone."""
    repo = make_repo(tmp_path / "repo", read_folder(SEED_FLEET))
    base = git.Repo(repo)
    source = CommitSource(base, base.head.commit)
    paths = source.paths()
    expected = {path: (repo / path).read_bytes() for path in paths}
    assert source.read_bytes(paths[0]) == expected[paths[0]]
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:   # pragma: no cover - the child
        same = all(source.read_bytes(p) == expected[p] for p in paths)
        os.write(writer, b"1" if same else b"0")
        os._exit(0)
    os.close(writer)
    assert os.read(reader, 1) == b"1"
    os.waitpid(pid, 0)
    assert all(source.read_bytes(p) == expected[p] for p in paths)
    source.close()
