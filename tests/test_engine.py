"""The fix loop with real rule objects built in the test: verification, refusal of overlapping
edits, rejection of fixes that leave their finding or bring an unfixable one, order, and the
convergence bound."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixer import engine, stackcheck
from fixer.cli import shared
from fixer.core.config import Config
from fixer.core.edits import CreateFile, Edit, SharedPoint, TextEdit
from fixer.engine.claims import Claims
from fixer.core.errors import InputError, RuleCrash
from fixer.formats.diff import render
from fixer.app.registry import choose, discover
from fixer.formats.report import fixrun
from fixer.model.rule import Category, Fix, Rule, Safety, Violation
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from support import run_cli
from test_cli import severity_tree, snapshot, write_tree

# Builds a fix on the workspace a violation was found on, for the file it names.
FixFn = Callable[[Workspace, str], list[Edit]]


def text_files(ws: Workspace) -> Iterator[tuple[str, str]]:
    for path in sorted(p for p in ws.tree.paths() if p.endswith(".txt")):
        yield path, ws.tree.read(path).text


def replace_all(old: str, new: str) -> FixFn:
    def fix(ws: Workspace, path: str) -> list[Edit]:
        text = ws.tree.read(path).text
        return [TextEdit(path, m.start(), m.end(), new)
                for m in re.finditer(re.escape(old), text)]
    return fix


def word_rule(code: str, old: str, new: str, safety: Safety = Safety.SAFE,
              fix: FixFn | None = None) -> Rule:
    """Finds `old` in .txt files (one finding per file, at its first line) and replaces it."""

    def detect(ws: Workspace) -> Iterator[Violation]:
        for path, text in text_files(ws):
            if old in text:
                line = text.count("\n", 0, text.index(old)) + 1
                offered = None if safety is Safety.DISPLAY else \
                    Fix(f"Replace {old!r} with {new!r}", safety, partial(build, ws, path))
                yield Violation(f"{old!r} in {path}", path, line, subject=f"{old}", fix=offered)

    build = fix or replace_all(old, new)
    return Rule(code, f"word-{old.lower()}", Category.STRUCTURE, (safety,), f"{old}.", detect)


def run_fix(root: Path, rules: list[Rule], config: Config | None = None) -> engine.FixResult:
    return engine.fix(Tree(FolderSource(root)), rules, config or Config())


def snapshot_of(tree: Tree) -> dict[str, str]:
    return {p: tree.read(p).text for p in sorted(tree.paths())}


def texts(result: engine.FixResult) -> dict[str, str]:
    return snapshot_of(result.tree)


def test_fixes_apply_and_are_verified(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD one\nOLD two\n", "b.txt": "fine\n"})
    result = run_fix(root, [word_rule("X001", "OLD", "NEW")])
    assert [f.finding.path for f in result.applied] == ["a.txt"]
    assert texts(result) == {"a.txt": "NEW one\nNEW two\n", "b.txt": "fine\n"}
    assert not (result.failed or result.problems or result.remaining)


def test_overlapping_edits_fail_that_fix_and_the_others_still_apply(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "b.txt": "DUP\n"})

    def overlapping(ws: Workspace, path: str) -> list[Edit]:
        return [TextEdit(path, 0, 3, "X"), TextEdit(path, 1, 2, "Y")]

    rules = [word_rule("X001", "DUP", "?", fix=overlapping), word_rule("X002", "OLD", "NEW")]
    result = run_fix(root, rules)
    [failed] = result.failed
    assert failed.finding.code == "X001" and "overlapping edits" in failed.reason
    assert texts(result) == {"a.txt": "NEW\n", "b.txt": "DUP\n"}


def test_a_fix_that_leaves_its_finding_fails(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "b.txt": "STAY\n"})
    stays = word_rule("X001", "STAY", "STAY!")  # the word is still there after the fix
    result = run_fix(root, [stays, word_rule("X002", "OLD", "NEW")])
    [failed] = result.failed
    assert failed.finding.code == "X001" and "still there" in failed.reason
    assert texts(result) == {"a.txt": "NEW\n", "b.txt": "STAY\n"}


def test_a_failed_fix_exits_2_and_the_other_fixes_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "b.txt": "STAY\n"})
    rules = [word_rule("X001", "STAY", "STAY!"), word_rule("X002", "OLD", "NEW")]
    monkeypatch.setattr(shared, "discover", lambda: rules)
    before = snapshot(root)
    code, diff, err = run_cli("fix", root)
    assert code == 2 and snapshot(root) == before
    assert "+NEW" in diff and "STAY" not in diff
    assert re.search(r"b\.txt:1: X001 fix failed: the finding is still there", err)
    code, _, _ = run_cli("fix", "--apply", root)
    assert code == 2
    assert snapshot(root) == {"a.txt": b"NEW\n", "b.txt": b"STAY\n"}


def test_a_fix_bringing_an_unfixable_finding_is_rejected(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n"})
    bad = word_rule("X009", "BAD", "", safety=Safety.DISPLAY)
    result = run_fix(root, [word_rule("X001", "OLD", "BAD"), bad])
    [failed] = result.failed
    assert "would introduce X009" in failed.reason
    assert texts(result) == {"a.txt": "OLD\n"} and not result.applied


def test_a_fix_bringing_a_fixable_finding_is_followed_by_its_fix(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n"})
    rules = [word_rule("X001", "OLD", "MID"), word_rule("X002", "MID", "NEW")]
    result = run_fix(root, rules)
    assert [f.finding.code for f in result.applied] == ["X001", "X002"]
    assert texts(result) == {"a.txt": "NEW\n"}
    assert not result.failed


def test_a_fix_that_breaks_a_file_is_rejected(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "compose.yaml": "services: {}\n# OLD\n"})

    def detect(ws: Workspace) -> Iterator[Violation]:
        if "OLD" in ws.tree.read("compose.yaml").text:
            yield Violation("old compose", "compose.yaml", 2, subject="c",
                            fix=Fix("Break it", Safety.SAFE, partial(breaks_yaml, ws)))

    def breaks_yaml(ws: Workspace) -> list[Edit]:
        return [TextEdit("compose.yaml", 0, len(ws.tree.read("compose.yaml").text), "a: [\n")]

    rule = Rule("X003", "old-compose", Category.COMPOSE, (Safety.SAFE,), "Old.", detect)
    result = run_fix(root, [rule, word_rule("X001", "OLD", "NEW")])
    [failed] = result.failed
    assert failed.finding.code == "X003" and "does not parse" in failed.reason
    assert texts(result)["compose.yaml"] == "services: {}\n# OLD\n"
    assert texts(result)["a.txt"] == "NEW\n"


def test_unsafe_fixes_wait_for_the_option(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n"})
    rule = word_rule("X001", "OLD", "NEW", safety=Safety.UNSAFE)
    assert not run_fix(root, [rule]).applied
    assert [f.code for f in run_fix(root, [rule]).remaining] == ["X001"]
    assert texts(run_fix(root, [rule], Config(unsafe_fixes=True))) == {"a.txt": "NEW\n"}


def test_fix_order_is_code_then_path_whatever_the_rule_order(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"b.txt": "ONE TWO\n", "a.txt": "TWO ONE\n", "c.txt": "ONE\n"})
    rules = [word_rule("X002", "TWO", "2"), word_rule("X001", "ONE", "1")]
    first = run_fix(root, rules)
    second = run_fix(root, list(reversed(rules)))
    order = [(f.finding.code, f.finding.path) for f in first.applied]
    assert order == [("X001", "a.txt"), ("X001", "b.txt"), ("X001", "c.txt"),
                     ("X002", "a.txt"), ("X002", "b.txt")]
    assert order == [(f.finding.code, f.finding.path) for f in second.applied]
    assert render(first.tree.changes()) == render(second.tree.changes())


def test_check_sorts_by_position_and_turns_input_errors_into_errors(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"b.txt": "x\nONE\n", "a.txt": "ONE\n"})

    def unreadable(ws: Workspace) -> Iterator[Violation]:
        raise InputError("a.txt", 1, "cannot make sense of it")
        yield  # pragma: no cover

    broken = Rule("X000", "broken", Category.STRUCTURE, (Safety.DISPLAY,), "B.", unreadable)
    ws = Workspace.load(Tree(FolderSource(root)))
    checked = engine.check(ws, [word_rule("X001", "ONE", "1"), broken])
    assert [(f.path, f.line) for f in checked.findings] == [("a.txt", 1), ("b.txt", 2)]
    assert [str(e) for e in checked.input_errors] == ["a.txt:1: cannot make sense of it"]
    assert not ws.errors and not checked.crashes  # a result of the check, not the workspace's


def test_rules_undoing_each_other_do_not_converge(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"a.txt": "PING\n"})
    rules = [word_rule("X001", "PING", "PONG"), word_rule("X002", "PONG", "PING")]
    result = run_fix(root, rules)
    assert result.problems and "did not converge" in result.problems[0]
    assert "X001 a.txt came back" in result.problems[0]
    monkeypatch.setattr(shared, "discover", lambda: rules)
    code, _, err = run_cli("fix", root)
    assert code == 2 and "did not converge" in err


def test_an_endless_fix_stops_at_the_round_limit(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "x\n"})

    def detect(ws: Workspace) -> Iterator[Violation]:
        lines = ws.tree.read("a.txt").text.count("\n")
        # A new subject each time: every round a "new" finding that is fixable again.
        yield Violation("too short", "a.txt", 1, subject=f"lines={lines}",
                        fix=Fix("Grow", Safety.SAFE, partial(grow, ws)))

    def grow(ws: Workspace) -> list[Edit]:
        end = len(ws.tree.read("a.txt").text)
        return [TextEdit("a.txt", end, end, "x\n")]

    endless = Rule("X001", "never-enough", Category.STRUCTURE, (Safety.SAFE,), "N.", detect)
    result = run_fix(root, [endless])
    assert result.problems == ["fixes did not converge: stopped after the round limit"]
    assert len(result.applied) == 52  # 50 rounds plus 2 per finding found at the start


def test_a_round_applies_disjoint_fixes_together_and_judges_each_alone(tmp_path: Path) -> None:
    """Many files, one bad fix among them: the others land, the bad one fails on its own
    verdict, and the work takes rounds, not one full re-check per fix."""
    files = {f"f{i}.txt": "OLD\n" for i in range(30)}
    files["f7.txt"] = "OLD POISON\n"
    root = write_tree(tmp_path, files)
    rounds = 0
    poison = word_rule("X002", "BAD", "?", safety=Safety.DISPLAY)

    def counting(ws: Workspace) -> Iterator[Violation]:
        nonlocal rounds
        rounds += 1
        yield from poison.detect_fn(ws)

    def fix_old(ws: Workspace, path: str) -> list[Edit]:
        text = ws.tree.read(path).text
        # On the poisoned file the fix writes what the display-only X002 reports.
        new = "BAD" if "POISON" in text else "NEW"
        return [TextEdit(path, 0, 3, new)]

    watcher = Rule("X002", "word-bad", Category.STRUCTURE, (Safety.DISPLAY,), "B.", counting)
    result = run_fix(root, [word_rule("X001", "OLD", "NEW", fix=fix_old), watcher])
    assert sorted(f.finding.path for f in result.applied) == sorted(set(files) - {"f7.txt"})
    [failed] = result.failed
    assert failed.finding.path == "f7.txt" and "would introduce X002" in failed.reason
    assert texts(result)["f7.txt"] == "OLD POISON\n"
    assert rounds <= 6, f"{rounds} full checks for 30 fixes"


def test_fixes_to_one_file_go_in_successive_rounds(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD and AGED\n"})
    rules = [word_rule("X001", "OLD", "NEW"), word_rule("X002", "AGED", "FRESH")]
    result = run_fix(root, rules)
    assert [f.finding.code for f in result.applied] == ["X001", "X002"]
    assert texts(result) == {"a.txt": "NEW and FRESH\n"}
    first, second = result.applied
    # each step is the previous tree plus that fix alone
    assert first.after.read("a.txt").text == second.before.read("a.txt").text == \
        "NEW and AGED\n"
    assert first.files == {"a.txt": (first.before.read("a.txt"), first.after.read("a.txt"))}


def test_a_crashing_rule_is_an_error_and_the_other_rules_still_report(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n"})

    def broken(ws: Workspace) -> Iterator[Violation]:
        raise KeyError("boom")
        yield  # pragma: no cover - makes this a generator

    crashing = Rule("X009", "crashes", Category.STRUCTURE, (Safety.SAFE,), "C.", broken)
    ws = Workspace.load(Tree(FolderSource(root)), Config())
    checked = engine.check(ws, [crashing, word_rule("X001", "OLD", "NEW")])
    found = checked.findings
    assert [f.code for f in found] == ["X001"]
    [error] = checked.crashes
    assert isinstance(error, RuleCrash) and (error.code, error.stage) == ("X009", "detect")
    assert str(error) == "internal error in rule X009 (detect): KeyError: 'boom'"
    assert error.path == "tests/test_engine.py"  # where it raised, for the maintainers
    assert not checked.input_errors and checked.errors == [error]


def test_a_fix_after_which_a_rule_crashes_fails(tmp_path: Path) -> None:
    """fixer cannot show the stack is fine when a rule cannot look at the fixed files."""
    root = write_tree(tmp_path, {"a.txt": "OLD\n"})

    def chokes_on_new(ws: Workspace) -> Iterator[Violation]:
        if any("NEW" in text for _path, text in text_files(ws)):
            raise KeyError("NEW")
        yield from ()

    fragile = Rule("X009", "fragile", Category.STRUCTURE, (Safety.DISPLAY,), "F.", chokes_on_new)
    result = run_fix(root, [word_rule("X001", "OLD", "NEW"), fragile])
    [failed] = result.failed
    assert "internal error in rule X009 (detect): KeyError: 'NEW'" in failed.reason
    assert texts(result) == {"a.txt": "OLD\n"} and not result.errors


def test_a_fix_that_raises_fails_alone(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "b.txt": "AGED\n"})

    def raises(ws: Workspace, path: str) -> list[Edit]:
        raise AttributeError("no such thing")

    result = run_fix(root, [word_rule("X001", "OLD", "NEW", fix=raises),
                            word_rule("X002", "AGED", "FRESH")])
    [failed] = result.failed
    assert failed.finding.code == "X001" and "AttributeError" in failed.reason
    assert texts(result) == {"a.txt": "OLD\n", "b.txt": "FRESH\n"}
    [crash] = result.errors
    assert isinstance(crash, RuleCrash) and (crash.code, crash.stage) == ("X001", "fix")


def test_a_fix_that_raises_is_a_fixer_bug_and_the_other_fixes_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path, {"a.txt": "OLD\n", "b.txt": "AGED\n", "c.txt": "OLD\n"})

    def raises(ws: Workspace, path: str) -> list[Edit]:
        raise AttributeError("no such thing")

    rules = [word_rule("X001", "OLD", "NEW", fix=raises), word_rule("X002", "AGED", "FRESH")]
    monkeypatch.setattr(shared, "discover", lambda: rules)
    code, _, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert snapshot(root) == {"a.txt": b"OLD\n", "b.txt": b"FRESH\n", "c.txt": b"OLD\n"}
    crash = ("fixer: internal error in rule X001 (fix): AttributeError: no such thing"
             " — please report it")
    assert err.splitlines().count(crash) == 1  # once, however many of its findings it failed


def test_an_edit_inside_a_shared_yaml_anchor_is_refused(tmp_path: Path) -> None:
    """The backstop for rules: text under `&name` that another node aliases is shared."""
    compose = "x-env: &env\n  A: old\nservices:\n  a:\n    image: x\n    environment: *env\n"
    root = write_tree(tmp_path, {"docker-compose.yml": compose})

    def detect(ws: Workspace) -> Iterator[Violation]:
        yield Violation("old value", "docker-compose.yml", 2, subject="old",
                        fix=Fix("Renew", Safety.SAFE, fix))

    def fix() -> list[Edit]:
        start = compose.index("old")
        return [TextEdit("docker-compose.yml", start, start + 3, "new")]

    rule = Rule("X003", "in-anchor", Category.COMPOSE, (Safety.SAFE,), "A.", detect)
    result = run_fix(root, [rule])
    [failed] = result.failed
    assert "YAML anchor &env" in failed.reason and not result.applied


# -- the stack check (RULES.md "Trust") -----------------------------------------------------------

PROXIED_STACK = {
    "compose.yaml": ("services:\n  proxy:\n    image: nginx:1.27-alpine\n    volumes:\n"
                     "      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n"
                     "  api:\n    build: ./api\n    expose:\n      - \"8001\"\n"
                     "  worker:\n    build: ./worker\n"),
    "nginx/default.conf": ("upstream backend {\n    server api:8001;\n}\nserver {\n    listen 80;\n"
                           "    location / {\n        proxy_pass http://backend;\n    }\n}\n"),
    "api/Dockerfile": ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n"
                       'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001"]\n'),
    "api/app/__init__.py": "",
    "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "worker/Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD python worker.py\n",
    "worker/worker.py": "print('working')\n",
}


def file_rule(code: str, path: str, service: str, old: str, new: str) -> Rule:
    """Finds `old` in one file of a service and replaces it: a fix that knows nothing of the
    rest of the stack, as a careless rule would."""

    def detect(ws: Workspace) -> Iterator[Violation]:
        if ws.tree.exists(path) and old in ws.tree.read(path).text:
            yield Violation(f"{old!r} in {path}", path, 1, service=service, subject=old,
                            fix=Fix(f"Replace {old!r}", Safety.SAFE,
                                    partial(replace_all(old, new), ws, path)))

    return Rule(code, f"replace-in-{service}", Category.PORTS, (Safety.SAFE,), "R.", detect)


def test_a_fix_that_breaks_the_stack_check_fails_and_the_others_of_its_round_apply(
        tmp_path: Path) -> None:
    """A port rewrite on the app side that leaves nginx's upstream on the old port fails,
    blamed through the service it is about (it edits neither compose nor nginx); the fix of
    the worker, planned in the same round, lands."""
    root = write_tree(tmp_path, PROXIED_STACK)
    rules = [file_rule("X001", "api/Dockerfile", "api", '"8001"', '"8000"'),
             file_rule("X002", "worker/Dockerfile", "worker", "CMD python worker.py",
                       'CMD ["python", "worker.py"]')]
    result = run_fix(root, rules)
    assert [a.finding.code for a in result.applied] == ["X002"]
    [failed] = result.failed
    assert failed.finding.code == "X001"
    assert failed.reason == ("breaks the stack check (reference): compose.yaml:9 8001 no longer "
                             "reaches a port api listens on (api listens on 8000)")
    assert texts(result)["api/Dockerfile"] == PROXIED_STACK["api/Dockerfile"]
    assert 'CMD ["python", "worker.py"]' in texts(result)["worker/Dockerfile"]


def test_the_stack_check_names_the_proxy_reference_a_fix_breaks(tmp_path: Path) -> None:
    files = dict(PROXIED_STACK)
    files["compose.yaml"] = files["compose.yaml"].replace('    expose:\n      - "8001"\n', "")
    root = write_tree(tmp_path, files)
    result = run_fix(root, [file_rule("X001", "api/Dockerfile", "api", '"8001"', '"8000"')])
    [failed] = result.failed
    assert failed.reason == ("breaks the stack check (reference): nginx/default.conf:2 "
                             "server api:8001 no longer reaches a port api listens on "
                             "(api listens on 8000)")
    assert not result.applied


def test_a_fix_that_repairs_a_reference_passes_the_stack_check(tmp_path: Path) -> None:
    root = write_tree(tmp_path, PROXIED_STACK)
    (root / "api/Dockerfile").write_text(PROXIED_STACK["api/Dockerfile"].replace("8001", "8000"))
    result = run_fix(root, [file_rule("X001", "api/Dockerfile", "api", '"8000"', '"8001"')])
    assert [a.finding.code for a in result.applied] == ["X001"] and not result.failed


def test_a_stack_check_that_crashes_fails_the_fixes_of_its_round_not_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_args: object) -> list[stackcheck.Breakage]:
        raise KeyError("boom")

    monkeypatch.setattr(stackcheck, "regressions", crash)
    root = write_tree(tmp_path, PROXIED_STACK)
    rules = [file_rule("X002", "worker/Dockerfile", "worker", "CMD python worker.py",
                       'CMD ["python", "worker.py"]')]
    result = run_fix(root, rules)
    [failed] = result.failed
    assert failed.reason == "the stack check could not run (KeyError: 'boom')"
    assert not result.applied


# -- revealed findings -------------------------------------------------------------------------

def test_the_first_check_is_kept_and_a_revealed_fix_names_the_fix_revealing_it(
        tmp_path: Path) -> None:
    """X003 finds NEW, which only X002's fix of b.txt writes: its fix is for a finding the
    first check did not have, revealed by that fix, not by X001's fix before it."""
    root = write_tree(tmp_path, {"a.txt": "AAA\n", "b.txt": "OLD\n"})
    rules = [word_rule("X001", "AAA", "ok"), word_rule("X002", "OLD", "NEW"),
             word_rule("X003", "NEW", "DONE")]
    result = run_fix(root, rules)
    assert [(f.code, f.path) for f in result.initial] == [("X001", "a.txt"), ("X002", "b.txt")]
    assert [(a.finding.code, a.finding.path) for a in result.applied] == [
        ("X001", "a.txt"), ("X002", "b.txt"), ("X003", "b.txt")]
    # X001 and X002 share the first round, computed on one workspace; X003 comes after them
    first, second, third = result.applied
    assert first.planned_on is second.planned_on
    assert snapshot_of(first.planned_on.tree) == snapshot_of(first.before)
    assert snapshot_of(third.planned_on.tree) == snapshot_of(third.before) == \
        snapshot_of(second.after) == {"a.txt": "ok\n", "b.txt": "NEW\n"}
    assert fixrun.revealers(result, Config()) == {2: 1}
    [revealed] = fixrun.revealed(result, Config())
    assert revealed.finding is result.applied[2].finding
    assert revealed.fix.revealed_by is not None and revealed.fix.revealed_by.code == "X002"


