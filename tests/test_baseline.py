"""Baselines: `fixer check --write-baseline FILE` records the findings a repository has,
`--baseline FILE` leaves them out, so only new findings fail a check; and the pre-commit hook,
which uses `.fixer-baseline.json` when it exists and runs only for deployment files."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fixer.app import baseline
from fixer.app.check import CheckRequest
from fixer.app.check import run as run_check
from fixer.app.registry import discover
from fixer.formats.findings import moved
from support import REPO, SEED_FLEET, copy_tree, git, init_repo, run_cli
from test_config import web_tree
from test_recipes import VENV_BIN, hook_repo, shell_env  # noqa: F401  (hook_repo: a fixture)

HOOKS = REPO / ".pre-commit-hooks.yaml"


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seed fleet (23 findings), the current folder."""
    root = copy_tree(SEED_FLEET, tmp_path / "fleet")
    monkeypatch.chdir(root)
    return root


def findings(*argv: str) -> list[dict[str, Any]]:
    _, out, _ = run_cli("check", "--format", "json", *argv)
    found: list[dict[str, Any]] = json.loads(out)["findings"]
    return found


def add_service(root: Path) -> None:
    """New findings: a service whose compose port is not the one its app listens on (P001)
    and which has no healthcheck (C004)."""
    web_tree(root / "extra")
    (root / "extra/compose.yaml").unlink()
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(
        "services:\n", 'services:\n  extra:\n    build: ./extra/web\n    ports:\n'
                       '      - "8001:8001"\n', 1))


# -- the file ----------------------------------------------------------------------------------

