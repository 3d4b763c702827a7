"""The check and fix use cases (fixer/app/check.py, fixer/app/fix.py) called directly on
folders written to disk: the values the command line formats, with nothing printed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from fixer.app.check import Checked, CheckRequest, Options, RequestError
from fixer.app.check import run as run_check
from fixer.app.configfile import ConfigError
from fixer.app.fix import FixRequest, Refused
from fixer.app.fix import run as run_fix
from fixer.model.rule import Category, Finding, Rule, Safety, Severity, Violation
from fixer.model.workspace import Workspace
from kit import app_service, catalogue, read_folder
from support import make_repo, write_tree

BROKEN_STACK = {"other/compose.yaml": "services:\n  x: [\n"}   # invalid YAML: an input error
# P001 (an error: compose sends 9000, the app listens on 8000) and D002 (a warning: shell form)
FILES = app_service(compose_port="8000:9000", cmd_form="shell")
TEMP_FILES = ["api/.Dockerfile.k2j_x9aa.fixer", ".compose.yaml.0abcdefg.fixer-old"]


def folder(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    return write_tree(tmp_path / "repo", {**FILES, **(extra or {})})


def check(root: Path, **fields: Any) -> Checked:
    return run_check(CheckRequest(root, catalogue(), str(root), **fields))


def codes(findings: Iterable[Finding]) -> list[str]:
    return [f.code for f in findings]


# -- check -------------------------------------------------------------------------------------

def test_check_hides_what_is_below_the_severity_and_counts_it(tmp_path: Path) -> None:
    root = folder(tmp_path)
    every = run_check(CheckRequest(root, catalogue(), str(root)))
    assert codes(every.findings) == ["D002", "P001"] and every.hidden == 0
    assert every.severity is Severity.WARNING and not every.errors
    errors_only = run_check(CheckRequest(root, catalogue(), str(root), Options(severity="error")))
    assert codes(errors_only.findings) == ["P001"]
    assert errors_only.hidden == 1 and errors_only.severity is Severity.ERROR


def test_check_carries_input_errors_and_still_checks_the_other_stacks(tmp_path: Path) -> None:
    root = folder(tmp_path, BROKEN_STACK)
    checked = run_check(CheckRequest(root, catalogue(), str(root)))
    assert [e.path for e in checked.errors] == ["other/compose.yaml"]
    assert codes(checked.findings) == ["D002", "P001"]


def test_check_reads_the_configuration_file_and_the_flags_override_it(tmp_path: Path) -> None:
    root = folder(tmp_path, {"fixer.toml": 'select = ["D002"]\n'})
    from_file = run_check(CheckRequest(root, catalogue(), str(root)))
    assert codes(from_file.findings) == ["D002"] and [r.code for r in from_file.rules] == ["D002"]
    flagged = run_check(CheckRequest(root, catalogue(), str(root), Options(select="P001")))
    assert codes(flagged.findings) == ["P001"]


def test_a_bad_configuration_file_is_named_as_the_user_named_the_folder(tmp_path: Path) -> None:
    root = folder(tmp_path, {"fixer.toml": 'sellect = ["D002"]\n'})
    with pytest.raises(ConfigError, match=r'^where/fixer\.toml:1: unknown key "sellect"'):
        run_check(CheckRequest(root, catalogue(), "where"))


@pytest.mark.parametrize(("fields", "reason"), [
    ({"options": Options(select="P001,Z999")}, "unknown rule code: Z999"),
    ({"options": Options(ignore="Q")}, "unknown rule code: Q"),
    ({"diff_filter": "no-such.diff"}, "--diff-filter no-such.diff: No such file"),
])
def test_check_refuses_a_request_it_cannot_run(tmp_path: Path, fields: dict[str, Any],
                                                reason: str) -> None:
    root = folder(tmp_path)
    with pytest.raises(RequestError, match=f"^{reason}"):
        check(root, **fields)


def test_check_keeps_the_findings_the_diff_filter_adds(tmp_path: Path) -> None:
    root = folder(tmp_path)
    diff = tmp_path / "change.diff"   # changes the CMD: D002 on it, and P001, whose cause it is
    diff.write_text("--- a/api/Dockerfile\n+++ b/api/Dockerfile\n@@ -7 +7 @@\n"
                    "-CMD true\n+CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n")
    checked = run_check(CheckRequest(root, catalogue(), str(root), diff_filter=str(diff)))
    assert codes(checked.findings) == ["D002", "P001"]


def test_check_tells_the_progress_its_rules_and_services_and_ticks_once_per_rule(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {**FILES, **{
        f"second/{path}": text for path, text in app_service(name="web").items()}})
    seen: list[tuple[int, int]] = []
    ticks: list[None] = []

    def counting(rules: int, services: int) -> AbstractContextManager[Callable[[], None]]:
        seen.append((rules, services))
        return nullcontext(lambda: ticks.append(None))

    checked = run_check(CheckRequest(root, catalogue(), str(root)), counting)
    assert seen == [(len(checked.rules), 2)] and len(ticks) == len(checked.rules) > 10


def test_unused_suppressions_are_looked_for_only_when_asked(tmp_path: Path) -> None:
    compose = FILES["compose.yaml"].replace("build: ./api", "build: ./api  # fixer: ignore[C002]")
    root = folder(tmp_path, {"compose.yaml": compose})
    assert run_check(CheckRequest(root, catalogue(), str(root))).unused == []
    asked = run_check(CheckRequest(root, catalogue(), str(root), unused_suppressions=True))
    assert [u.line(".") for u in asked.unused] == [
        "compose.yaml:3:19: unused suppression ignore[C002]"]


def test_the_fix_run_is_made_only_for_the_markdown_report(tmp_path: Path) -> None:
    root = folder(tmp_path)
    assert run_check(CheckRequest(root, catalogue(), str(root))).fixed_later is None
    later = run_check(CheckRequest(root, catalogue(), str(root), fix_run=True)).fixed_later
    assert later is not None and later.fixes == 2   # P001 and D002, as `fixer fix` applies them


# -- fix ---------------------------------------------------------------------------------------

def test_a_dry_run_changes_no_file_and_keeps_the_fixes_in_memory(tmp_path: Path) -> None:
    root = folder(tmp_path)
    before = read_folder(root)
    done = run_fix(FixRequest(root, catalogue(), str(root)))
    assert read_folder(root) == before
    assert codes(a.finding for a in done.result.applied) == ["P001", "D002"]
    assert sorted(done.result.tree.changes()) == ["api/Dockerfile", "compose.yaml"]
    assert not (done.landed or done.blocked or done.written)


def test_apply_writes_the_changes_and_names_the_files(tmp_path: Path) -> None:
    root = folder(tmp_path)
    done = run_fix(FixRequest(root, catalogue(), str(root), apply=True))
    changes = done.result.tree.changes()
    assert done.landed and done.written == ("api/Dockerfile", "compose.yaml")
    assert done.not_written is None and done.interrupted is None
    on_disk = read_folder(root)
    for path, (_old, new) in changes.items():
        assert new is not None and on_disk[path] == new.encode()
    again = run_fix(FixRequest(root, catalogue(), str(root), apply=True))
    assert not again.result.applied and again.written == ()   # nothing left to fix


def test_a_dry_run_names_the_temporary_files_of_a_killed_run_and_keeps_them(
        tmp_path: Path) -> None:
    root = folder(tmp_path, {path: "partial" for path in [*TEMP_FILES, "api/notes.fixer"]})
    done = run_fix(FixRequest(root, catalogue(), str(root)))
    assert sorted(done.leftovers) == sorted(TEMP_FILES) and done.removed == ()
    assert all((root / path).exists() for path in TEMP_FILES)


def test_apply_removes_the_temporary_files_of_a_killed_run_first(tmp_path: Path) -> None:
    root = folder(tmp_path, {path: "partial" for path in [*TEMP_FILES, "api/notes.fixer"]})
    done = run_fix(FixRequest(root, catalogue(), str(root), apply=True))
    assert sorted(done.removed) == sorted(TEMP_FILES) and done.leftovers == ()
    assert not any((root / path).exists() for path in TEMP_FILES)
    assert (root / "api/notes.fixer").exists()   # not a name fixer makes
    assert done.landed and "api/Dockerfile" in done.written


def test_input_errors_block_the_write(tmp_path: Path) -> None:
    root = folder(tmp_path, BROKEN_STACK)
    before = read_folder(root)
    done = run_fix(FixRequest(root, catalogue(), str(root), apply=True))
    assert done.blocked and not done.landed and done.written == ()
    assert codes(a.finding for a in done.result.applied) == ["P001", "D002"]   # computed
    assert read_folder(root) == before


def _crashes(_ws: Workspace) -> Iterator[Violation]:
    raise KeyError("boom")


def test_a_rule_crash_does_not_block_the_write(tmp_path: Path) -> None:
    root = folder(tmp_path)
    crashing = Rule("X009", "crashes", Category.STRUCTURE, (Safety.SAFE,), "C.", _crashes)
    done = run_fix(FixRequest(root, [*catalogue(), crashing], str(root), apply=True))
    assert [getattr(e, "code", None) for e in done.result.errors] == ["X009"]
    assert not done.blocked and done.written == ("api/Dockerfile", "compose.yaml")


def test_a_fix_through_a_link_is_display_only(tmp_path: Path) -> None:
    """The engine holds a fix whose edits touch a symbolic link (display-only, the link in
    its reason): --apply is not refused, and leaves the link and its target as they were."""
    root = folder(tmp_path)
    (root / "api/Dockerfile").rename(root / "api/Dockerfile.real")
    (root / "api/Dockerfile").symlink_to("Dockerfile.real")
    real = (root / "api/Dockerfile.real").read_bytes()
    done = run_fix(FixRequest(root, catalogue(), str(root), apply=True))
    assert done.not_written is None and done.written == ()
    held = [f for f in done.result.remaining if f.path == "api/Dockerfile"]
    assert held and all(f.reason == "api/Dockerfile is a symbolic link to Dockerfile.real; "
                        "fixer does not write through links" for f in held)
    assert (root / "api/Dockerfile").is_symlink()
    assert (root / "api/Dockerfile.real").read_bytes() == real


@pytest.mark.parametrize(("fields", "reason"), [
    ({"apply": True, "branch": "fixes"}, "--apply and --branch do not go together"),
    ({"push": "origin"}, "--push needs --branch"),
    ({"pr_body": Path("body.md")}, "--pr-body needs --branch"),
    ({"base": "main", "author": "A <a@example.org>", "signoff": True},
     "--base, --author and --signoff need --branch"),
    ({"base": "", "author": ""}, "--base and --author need --branch"),
    ({"options": Options(select="Z")}, "unknown rule code: Z"),
])
def test_fix_refuses_flags_that_cannot_work(tmp_path: Path, fields: dict[str, Any],
                                            reason: str) -> None:
    root = folder(tmp_path)
    before = read_folder(root)
    with pytest.raises(RequestError, match=f"^{reason}$"):
        run_fix(FixRequest(root, catalogue(), str(root), **fields))
    assert read_folder(root) == before


def test_a_branch_outside_a_git_repository_is_refused(tmp_path: Path) -> None:
    root = folder(tmp_path)
    with pytest.raises(Refused, match="not inside a git repository"):
        run_fix(FixRequest(root, catalogue(), str(root), branch="fixes"))


@pytest.mark.slow   # a git branch
def test_a_branch_gets_one_commit_per_fix_and_the_working_tree_stays(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", FILES)
    before = read_folder(root)
    said: list[str] = []
    done = run_fix(FixRequest(root, catalogue(), str(root), branch="fixes"), said.append)
    assert done.branch_run is not None and not done.branch_run.up_to_date
    assert done.landed and len(done.branch_run.made) == 2
    assert [line.split(" ", 1)[1] for line in said] == [
        str(item.commit.message).splitlines()[0] for item in done.branch_run.made]
    assert read_folder(root) == before
    again = run_fix(FixRequest(root, catalogue(), str(root), branch="fixes"), said.append)
    assert again.branch_run is not None and again.branch_run.up_to_date
    assert again.branch_run.made == [] and not again.landed
