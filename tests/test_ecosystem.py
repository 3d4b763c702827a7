"""Fitting the tools people run fixer beside: `python -m fixer`, ruff's selection rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

import pytest

from fixer.app.registry import choose, discover
from support import REPO, SEED_FLEET, run_cli


@pytest.mark.slow  # a fresh interpreter
def test_python_dash_m_fixer_runs_the_command_line() -> None:
    run = subprocess.run([sys.executable, "-m", "fixer", "check", str(SEED_FLEET),
                          "--select", "S002"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "S002" in run.stdout


@pytest.mark.parametrize(("select", "ignore", "runs"), [
    (["P001"], ["P"], ["P001"]),            # the more specific selector wins
    (["P"], ["P001"], ["P002"]),
    (["ALL"], ["P"], None),                  # every default rule but P
    (["P"], ["P"], []),                      # a tie ignores
    (None, ["ALL"], []),
    (["P002"], ["ALL"], ["P002"]),
])
def test_the_more_specific_of_select_and_ignore_wins(
        select: list[str] | None, ignore: list[str], runs: list[str] | None) -> None:
    chosen = [r.code for r in choose(discover(), select, ignore)]
    if runs is None:
        assert chosen and not any(code.startswith("P") for code in chosen)
    else:
        assert chosen == runs


def test_a_repeated_select_adds_up() -> None:
    code, out, _ = run_cli("check", SEED_FLEET, "--select", "S002", "--select", "D001")
    assert code == 1
    assert {line.split()[1] for line in out.splitlines()} == {"S002", "D001"}
    code, out, _ = run_cli("check", SEED_FLEET, "--select", "P001", "--ignore", "P")
    assert code == 1 and {line.split()[1] for line in out.splitlines()} == {"P001"}


def test_the_license_the_metadata_names_ships_with_the_source() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert (project["license"], project["license-files"]) == ("MIT", ["LICENSE"])
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")


@pytest.mark.parametrize(("env", "coloured"), [
    ({"FORCE_COLOR": "1"}, True),
    ({"FORCE_COLOR": "0"}, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": ""}, False),   # NO_COLOR, set to anything, wins
    ({}, False),                                       # not a terminal
])
def test_force_color_colours_output_that_is_not_a_terminal(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], coloured: bool) -> None:
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, _ = run_cli("check", SEED_FLEET, "--select", "S002")
    assert code == 1 and ("\x1b[" in out) is coloured
    assert "\x1b[" not in run_cli("check", SEED_FLEET, "--select", "S002", "--no-color")[1]


def test_a_folder_with_no_compose_file_is_not_all_checks_passed(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("no services here\n")
    code, out, err = run_cli("check", tmp_path)
    assert (code, out) == (2, "")   # a wrong path: not "clean"
    assert err.startswith(f"No compose file found in {tmp_path}: nothing was checked. ")
    assert err.count("\n") == 1   # one line
    code, out, err = run_cli("check", tmp_path, "--format", "json")
    assert code == 2 and json.loads(out)["findings"] == [] and "No compose file found" in err
    assert "All checks passed." not in err


def _repository(root: Path) -> Path:
    shutil.copytree(SEED_FLEET, root)
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=Dev", "-c", "user.email=dev@example.com",
                  "commit", "-qm", "fleet"]):
        subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)
    return root


def _identities(root: Path, ref: str) -> str:
    return subprocess.run(["git", "log", "-1", "--format=%an <%ae>|%cn <%ce>", ref], cwd=root,
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.slow   # a branch of commits on the seed fleet
def test_branch_mode_takes_author_and_committer_from_git_s_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path / "repo")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Bot")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bot@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "CI")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.com")
    code, _out, err = run_cli("fix", "--branch", "fixer/fixes", root)
    assert code == 1, err
    assert _identities(root, "fixer/fixes") == "Bot <bot@example.com>|CI <ci@example.com>"


def _tip(root: Path, ref: str) -> str:
    return subprocess.run(["git", "rev-parse", ref], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.slow   # branches of commits on the seed fleet, and a push
def test_a_rerun_with_nothing_new_moves_and_pushes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renovate's etiquette: a second run on the same base neither makes a new tip nor
    force-pushes one; it exits 0 and says the branch is up to date."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)   # commit dates may differ
    root = _repository(tmp_path / "repo")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=root, check=True)
    args = ("fix", "--branch", "fixer/fixes", "--push", "origin", root)
    assert run_cli(*args)[0] == 1
    local, pushed = _tip(root, "fixer/fixes"), _tip(remote, "fixer/fixes")
    assert local == pushed
    code, _out, err = run_cli(*args)
    assert code == 0, err
    assert "Branch fixer/fixes is up to date" in err
    assert (_tip(root, "fixer/fixes"), _tip(remote, "fixer/fixes")) == (local, pushed)
    # a new commit on the base: the branch is rebuilt on it and pushed again
    (root / "NOTES.md").write_text("moved on\n")
    subprocess.run(["git", "add", "NOTES.md"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com",
                    "commit", "-qm", "notes"], cwd=root, check=True)
    assert run_cli(*args)[0] == 1
    assert _tip(remote, "fixer/fixes") != pushed


def test_what_git_ignores_is_neither_checked_nor_fixed(tmp_path: Path) -> None:
    """As ruff: a build output or vendored copy that .gitignore leaves out is not the stack."""
    root = tmp_path / "repo"
    shutil.copytree(SEED_FLEET, root)
    shutil.copytree(SEED_FLEET, root / "build" / "old-fleet")
    (root / "scratch.yaml").write_text("services:\n  x:\n    build: ./nowhere\n")
    (root / ".gitignore").write_text("build/\nscratch.yaml\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _code, out, _err = run_cli("check", root, "--select", "S002,S001")
    assert "S002" in out
    assert "build/" not in out and "scratch.yaml" not in out
    # as ruff's --no-respect-gitignore: every file, ignored or not
    for command in ("check", "fix"):
        shown = "".join(run_cli(command, root, "--select", "S002", "--no-respect-gitignore")[1:])
        assert "build/old-fleet" in shown, command
    shutil.rmtree(root / ".git")   # not a git work tree: .gitignore is not read
    assert "build/old-fleet" in run_cli("check", root, "--select", "S002")[1]