def test_fixes_of_findings_a_severity_filter_hides_are_not_revealed_ones(tmp_path: Path) -> None:
    """`check --format markdown --severity error` hands the report the errors alone; the
    warning's fix (C004) was in the first check all the same, so nothing was revealed."""
    config = Config()
    rules = choose(discover(), ["P001", "C004"], None)
    result = engine.fix(Tree(FolderSource(severity_tree(tmp_path))), rules, config)
    assert {a.finding.code for a in result.applied} == {"P001", "C004"}
    errors = [f for f in result.initial if f.code == "P001"]
    assert fixrun.fix_run(errors, result, config).revealed == ()
    assert all(line.revealed_by is None for line in fixrun.summary(errors, result, config).applied)


# -- fixes sharing one file ---------------------------------------------------------------------

def line_rule(code: str, old: str, new: str) -> Rule:
    """One finding per line holding `old` in lines.txt, each fixed by a splice of that line
    alone: many fixes, one file, disjoint text."""

    def detect(ws: Workspace) -> Iterator[Violation]:
        text = ws.tree.read("lines.txt").text
        for match in re.finditer(re.escape(old), text):
            line = text.count("\n", 0, match.start()) + 1
            edit = TextEdit("lines.txt", match.start(), match.end(), new)
            yield Violation(f"{old} on line {line}", "lines.txt", line, service=f"s{line}",
                            subject=f"line {text[:match.start()].count(chr(10))}",
                            fix=Fix(f"Replace {old}", Safety.SAFE, partial(list, [edit])))

    return Rule(code, f"line-{old.lower()}", Category.STRUCTURE, (Safety.SAFE,), f"{old}.",
                detect)


