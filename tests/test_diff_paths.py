"""File names as git writes them: the dry-run diff quotes a name the way `git diff` does,
byte for byte, so that `git apply` and `patch -p1` take it; text output escapes control
characters, so that a file name cannot drive the terminal."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import kit
from fixer.formats.diff import quote_path
from fixer.formats.findings import printable
from support import copy_tree, git, init_repo, run_cli, write_tree

# Service folders whose names need each of git's ways of writing a name.
FOLDERS = ["my api", "tab\tin", "new\nline", 'quo"te', "back\\slash", "café", "ctl\x01x",
           "bel\x07del\x7f", "end "]
HEADER = ("diff --git ", "--- ", "+++ ", "new file mode ", "deleted file mode ")


def _odd_repo(root: Path) -> Path:
    """One service per folder: a shell-form CMD (D002 edits the Dockerfile), no
    `app/__init__.py` (S002 creates it), a stray copy of the Dockerfile in app/ (D001
    deletes it)."""
    compose = "services:\n"
    files: dict[str, str] = {}
    for number, folder in enumerate(FOLDERS):
        compose += f"  api{number}:\n    build: {json.dumps('./' + folder)}\n"
        service = kit.app_service(cmd_form="shell", compose_port=None, healthcheck=None)
        for path, text in service.items():
            if path != "compose.yaml" and path != "api/app/__init__.py":
                files[folder + path[len("api"):]] = text
        files[f"{folder}/app/Dockerfile"] = service["api/Dockerfile"]
    write_tree(root, {"compose.yaml": compose, **files})
    init_repo(root)
    return root


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """The repository, fixer's dry-run diff of it, and a copy fixed with --apply."""
    root = _odd_repo(tmp_path_factory.mktemp("odd") / "repo")
    code, diff, err = run_cli("fix", "--select", "D001,D002,S002", root)
    assert code == 1, err
    applied = copy_tree(root, tmp_path_factory.mktemp("applied") / "repo")
    code, _out, err = run_cli("fix", "--apply", "--select", "D001,D002,S002", applied)
    assert code == 1, err
    return root, diff, applied


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_every_kind_of_change_is_made(odd: tuple[Path, str, Path]) -> None:
    _root, diff, _applied = odd
    for folder in FOLDERS:
        assert quote_path(f"b/{folder}/Dockerfile") in diff
    assert diff.count("\nnew file mode ") == len(FOLDERS)
    assert diff.count("\ndeleted file mode ") == len(FOLDERS)


def test_headers_are_gits_own(odd: tuple[Path, str, Path]) -> None:
    """git's diff of the applied tree has the very same header lines, byte for byte, but
    one: an empty file's name with a space is quoted, where git's own line would not apply
    with `patch`, nor with `git apply` for `end /app/__init__.py`."""
    _root, diff, applied = odd
    git(applied, "add", "-A")
    theirs = git(applied, "-c", "core.quotePath=true", "diff", "--cached", "--no-renames")
    theirs = theirs.replace("diff --git a/my api/app/__init__.py b/my api/app/__init__.py",
                            'diff --git "a/my api/app/__init__.py" "b/my api/app/__init__.py"')
    theirs = theirs.replace("diff --git a/end /app/__init__.py b/end /app/__init__.py",
                            'diff --git "a/end /app/__init__.py" "b/end /app/__init__.py"')
    mine = [line for line in diff.split("\n") if line.startswith(HEADER)]
    assert mine == [line for line in theirs.split("\n") if line.startswith(HEADER)]
    assert "--- a/my api/Dockerfile\t\n" in diff   # git ends a name holding a space with a tab


def test_git_apply_gives_what_apply_writes(odd: tuple[Path, str, Path],
                                           tmp_path: Path) -> None:
    root, diff, applied = odd
    target = copy_tree(root, tmp_path / "repo")
    (tmp_path / "fix.diff").write_text(diff)
    git(target, "apply", "--check", str(tmp_path / "fix.diff"))
    git(target, "apply", str(tmp_path / "fix.diff"))
    assert _files(target) == _files(applied)


@pytest.mark.skipif(shutil.which("patch") is None, reason="no patch binary")
def test_patch_gives_what_apply_writes(odd: tuple[Path, str, Path], tmp_path: Path) -> None:
    root, diff, applied = odd
    target = copy_tree(root, tmp_path / "repo")
    result = subprocess.run(["patch", "-p1", "--batch", "--forward"], cwd=target, input=diff,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _files(target) == _files(applied)


@pytest.mark.parametrize(("name", "quoted"), [
    ("a/plain/Dockerfile", "a/plain/Dockerfile"),
    ("a/my api/Dockerfile", "a/my api/Dockerfile"),
    ("a/t\tb", '"a/t\\tb"'),
    ("a/q\"b\\c", '"a/q\\"b\\\\c"'),
    ("a/\x07\x08\x0b\x0c\r\x1b\x7f", '"a/\\a\\b\\v\\f\\r\\033\\177"'),
    ("a/café", '"a/caf\\303\\251"'),
    ("a/caf\udce9", '"a/caf\\351"'),     # a name that is not UTF-8: its own byte
])
def test_quote_path(name: str, quoted: str) -> None:
    assert quote_path(name) == quoted


# -- text output -------------------------------------------------------------------------------

def test_text_output_escapes_control_characters(tmp_path: Path) -> None:
    folder = "evil\x1b]0;owned\x07\x1b[2J"
    compose = f"services:\n  api:\n    build: {json.dumps('./' + folder)}\n"
    service = kit.app_service(cmd_form="shell", compose_port=None, healthcheck=None)
    files = {folder + p[len("api"):]: t for p, t in service.items() if p != "compose.yaml"}
    root = write_tree(tmp_path, {"compose.yaml": compose, **files})
    code, out, err = run_cli("check", "--select", "D002", root)
    assert code == 1, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "evil\\x1b]0;owned\\x07\\x1b[2J/Dockerfile:7:1: D002" in out


def test_printable() -> None:
    assert printable("a\tb\nc\x9b\u202e é") == "a\\tb\\nc\\x9b\\u202e é"
