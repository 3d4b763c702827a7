"""`fixer check` on a folder with no compose file to read: a wrong path (exit 2), unless its
compose files are all in project template folders, which fixer skips (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import git, init_repo, run_cli, write_tree

_COMPOSE = "services:\n  api:\n    build: ./{{cookiecutter.service}}\n"


def _template(root: Path) -> Path:
    slug = root / "{{cookiecutter.project_slug}}"
    (slug / "deploy").mkdir(parents=True)
    (slug / "deploy" / "docker-compose.yml").write_text(_COMPOSE)
    (slug / "docker-compose.ci.yml").write_text(_COMPOSE)
    (root / "cookiecutter.json").write_text('{"project_slug": "orders"}\n')
    return root


def test_compose_files_only_in_template_folders_are_named_and_no_error(tmp_path: Path) -> None:
    root = _template(tmp_path)
    code, out, err = run_cli("check", root)
    assert (code, out) == (0, "")
    assert err == (f"Compose files in {root} are only in project template folders, which "
                   "fixer skips ({{cookiecutter.project_slug}}/docker-compose.ci.yml, "
                   "{{cookiecutter.project_slug}}/deploy/docker-compose.yml): "
                   "nothing was checked.\n")
    code, out, err = run_cli("check", root, "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [] and "template folders" in err
    assert "All checks passed." not in err


def test_a_template_repository_beside_a_wrong_path_still_exits_2(tmp_path: Path) -> None:
    root = _template(tmp_path / "template")
    (tmp_path / "empty" / "node_modules" / "{{x}}").mkdir(parents=True)
    # a compose file in a folder fixer never reads (node_modules) is not a template's
    (tmp_path / "empty" / "node_modules" / "{{x}}" / "docker-compose.yml").write_text(_COMPOSE)
    code, _out, err = run_cli("check", root, tmp_path / "empty", "-q")
    assert code == 2
    assert f"No compose file found in {tmp_path / 'empty'}: nothing was checked." in err
    assert "template folders" in err


# -- every command says it alike -----------------------------------------------------------------

_SERVICE = {"orders/Dockerfile": "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\"]\n",
            "orders/app/__init__.py": "", "orders/app/main.py": "from fastapi import FastAPI\n"
                                                             "app = FastAPI()\n"}
_STACK = "services:\n  orders:\n    build: ./orders\n"


def _no_compose(root: Path) -> tuple[Path, str]:
    """A service with no compose file, and the line every command says of it."""
    write_tree(root, {**_SERVICE, "cloudbuild.yaml": "steps:\n  - name: gcr.io/x\n"})
    return root, (f"No compose file found in {root}: nothing was checked. Compose files are "
                  "found by name (any .yml or .yaml file whose name holds `compose`); others "
                  'go in the `stacks` setting of fixer.toml (stacks = [["deploy/app.yml"]]).\n')


@pytest.mark.parametrize("argv", [["check"], ["check", "--format", "json"],
                                  ["check", "--format", "sarif"], ["check", "--statistics"],
                                  ["fix"], ["fix", "--apply"], ["report"]], ids=" ".join)
def test_no_compose_file_is_exit_2_and_one_line_from_every_command(
        tmp_path: Path, argv: list[str]) -> None:
    root, said = _no_compose(tmp_path)
    before = sorted(p.as_posix() for p in root.rglob("*"))
    code, out, err = run_cli(*argv, root)
    assert (code, err) == (2, said)
    assert sorted(p.as_posix() for p in root.rglob("*")) == before
    if "--format" not in argv and "--statistics" not in argv:
        assert out == ""   # no diff, no report of no service


def test_no_compose_file_is_an_error_of_the_json_and_sarif_reports(tmp_path: Path) -> None:
    root, said = _no_compose(tmp_path)
    errors = json.loads(run_cli("check", root, "--format", "json")[1])["errors"]
    assert errors == [{"kind": "input", "path": ".", "line": 1, "message": said.rstrip("\n")}]
    run = json.loads(run_cli("check", root, "--format", "sarif")[1])["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": said.rstrip("\n")}}]}]


def test_compose_files_by_other_names_are_named_with_the_setting_that_reads_them(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {**_SERVICE, "local.yml": _STACK, "production.yml": _STACK,
                          ".github/workflows/ci.yml": "jobs:\n  test:\n    services: {}\n"})
    code, _, err = run_cli("check", tmp_path)
    assert code == 2
    assert err == (f"No compose file found in {tmp_path}: nothing was checked. local.yml, "
                   "production.yml have a `services:` key: to read them as compose files, "
                   "name them in the `stacks` setting of fixer.toml "
                   '(stacks = [["local.yml"], ["production.yml"]]; files Compose loads '
                   "together (`-f a.yml -f b.yml`) go in one group).\n")
    (tmp_path / "fixer.toml").write_text('stacks = [["local.yml"], ["production.yml"]]\n')
    code, out, err = run_cli("check", tmp_path, "--select", "C004")
    assert code == 1 and "local.yml:" in out and "production.yml:" in out, err


def test_every_file_by_another_name_is_counted(tmp_path: Path) -> None:
    """Five files with a `services:` key: the hint names three and counts the others."""
    names = [f"stack/{name}.yaml" for name in ("app", "kafka", "mongo", "backup", "express")]
    write_tree(tmp_path, {**_SERVICE, **{name: _STACK for name in names}})
    code, _, err = run_cli("check", tmp_path)
    assert code == 2
    assert "stack/app.yaml, stack/backup.yaml, stack/express.yaml and 2 more have a " \
        "`services:` key" in err, err


def test_files_a_make_target_loads_together_are_one_group_in_the_hint(tmp_path: Path) -> None:
    """`-f ${APP_FILE} -f ${DB_FILE}` of a make target, its variables read: the example
    groups the two as the one stack Compose runs, and names where that command is."""
    make = ("DC = docker compose\nAPP_FILE = stack/app.yaml\nDB_FILE = stack/db.yaml\n\n"
            "up:\n\t${DC} -f ${APP_FILE} -f ${DB_FILE} up -d\n\n"
            "down:\n\t${DC} -f ${APP_FILE} down\n")
    write_tree(tmp_path, {**_SERVICE, "stack/app.yaml": _STACK, "stack/db.yaml": _STACK,
                          "Makefile": make})
    code, _, err = run_cli("check", tmp_path)
    assert code == 2
    assert '(stacks = [["stack/app.yaml", "stack/db.yaml"]], as Makefile:6 loads them ' \
        "together)" in err, err


def test_an_unreadable_build_script_is_left_out_of_the_hint(tmp_path: Path) -> None:
    """A workflow that is not text (UTF-16 with a broken pair) is no error of the hint,
    which reads the build scripts only for the files they load together: one line, exit 2."""
    root = write_tree(tmp_path, {**_SERVICE, "stack/app.yaml": _STACK})
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_bytes(
        b"\xff\xfe" + "on: push\n".encode("utf-16-le") + b"\x00\xd8")
    code, out, err = run_cli("check", tmp_path)
    assert (code, out) == (2, "")
    assert "Traceback" not in err and "stack/app.yaml has a `services:` key" in err, err


def test_branch_mode_names_the_commit_and_the_untracked_compose_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path, _SERVICE)
    init_repo(root)
    (root / "docker-compose.yml").write_text(_STACK)
    head = git(root, "rev-parse", "HEAD").strip()[:12]
    code, out, err = run_cli("fix", root, "--branch", "fixer/fixes")
    assert (code, out) == (2, "")
    assert err == (f"fixer: No compose file found in {root} at HEAD ({head}): nothing was "
                   "checked. docker-compose.yml is untracked: commit it first, since the "
                   "branch is made from the commit.\n")
    assert git(root, "branch", "--list", "fixer/fixes") == ""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "compose")
    code, _, err = run_cli("fix", root, "--branch", "fixer/fixes")
    assert code == 1 and "No compose file" not in err, err


@pytest.mark.parametrize("text", ["", "# services come later\n"])
def test_an_empty_compose_file_is_named_not_missing(tmp_path: Path, text: str) -> None:
    """Found, and empty (Compose refuses it too): the line names it, not the naming rules."""
    write_tree(tmp_path, {**_SERVICE, "compose.yaml": text})
    code, _out, err = run_cli("check", tmp_path)
    assert code == 2
    assert err == (f"No compose file to read in {tmp_path}: compose.yaml is empty (no YAML, or "
                   "comments only), which Compose refuses too: nothing was checked.\n")


def test_the_report_of_a_template_repository_says_nothing_was_read(tmp_path: Path) -> None:
    """The report says what `check` says: no compose file was read, and which ones the
    template folders hold; never "Found nothing to fix"."""
    root = _template(tmp_path)
    code, out, err = run_cli("report", root)
    assert code == 0, err
    assert "only in project template folders, which fixer skips" in err, err
    assert "fixer read no compose file, so it audited no service." in out, out
    assert "Found nothing to fix" not in out, out