def test_fixes_to_disjoint_text_of_one_file_share_a_round(tmp_path: Path) -> None:
    lines = "".join(f"{i} OLD {'x' * i}\n" for i in range(40))
    root = write_tree(tmp_path, {"lines.txt": lines})
    rounds = 0
    rule = line_rule("X001", "OLD", "NEWER")

    def counting(ws: Workspace) -> Iterator[Violation]:
        nonlocal rounds
        rounds += 1
        yield from rule.detect_fn(ws)

    counted = Rule("X001", rule.name, rule.category, rule.safety, rule.doc, counting)
    result = run_fix(root, [counted])
    assert texts(result)["lines.txt"] == lines.replace("OLD", "NEWER")
    assert len(result.applied) == 40 and not result.failed
    assert rounds == 2, f"{rounds} checks for 40 fixes of one file"
    for fix in result.applied:   # each step is its own fix on top of the earlier ones
        before, after = fix.before.read("lines.txt").text, fix.after.read("lines.txt").text
        assert after.count("NEWER") == before.count("NEWER") + 1


def test_a_bad_fix_among_fixes_of_one_file_fails_alone(tmp_path: Path) -> None:
    lines = "".join(f"{i} OLD\n" for i in range(10)).replace("5 OLD", "5 OLD POISON")
    root = write_tree(tmp_path, {"lines.txt": lines})
    rule = line_rule("X001", "OLD", "NEW")

    def poisoned(ws: Workspace) -> Iterator[Violation]:
        for violation in rule.detect_fn(ws):
            if violation.line == 6:  # its fix writes what the display-only X002 reports
                edit = TextEdit("lines.txt", lines.index("5 OLD") + 2, lines.index("5 OLD") + 5,
                                "BAD")
                violation = replace(violation, fix=Fix("Poison", Safety.SAFE, partial(list, [edit])))
            yield violation

    bad = Rule("X001", rule.name, rule.category, rule.safety, rule.doc, poisoned)
    watcher = Rule("X002", "bad-word", Category.STRUCTURE, (Safety.DISPLAY,), "B.",
                   lambda ws: (Violation("BAD", "lines.txt", 1, subject="bad")
                               for _ in range(ws.tree.read("lines.txt").text.count("BAD"))))
    result = run_fix(root, [bad, watcher])
    [failed] = result.failed
    assert failed.finding.line == 6 and "would introduce X002" in failed.reason
    assert texts(result)["lines.txt"] == lines.replace("OLD", "NEW").replace("5 NEW", "5 OLD")
    assert len(result.applied) == 9