def test_write_baseline_records_every_fingerprint_for_a_person_to_read(fleet: Path) -> None:
    code, out, err = run_cli("check", "--write-baseline", "base.json")
    assert code == 0 and out == "" and "Wrote 23 findings to the baseline base.json." in err
    written = json.loads((fleet / "base.json").read_text())
    assert written["version"] == baseline.VERSION
    entries = written["findings"]
    assert sorted(e["fingerprint"] for e in entries) == \
        sorted(f["fingerprint"] for f in findings())
    assert all(set(e) == {"fingerprint", "code", "path", "message"} for e in entries)
    keys = [(e["path"], e["code"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys)


def test_a_baseline_is_the_same_bytes_on_a_second_write(fleet: Path) -> None:
    run_cli("check", "--write-baseline", "one.json")
    run_cli("check", "--write-baseline", "two.json")
    assert (fleet / "one.json").read_bytes() == (fleet / "two.json").read_bytes()


@pytest.mark.parametrize("text, reason", [
    ("{", "invalid JSON"),
    ("[]", "not a fixer baseline"),
    ('{"version": 2, "findings": []}', "baseline version 2 is not 1"),
    ('{"version": 1, "findings": [{"code": "P001"}]}',
     "not a fixer baseline (each finding needs a fingerprint)"),
], ids=["not-json", "a-list", "version", "no-fingerprint"])
def test_an_invalid_baseline_is_a_usage_error_naming_the_file(fleet: Path, text: str,
                                                              reason: str) -> None:
    (fleet / "base.json").write_text(text)
    code, out, err = run_cli("check", "--baseline", "base.json")
    assert code == 2 and out == ""
    assert f"fixer: base.json: {reason}" in err


def test_a_missing_baseline_is_a_usage_error(fleet: Path) -> None:
    code, out, err = run_cli("check", "--baseline", "missing.json")
    assert code == 2 and out == "" and "fixer: missing.json: no such file" in err


def test_write_baseline_into_a_missing_folder_is_a_usage_error(fleet: Path) -> None:
    code, _, err = run_cli("check", "--write-baseline", "nowhere/base.json")
    assert code == 2 and "fixer: nowhere/base.json: cannot write:" in err


def test_write_and_read_a_baseline_together_is_a_usage_error(fleet: Path) -> None:
    run_cli("check", "--write-baseline", "base.json")
    code, _, err = run_cli("check", "--baseline", "base.json", "--write-baseline", "b.json")
    assert code == 2 and "do not go together" in err and not (fleet / "b.json").exists()


@pytest.mark.parametrize("report, refused", [
    (("--format", "sarif", "--output-file", "wb.sarif"), "--output-file"),
    (("--output-file", "wb.txt"), "--output-file"),
    (("--format", "json"), "--format json"),
], ids=["sarif-file", "text-file", "json-stdout"])
def test_write_baseline_with_a_report_is_a_usage_error(fleet: Path, report: tuple[str, ...],
                                                       refused: str) -> None:
    """--write-baseline writes no report: a report asked for beside it would be missing
    without a word (a CI step then uploads a SARIF file that was never written)."""
    code, out, err = run_cli("check", "--write-baseline", "wb.json", *report)
    assert code == 2 and out == ""
    assert err == f"fixer: --write-baseline and {refused} do not go together\n"
    assert not (fleet / "wb.json").exists() and not (fleet / "wb.sarif").exists()


# -- checking against it -----------------------------------------------------------------------

def test_a_baseline_hides_what_it_holds_and_says_how_many(fleet: Path) -> None:
    run_cli("check", "--write-baseline", "base.json")
    code, out, err = run_cli("check", "--baseline", "base.json")
    assert code == 0 and out == ""
    assert "All checks passed. 23 findings hidden by the baseline." in err


def test_a_new_finding_is_reported_and_the_old_ones_stay_hidden(fleet: Path) -> None:
    run_cli("check", "--write-baseline", "base.json")
    add_service(fleet)
    code, out, err = run_cli("check", "--baseline", "base.json")
    assert code == 1
    assert sorted(line.split(": ")[1].split()[0] for line in out.splitlines()) == \
        ["C004", "P001"]
    assert "Found 2 findings" in err and "23 findings hidden by the baseline." in err
    new = findings("--baseline", "base.json")
    assert [f["service"] for f in new] == ["extra", "extra"]


def test_a_baseline_survives_lines_moving(fleet: Path) -> None:
    run_cli("check", "--write-baseline", "base.json")
    for path in [fleet / "docker-compose.yml", *fleet.glob("*/Dockerfile")]:
        path.write_text("# moved down a line\n" + path.read_text())
    assert run_cli("check", "--baseline", "base.json")[0] == 0


def test_a_finding_the_baseline_does_not_hold_is_new_even_for_a_known_rule(fleet: Path) -> None:
    # matched by rule, service, file and subject: D001 of another service is not "old"
    duplicate = fleet / "usage_service/app/Dockerfile"
    text = duplicate.read_text()
    duplicate.unlink()
    run_cli("check", "--write-baseline", "base.json", "--select", "D001")
    assert len(json.loads((fleet / "base.json").read_text())["findings"]) == 6
    duplicate.write_text(text)
    new = findings("--select", "D001", "--baseline", "base.json")
    assert [(f["code"], f["service"]) for f in new] == [("D001", "usage_service")]


def test_baseline_if_exists_checks_without_one_when_the_file_is_missing(fleet: Path) -> None:
    code, out, _ = run_cli("check", "--baseline-if-exists", ".fixer-baseline.json")
    assert code == 1 and len(out.splitlines()) == 23
    run_cli("check", "--write-baseline", ".fixer-baseline.json")
    assert run_cli("check", "--baseline-if-exists", ".fixer-baseline.json")[0] == 0


def test_a_baseline_of_several_paths_tells_their_files_apart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path / "a")
    copy_tree(tmp_path / "a", tmp_path / "b")
    init_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    run_cli("check", "a", "b", "--write-baseline", "base.json")
    assert len(json.loads((tmp_path / "base.json").read_text())["findings"]) == 4
    # the paths are from the repository's root, however the folders are typed
    assert run_cli("check", "./a", tmp_path / "b", "--baseline", "base.json")[0] == 0
    assert run_cli("check", "b", "--baseline", "base.json")[0] == 0
    run_cli("check", "b", "--write-baseline", "b.json")
    assert run_cli("check", "a", "--baseline", "b.json")[0] == 1


def test_outside_a_repository_fingerprints_take_paths_from_the_folder_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path / "a")
    copy_tree(tmp_path / "a", tmp_path / "b")
    monkeypatch.chdir(tmp_path)
    run_cli("check", "a", "--write-baseline", "base.json")
    for typed in ("./a", str(tmp_path / "a"), "b"):   # `b` is a copy: the same findings
        assert run_cli("check", typed, "--baseline", "base.json")[0] == 0, typed
    assert run_cli("check", "./a", "b", "--baseline", "base.json")[0] == 0