def service_rule(code: str, old: str, new: Callable[[str], str],
                 safety: Safety = Safety.SAFE, yields_to: tuple[str, ...] = ()) -> Rule:
    """Finds `old` in each `<service>.txt` and reports it on that service; the fix writes
    `new(text)`, computed from the file's text on the workspace it was found on. The fixes of
    the codes in `yields_to` leave nothing for it to do (`Violation.yields_to`)."""

    def detect(ws: Workspace) -> Iterator[Violation]:
        for path, text in text_files(ws):
            if old in text:
                start = text.index(old)
                edit = TextEdit(path, start, start + len(old), new(text))
                offered = None if safety is Safety.DISPLAY else \
                    Fix(f"Replace {old}", safety, partial(list, [edit]))
                yield Violation(f"{old} in {path}", path, 1, service=path[:-4], subject=old,
                                fix=offered,
                                yields_to=tuple((code, path[:-4]) for code in yields_to))

    return Rule(code, f"service-{old.lower()}", Category.STRUCTURE, (safety,), f"{old}.",
                detect)


def counted(rule: Rule, calls: list[int]) -> Rule:
    def detect(ws: Workspace) -> Iterator[Violation]:
        calls.append(1)
        yield from rule.detect_fn(ws)

    return Rule(rule.code, rule.name, rule.category, rule.safety, rule.doc, detect)


def test_fixes_of_one_service_share_a_round(tmp_path: Path) -> None:
    """A chain of fixes per service (a port, then a curl layer, then a stray copy) costs one
    round, not one round per link, when they edit disjoint text and nothing new shows."""
    root = write_tree(tmp_path, {f"s{i}.txt": "OLD and AGED\n" for i in range(5)})
    checks: list[int] = []
    rules = [counted(service_rule("X001", "OLD", lambda _: "NEW"), checks),
             service_rule("X002", "AGED", lambda _: "FRESH")]
    result = run_fix(root, rules)
    assert set(texts(result).values()) == {"NEW and FRESH\n"}
    assert len(result.applied) == 10 and not result.failed
    assert len(checks) == 2, f"{len(checks)} checks for two fixes in each of five services"
    x001, x002 = (next(a for a in result.applied if a.finding.code == code and
                       a.finding.path == "s3.txt") for code in ("X001", "X002"))
    # the second fix of s3 builds on the first: its tree just before holds the first's edit
    assert x001.after.read("s3.txt").text == x002.before.read("s3.txt").text == \
        "NEW and AGED\n"


def test_fixes_of_one_service_that_meet_go_one_per_round(tmp_path: Path) -> None:
    """X002 copies the file's first word, so computed beside X001 it copies the word X001
    replaces. What shows (X003 reports the stale copy) takes X002 back: it is computed again
    after X001, as one fix per round would, and the service stays one fix per round. Taking
    it back is no verdict: neither fix is then tried alone, one round each."""
    files = {f"a{i}.txt": "OLD and AGED\n" for i in range(5)}
    root = write_tree(tmp_path, {**files, "b.txt": "OLD\n"})
    checks: list[int] = []
    rules = [counted(service_rule("X001", "OLD", lambda _: "NEW"), checks),
             service_rule("X002", "AGED", lambda text: text.split()[0] + "-FRESH"),
             service_rule("X003", "OLD-", lambda _: "", safety=Safety.DISPLAY)]
    result = run_fix(root, rules)
    assert texts(result) == {**dict.fromkeys(files, "NEW and NEW-FRESH\n"), "b.txt": "NEW\n"}
    assert not result.failed and not result.remaining
    first, second = (a for a in result.applied if a.finding.path == "a3.txt")
    assert (first.finding.code, second.finding.code) == ("X001", "X002")
    assert second.planned_on.tree.read("a3.txt").text == "NEW and AGED\n"
    # the first check; the round, then again without the X002 fixes; a round for those
    assert len(checks) == 4, f"{len(checks)} checks"