@pytest.fixture
def mono(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the seed fleet in deploy/fleet (D003's, D001's and S002's subjects
    name files), the current folder."""
    copy_tree(SEED_FLEET, tmp_path / "deploy" / "fleet")
    init_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_finding_has_one_fingerprint_however_its_folder_is_named(
        mono: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at_root = sorted(f["fingerprint"] for f in findings())
    assert len(set(at_root)) == len(at_root) == 23
    for typed in ("deploy/fleet", "./deploy/fleet", str(mono / "deploy" / "fleet")):
        assert sorted(f["fingerprint"] for f in findings(typed)) == at_root, typed
    run_cli("check", "--write-baseline", "base.json")
    monkeypatch.chdir(mono / "deploy" / "fleet")
    assert sorted(f["fingerprint"] for f in findings()) == at_root
    code, out, err = run_cli("check", "--baseline", mono / "base.json")
    assert code == 0 and out == "" and "23 findings hidden by the baseline" in err


def old_baseline(*typed: str) -> str:
    """The baseline fixer wrote for `check TYPED...` before fingerprints took paths from the
    repository's root: of the path from the folder checked, joined to the folder as typed
    when there were several."""
    prefixes = typed if len(typed) > 1 else (".",)
    return baseline.document([
        moved(f, prefix) for folder, prefix in zip(typed, prefixes)
        for f in run_check(CheckRequest(Path(folder), discover(), folder)).findings])


@pytest.mark.parametrize("typed", [("deploy/fleet",), ("./deploy/fleet", "./other")],
                         ids=["one-folder", "several-folders"])
def test_a_baseline_of_the_old_fingerprints_still_hides_its_findings(
        mono: Path, typed: tuple[str, ...]) -> None:
    web_tree(mono / "other")
    (mono / "old.json").write_text(old_baseline(*typed))
    old = {e["fingerprint"] for e in json.loads((mono / "old.json").read_text())["findings"]}
    new = {f["fingerprint"] for f in findings(*typed)}
    assert len(old) == len(new) == (23 if len(typed) == 1 else 25) and old.isdisjoint(new)
    code, out, err = run_cli("check", *typed, "--baseline", "old.json")
    assert code == 0 and out == "" and "hidden by the baseline" in err
    run_cli("check", *typed, "--write-baseline", "new.json")   # only the new fingerprints
    assert {e["fingerprint"] for e in json.loads((mono / "new.json").read_text())["findings"]} \
        == new


def test_json_shows_only_the_new_findings_with_their_fingerprints(fleet: Path) -> None:
    prints = {f["fingerprint"] for f in findings()}
    run_cli("check", "--write-baseline", "base.json")
    add_service(fleet)
    new = findings("--baseline", "base.json")
    assert len(new) == 2 and not {f["fingerprint"] for f in new} & prints
    assert {f["fingerprint"] for f in new} | prints == {f["fingerprint"] for f in findings()}


# -- the pre-commit hook -------------------------------------------------------------------------

def manifest() -> dict[str, dict[str, Any]]:
    from pre_commit.clientlib import load_manifest
    return {h["id"]: h for h in load_manifest(str(HOOKS))}


@pytest.mark.parametrize("path, runs", [
    ("compose.yaml", True), ("deploy/docker-compose.prod.yml", True), ("web/Dockerfile", True),
    ("web/Dockerfile.dev", True), ("api.Dockerfile", True), ("web/requirements-dev.txt", True),
    ("pyproject.toml", True), ("fixer.toml", True), (".env", True), ("web/.env.local", True),
    ("web/app/main.py", True), (".fixer-baseline.json", True),
    ("README.md", False), ("docs/deploy.md", False), ("web/app/main.pyc", False),
    ("docs/compose.md", False), ("LICENSE", False), ("web/static/app.js", False),
])
def test_the_hooks_run_only_for_deployment_files(path: str, runs: bool) -> None:
    for hook in manifest().values():
        # pre-commit's own matching: re.search of `files`, then `exclude`
        matched = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
        assert matched == runs, (hook["id"], path)


def run_entry(root: Path) -> int:
    """The check hook's entry, as pre-commit runs it: from the repository's root."""
    argv = shlex.split(manifest()["fixer-check"]["entry"])
    assert argv[:2] == ["fixer", "check"]
    old = Path.cwd()
    os.chdir(root)
    try:
        return run_cli(*argv[1:])[0]
    finally:
        os.chdir(old)


def test_the_hook_entry_passes_old_findings_with_a_baseline_and_fails_new_ones(
        fleet: Path) -> None:
    assert run_entry(fleet) == 1            # no baseline: the fleet's 23 findings
    run_cli("check", "--write-baseline", ".fixer-baseline.json")
    (fleet / "README.md").write_text("# docs only\n")
    assert run_entry(fleet) == 0
    add_service(fleet)
    assert run_entry(fleet) == 1


def precommit_run(hook_repo: tuple[Path, str], target: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` of fixer-check on the staged files, as a commit runs it."""
    project, ref = hook_repo
    env = shell_env(target.parent, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env["HOME"] = os.environ.get("HOME", str(target.parent))  # keep pip's download cache
    return subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(project), "fixer-check",
                           "--ref", ref], cwd=target, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow
def test_pre_commit_passes_a_docs_only_commit_and_old_findings_with_a_baseline(
        hook_repo: tuple[Path, str], tmp_path: Path) -> None:  # noqa: F811
    target = copy_tree(SEED_FLEET, tmp_path / "target")
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "fleet with findings")
    (target / "README.md").write_text("# docs only\n")
    git(target, "add", "README.md")
    docs = precommit_run(hook_repo, target)
    assert docs.returncode == 0, docs.stdout + docs.stderr
    assert re.search(r"^fixer check\.+\(no files to check\)Skipped$", docs.stdout, re.M)
    compose = target / "docker-compose.yml"
    compose.write_text(compose.read_text() + "# a comment\n")
    git(target, "add", "docker-compose.yml")
    without = precommit_run(hook_repo, target)      # a deployment file: the hook runs
    assert without.returncode == 1 and "Found 23 findings" in without.stdout
    assert run_cli("check", target, "--write-baseline", target / ".fixer-baseline.json")[0] == 0
    git(target, "add", ".fixer-baseline.json")
    with_baseline = precommit_run(hook_repo, target)
    assert with_baseline.returncode == 0, with_baseline.stdout
    assert re.search(r"^fixer check\.+Passed$", with_baseline.stdout, re.M)