def test_a_failed_fix_among_one_services_fixes_fails_alone(tmp_path: Path) -> None:
    """Only the fix that fails is failed, whichever of a service's fixes it is: the
    others of that service are taken back, not blamed."""
    for stays in ("OLD", "AGED"):
        root = write_tree(tmp_path / stays, {"a.txt": "OLD and AGED\n", "b.txt": "OLD AGED\n"})
        # in a.txt, the fix for `stays` leaves its word where it was
        rules = [service_rule(code, word, lambda text, w=word: w if w == stays and "and" in text
                              else w.lower()) for code, word in (("X001", "OLD"), ("X002", "AGED"))]
        result = run_fix(root, rules)
        [failed] = result.failed
        assert failed.finding.subject == stays and failed.finding.path == "a.txt"
        assert "still there" in failed.reason
        assert sorted((a.finding.path, a.finding.subject) for a in result.applied) == sorted(
            [("a.txt", ({"OLD", "AGED"} - {stays}).pop()), ("b.txt", "OLD"), ("b.txt", "AGED")])
        assert texts(result)["b.txt"] == "old aged\n"


def test_claims_refuse_edits_that_touch_claimed_ones() -> None:
    claims = Claims()
    first = [TextEdit("f", 10, 12, "abcd")]
    assert claims.admits(first)
    claims.take(first)
    assert not claims.admits([TextEdit("f", 11, 15, "")])      # overlaps
    assert not claims.admits([TextEdit("f", 5, 11, "")])       # overlaps from the left
    assert not claims.admits([TextEdit("f", 0, 30, "")])       # holds it
    assert not claims.admits([TextEdit("f", 11, 11, "q")])     # an insertion inside it
    assert not claims.admits([TextEdit("f", 10, 10, "q")])     # same point: order unclear
    assert not claims.admits([CreateFile("f", "")])            # the whole file
    assert claims.admits([TextEdit("f", 12, 12, "after"), TextEdit("g", 0, 0, "x")])
    assert claims.admits([TextEdit("f", 3, 10, "before")])


def test_claims_admit_insertions_that_may_share_a_point() -> None:
    """Paragraphs of one family and different names share a point; no other edit joins
    them there, nor they another's point."""
    def paragraph(name: str, family: str = "docs") -> TextEdit:
        return TextEdit("f", 10, 10, name, SharedPoint(family, (ord(name),), name))

    claims = Claims()
    for name in "ab":
        assert claims.admits([paragraph(name)])
        claims.take([paragraph(name)])
    assert not claims.admits([paragraph("a")])                 # one heading twice
    assert not claims.admits([paragraph("c", family="other")])
    assert not claims.admits([TextEdit("f", 10, 10, "x")])     # order unclear
    assert not claims.admits([TextEdit("f", 10, 12, "x", SharedPoint("docs", (1,), "d"))])
    assert claims.admits([paragraph("c")])
    alone = Claims()
    alone.take([TextEdit("f", 10, 10, "x")])
    assert not alone.admits([paragraph("a")])
    replaced = Claims()
    replaced.take([TextEdit("f", 10, 12, "x", SharedPoint("docs", (1,), "d"))])
    assert not replaced.admits([paragraph("a")])


def test_each_fix_of_a_round_sharing_a_point_keeps_the_order_of_rank() -> None:
    """A fix's files in branch mode hold the paragraphs of the fixes up to it in the order
    of rank, not in the order the round took them."""
    from fixer.core.textfile import TextFile
    from fixer.engine.history import Round
    fixes = [[TextEdit("f", 2, 2, f"[{name}]", SharedPoint("docs", (rank,), name))]
             for name, rank in [("b", 2), ("a", 1), ("c", 3)]]
    round_ = Round({"f": TextFile("f", "x\n")}, fixes)
    after = [round_.changes(position)["f"][1] for position in range(3)]
    assert [file.text if file else None for file in after] == \
        ["x\n[b]", "x\n[a][b]", "x\n[a][b][c]"]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), max_size=25))
def test_claims_agree_with_checking_every_claimed_edit(spans: list[tuple[int, int]]) -> None:
    """Neighbours only, as claims check, give the answer that comparing with every claimed
    edit gives."""
    claims, taken = Claims(), []
    for start, length in spans:
        edit = TextEdit("f", start, start + length, "x")
        every = not any(edit.start < o.end and o.start < edit.end or edit.start == o.start
                        for o in taken)
        assert claims.admits([edit]) == every
        if every:
            claims.take([edit])
            taken.append(edit)


def test_each_fix_of_a_round_keeps_the_files_just_before_and_after_it() -> None:
    """Asked in order or out of it, a fix's files are the round's first files with the edits
    of the fixes up to it (before) and including it (after)."""
    from fixer.core.textfile import TextFile
    from fixer.engine.history import Round
    base = {"f": TextFile("f", "0123456789"), "g": None}
    fixes = [[TextEdit("f", 8, 9, "E")], [TextEdit("f", 1, 2, "B"), CreateFile("g", "new")],
             [TextEdit("f", 4, 6, "")]]
    round_ = Round(base, fixes)
    expected = {0: {"f": ("0123456789", "01234567E9")},
                1: {"f": ("01234567E9", "0B234567E9"), "g": (None, "new")},
                2: {"f": ("0B234567E9", "0B2367E9")}}
    for order in ([0, 1, 2], [2, 0, 1, 1]):
        for position in order:
            got = {path: tuple(f.text if f else None for f in pair)
                   for path, pair in round_.changes(position).items()}
            assert got == expected[position]
    assert round_.files_after(3)["f"].text == "0B2367E9"   # type: ignore[union-attr]


@given(st.lists(st.lists(st.tuples(st.sampled_from("fg"), st.integers(0, 30),
                                   st.text("xyz", max_size=3)), min_size=1, max_size=3),
                max_size=12),
       st.lists(st.integers(0, 11), max_size=20))
def test_a_fix_of_a_round_is_its_edits_on_the_files_after_the_fixes_before_it(
        wanted: list[list[tuple[str, int, str]]], asked: list[int]) -> None:
    """Whichever fixes edit which files, and in whichever order they are asked for, a fix's
    files are those after the fixes before it, and with its own edits applied."""
    from fixer.core.edits import apply_to_texts
    from fixer.core.textfile import TextFile
    from fixer.engine.history import Round
    texts = {"f": "abcdefghijklmnopqrstuvwxyz01234", "g": "ABCDEFGHIJKLMNOPQRSTUVWXYZ56789"}
    claims, fixes = Claims(), []
    for fix in wanted:   # the round's fixes edit disjoint text, as claims admit them
        edits = [TextEdit(path, at, at + 1, new) for path, at, new in fix]
        if claims.admits(edits) and len({(e.path, e.start) for e in edits}) == len(edits):
            claims.take(edits)
            fixes.append(edits)
    round_ = Round({path: TextFile(path, text) for path, text in texts.items()}, fixes)
    for position in [p for p in asked if p < len(fixes)]:
        before = apply_to_texts(dict(texts), [e for fix in fixes[:position] for e in fix])
        after = apply_to_texts(dict(texts), [e for fix in fixes[:position + 1] for e in fix])
        got = round_.changes(position)
        assert set(got) == {e.path for e in fixes[position]}
        for path, (old, new) in got.items():
            assert old is not None and new is not None
            assert (old.text, new.text) == (before.get(path, texts[path]), after[path])


def test_a_fix_run_past_its_time_budget_stops_with_an_error() -> None:
    from fixer.core.errors import BudgetExceeded
    from kit import app_service, fix
    with pytest.raises(BudgetExceeded, match=r"over its time budget of 0 s \(fix-time-budget\);"
                                             " nothing was written"):
        fix(app_service(compose_port="8000:9000"), fix_time_budget=0.0)
    assert fix(app_service(compose_port="8000:9000")).files   # within the default budget


def test_a_fix_run_past_its_memory_budget_stops_with_an_error() -> None:
    from fixer.core.errors import BudgetExceeded
    from fixer.engine.budget import peak_megabytes
    from kit import app_service, fix
    if peak_megabytes() is None:
        pytest.skip("this platform does not report peak memory")
    with pytest.raises(BudgetExceeded, match=r"its memory reached [\d,]+ MB, over its budget "
                                             r"of 1 MB \(fix-memory-budget\)"):
        fix(app_service(compose_port="8000:9000"), fix_memory_budget=1)


# -- the cyclic garbage collector ------------------------------------------------------------

@pytest.fixture
def collections_seen() -> Iterator[list[int]]:
    """The generation of each cyclic collection that starts while the test runs."""
    import gc
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        (gc.enable if was_enabled else gc.disable)()


@pytest.mark.parametrize("enabled", [True, False])
def test_runs_collect_no_cycles_and_leave_the_collector_as_they_found_it(
        enabled: bool, collections_seen: list[int]) -> None:
    """A rule that watches: while any rule runs, in the check and in every fix round, the
    collector is off and has not collected since the first rule ran. The seed fleet
    allocates far more than the 700 objects after which an enabled collector would."""
    import gc
    from support import SEED_FLEET
    watched: list[tuple[bool, int]] = []

    def watch(ws: Workspace) -> Iterator[Violation]:
        watched.append((gc.isenabled(), len(collections_seen)))
        return iter(())

    rules = [*choose(discover(), None, None),
             Rule("X009", "watch", Category.STRUCTURE, (Safety.DISPLAY,), "W.", watch)]
    (gc.enable if enabled else gc.disable)()
    result = engine.fix(Tree(FolderSource(SEED_FLEET)), rules, Config())
    assert gc.isenabled() is enabled
    engine.check(Workspace.load(Tree(FolderSource(SEED_FLEET)), Config()), rules)
    assert gc.isenabled() is enabled
    assert len(result.applied) > 10 and len(watched) > 3
    assert {on for on, _ in watched} == {False}
    fix_round_counts = {count for _, count in watched[:-1]}
    assert len(fix_round_counts) == 1, "the collector ran during the fix run"


def test_a_fix_run_past_half_its_memory_budget_collects_before_each_round(
        collections_seen: list[int]) -> None:
    from fixer.engine.budget import Budget, peak_megabytes
    peak = peak_megabytes()
    if peak is None:   # pragma: no cover - Windows does not say; the budget is not enforced
        pytest.skip("no peak memory on this platform")
    Budget(Config(fix_memory_budget=peak * 3)).check(1)
    assert not collections_seen
    Budget(Config(fix_memory_budget=peak * 2 - 1)).check(1)
    assert collections_seen == [2]


def test_the_memory_of_the_runs_other_processes_counts_in_its_budget() -> None:
    """A fix run's partner holds its own workspaces: its peak adds to the run's."""
    import subprocess
    import sys as _sys
    import time
    from fixer.core.errors import BudgetExceeded
    from fixer.engine.budget import Budget, peak_megabytes
    own = peak_megabytes()
    if own is None or not _sys.platform.startswith("linux"):   # pragma: no cover
        pytest.skip("no peak memory of other processes on this platform")
    other = subprocess.Popen([_sys.executable, "-c",
                              "import sys; b = bytearray(200 * 1024 * 1024); sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while (peak_megabytes([other.pid]) or 0) < own + 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (peak_megabytes([other.pid]) or 0) >= own + 150
        Budget(Config(fix_memory_budget=own + 100)).check(1)   # this process alone: within
        with pytest.raises(BudgetExceeded, match="over its budget"):
            Budget(Config(fix_memory_budget=own + 100)).check(1, [other.pid])
        assert peak_megabytes([999_999_999]) == peak_megabytes()   # no such process: 0
    finally:
        other.communicate(b"")


def test_the_console_script_runs_without_the_collector(
        monkeypatch: pytest.MonkeyPatch, collections_seen: list[int],
        capsys: pytest.CaptureFixture[str]) -> None:
    """A command ends with its process: once a run restored the collector, writing the
    report started a collection that walked every object the run kept."""
    import gc
    from fixer.__main__ import run
    from support import SEED_FLEET
    gc.enable()
    gc.unfreeze()
    monkeypatch.setattr("sys.argv", ["fixer", "check", str(SEED_FLEET)])
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 1 and "P001" in capsys.readouterr().out
    assert not gc.isenabled() and not collections_seen
    # and leaves what it kept out of the collection CPython makes as the process ends
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    assert frozen > 0


def test_a_finding_held_for_a_fix_that_failed_says_the_fix_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """X002 waits for X001's fix of the same service, which leaves nothing for its own to
    do; that fix fails verification (its finding stays). X002's line says that fix failed,
    not that it goes first."""
    root = write_tree(tmp_path, {"api.txt": "STAY OLD\n"})
    rules = [service_rule("X001", "STAY", lambda _: "STAY!"),
             service_rule("X002", "OLD", lambda _: "NEW", yields_to=("X001",))]
    monkeypatch.setattr(shared, "discover", lambda: rules)
    code, diff, err = run_cli("fix", root)
    assert code == 2 and not diff, err
    assert re.search(r"api\.txt:1: X001 fix failed: the finding is still there", err), err
    assert re.search(r"api\.txt:1: X002 no automatic fix \(the X001 fix of api \(api\.txt:1\), "
                     r"which would leave nothing to fix here, failed verification\)", err), err
    assert "goes first" not in err, err
