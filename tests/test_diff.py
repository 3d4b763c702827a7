"""`fixer fix` prints a git-style diff that git apply, GNU patch and unidiff all accept, and
that reproduces `--apply` byte for byte (CRLF, BOM, no final newline, odd line separators)."""

from __future__ import annotations

import codecs
import io
import shutil
import stat
import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from unidiff.patch import PatchSet

from fixer import engine
from fixer.core.config import Config
from fixer.core.edits import CreateFile, TextEdit
from fixer.app.apply import write_changes
from fixer.formats.diff import render, write
from fixer.model.rule import Category, Fix, Rule, Safety, Violation
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from support import copy_tree, git, init_repo, run_cli
from test_cli import APP, dockerfile, service_tree, snapshot, write_tree

BOM = b"\xef\xbb\xbf"


def tree_snapshot(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if not k.startswith(".git/")}


def git_apply(repo: Path, diff: str, *options: str) -> None:
    """Commit the tree as it is, then `git apply` the diff to it."""
    init_repo(repo)
    (repo / ".git" / "fixer.diff").write_bytes(as_printed(diff))
    git(repo, "apply", *options, ".git/fixer.diff")


def as_printed(diff: str) -> bytes:
    """The bytes `fixer fix` prints: a Latin-1 file's own bytes are surrogate escapes in `diff`."""
    return diff.encode("utf-8", "surrogateescape")


def patch_p1(repo: Path, diff: str, *options: str) -> None:
    result = subprocess.run(["patch", "-p1", "--batch", *options], cwd=repo, capture_output=True,
                            input=as_printed(diff), timeout=60)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def assert_diff_reproduces_apply(before: Path, tmp_path: Path, *args: str) -> str:
    """Dry-run diff applied by git == `fix --apply`'s tree, byte for byte. Returns the diff."""
    code, diff, err = run_cli("fix", before, *args)
    assert code == 1, err
    applied = copy_tree(before, tmp_path / "applied")
    assert run_cli("fix", "--apply", applied, *args)[0] == 1
    by_git = copy_tree(before, tmp_path / "by-git")
    git_apply(by_git, diff)
    assert tree_snapshot(by_git) == tree_snapshot(applied)
    return diff


# -- dry run ----------------------------------------------------------------------------------

def test_dry_run_prints_a_git_diff_and_writes_nothing(tmp_path: Path) -> None:
    repo = service_tree(tmp_path)
    write_tree(repo, {"web/app/Dockerfile": dockerfile(8000)})
    before = snapshot(repo)
    code, diff, err = run_cli("fix", repo, "--select", "P001,D001")
    assert code == 1, err
    assert snapshot(repo) == before
    assert diff.startswith("diff --git a/web/Dockerfile b/web/Dockerfile\n"
                           "--- a/web/Dockerfile\n+++ b/web/Dockerfile\n@@ -1,5 +1,5 @@\n")
    assert " COPY . .\n-EXPOSE 8000\n-CMD" in diff and "\n+EXPOSE 8001\n+CMD" in diff
    assert ("diff --git a/web/app/Dockerfile b/web/app/Dockerfile\ndeleted file mode 100644\n"
            "--- a/web/app/Dockerfile\n+++ /dev/null\n@@ -1,5 +0,0 @@\n") in diff
    assert "Would apply 2 fixes" in err
    patch = PatchSet(diff)
    assert [(f.path, f.is_removed_file) for f in patch] == [
        ("web/Dockerfile", False), ("web/app/Dockerfile", True)]
    git_apply(repo, diff, "--check")


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch (Debian: patch)")
def test_gnu_patch_accepts_the_diff(tmp_path: Path) -> None:
    repo = service_tree(tmp_path / "repo")
    write_tree(repo, {"web/app/Dockerfile": dockerfile(8000)})
    _, diff, _ = run_cli("fix", repo, "--select", "P001,D001")
    patch_p1(repo, diff, "--dry-run")
    applied = copy_tree(repo, tmp_path / "applied")
    run_cli("fix", "--apply", applied, "--select", "P001,D001")
    patch_p1(repo, diff)
    assert snapshot(repo) == snapshot(applied)


@pytest.mark.parametrize(("mode", "header"), [(0o755, "100755"), (0o775, "100755"),
                                              (0o664, "100644"), (0o600, "100644")])
def test_deleted_file_header_names_a_mode_git_knows(tmp_path: Path, mode: int,
                                                    header: str) -> None:
    """git writes 100755 or 100644 whatever the group bits (a umask 002 checkout has 664)."""
    repo = service_tree(tmp_path, port=8001)
    write_tree(repo, {"web/app/Dockerfile": dockerfile(8001)})
    (repo / "web/app/Dockerfile").chmod(mode)
    _, diff, _ = run_cli("fix", repo, "--select", "D001")
    assert f"deleted file mode {header}\n" in diff
    git_apply(repo, diff)
    assert not (repo / "web/app/Dockerfile").exists()


# -- line endings and encodings ---------------------------------------------------------------

def test_no_final_newline_is_marked_and_kept(tmp_path: Path) -> None:
    repo = service_tree(tmp_path / "before")
    text = dockerfile(8000).rstrip("\n")
    (repo / "web/Dockerfile").write_text(text)
    diff = assert_diff_reproduces_apply(repo, tmp_path, "--select", "P001")
    assert diff.endswith('+CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001"]\n'
                         "\\ No newline at end of file\n")
    assert diff.count("\\ No newline at end of file\n") == 2
    assert not (tmp_path / "applied/web/Dockerfile").read_bytes().endswith(b"\n")


def test_crlf_and_bom_files_patch_to_the_same_bytes_as_apply(tmp_path: Path) -> None:
    repo = service_tree(tmp_path / "before")
    crlf = dockerfile(8000).replace("\n", "\r\n").encode()
    (repo / "web/Dockerfile").write_bytes(crlf)
    write_tree(repo, {"api/compose.yaml": COMPOSE_API,
                      "api/svc/Dockerfile": BOM + dockerfile(8000).encode(),
                      "api/svc/app/__init__.py": "", "api/svc/app/main.py": APP})
    diff = assert_diff_reproduces_apply(repo, tmp_path, "--select", "P001")
    assert " COPY . .\r\n-EXPOSE 8000\r\n" in diff and "\n+EXPOSE 8001\r\n" in diff
    assert "\n \ufeffFROM python" in diff  # the BOM is part of the first line's bytes
    applied = tmp_path / "applied"
    assert (applied / "web/Dockerfile").read_bytes() == crlf.replace(b"8000", b"8001")
    assert (applied / "api/svc/Dockerfile").read_bytes().startswith(BOM + b"FROM ")
    assert b"8002" in (applied / "api/svc/Dockerfile").read_bytes()


COMPOSE_API = 'services:\n  api:\n    build: svc\n    ports: ["9002:8002"]\n'


def test_utf16_file_is_a_git_binary_patch_that_reproduces_apply(tmp_path: Path) -> None:
    # git sees UTF-16 text as binary (NUL bytes): a text hunk of it would apply nowhere.
    repo = service_tree(tmp_path / "before")
    requirements = codecs.BOM_UTF16_LE + "fastapi>=0.110\r\nhttpx\r\n".encode("utf-16-le")
    (repo / "web/requirements.txt").write_bytes(requirements)
    diff = assert_diff_reproduces_apply(repo, tmp_path, "--select", "S003", "--unsafe-fixes")
    assert "\nGIT binary patch\nliteral 66\n" in diff
    assert [(f.path, f.is_binary_file) for f in PatchSet(diff)] == [
        ("web/requirements.txt", True)]
    applied = (tmp_path / "applied/web/requirements.txt").read_bytes()
    assert applied == requirements + "uvicorn\r\n".encode("utf-16-le")
    git(tmp_path / "by-git", "apply", "-R", ".git/fixer.diff")  # the reverse literal holds too
    assert (tmp_path / "by-git/web/requirements.txt").read_bytes() == requirements


LATIN1_APP = ("# -*- coding: latin-1 -*-\n"
              '"""Menu of the caf\xe9."""\nfrom fastapi import FastAPI\n\nfrom .db import x\n\n'
              'app = FastAPI(title="Men\xfc")\n').encode("latin-1")


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch (Debian: patch)")
def test_latin1_file_is_a_text_diff_in_its_own_bytes(tmp_path: Path) -> None:
    # git diffs a file with no NUL byte as text, whatever its encoding: a Latin-1 hunk
    # written in the file's own bytes applies with git and with patch.
    repo = write_tree(tmp_path / "before", {
        "compose.yaml": "services:\n  web:\n    build: ./web\n",
        "web/Dockerfile": 'FROM python:3.12-slim\nCOPY . .\nCMD ["uvicorn", "main:app"]\n',
        "web/db.py": "x = 1\n", "web/main.py": LATIN1_APP})
    diff = assert_diff_reproduces_apply(repo, tmp_path, "--select", "I001")
    assert "GIT binary patch" not in diff
    assert '\n """Menu of the caf\udce9."""\n' in diff and "\n-from .db import x\n" in diff
    assert (tmp_path / "applied/web/main.py").read_bytes() == \
        LATIN1_APP.replace(b"from .db", b"from db")
    patch_p1(repo, diff)
    assert tree_snapshot(repo) == tree_snapshot(tmp_path / "applied")


def test_write_prints_the_files_own_bytes() -> None:
    """On a real stream the Latin-1 byte goes out as it is, whatever the stream's encoding."""
    out = io.BytesIO()
    stream = io.TextIOWrapper(out, encoding="ascii")
    stream.write("diff --git ")
    write(stream, "a/m.py\n \"caf\udce9\" \u2192 ok\n")
    assert out.getvalue() == b'diff --git a/m.py\n "caf\xe9" \xe2\x86\x92 ok\n'


# -- new files: a rule object that creates files ----------------------------------------------

def creating_rule(files: dict[str, str]) -> Rule:
    """A real rule object whose fix creates `files` when they are missing."""

    def detect(ws: Workspace) -> Iterator[Violation]:
        for path in sorted(files):
            if not ws.tree.exists(path):
                create = [CreateFile(path, files[path])]
                yield Violation(f"{path} is missing", path, 1, subject=path,
                                fix=Fix(f"Create {path}", Safety.SAFE, partial(list, create)))

    return Rule("X901", "missing-file", Category.STRUCTURE, (Safety.SAFE,), "Missing.", detect)


def fixed_tree(root: Path, rules: list[Rule]) -> Tree:
    result = engine.fix(Tree(FolderSource(root)), rules, Config())
    assert not (result.failed or result.errors or result.problems)
    return result.tree


def test_new_files_have_a_new_file_header_even_when_empty(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"README": "hello\n"})
    tree = fixed_tree(repo, [creating_rule({"pkg/__init__.py": "", "pkg/NOTES": "a\nb"})])
    diff = render(tree.changes(), tree.mode)
    assert diff == ("diff --git a/pkg/NOTES b/pkg/NOTES\nnew file mode 100644\n"
                    "--- /dev/null\n+++ b/pkg/NOTES\n@@ -0,0 +1,2 @@\n+a\n+b\n"
                    "\\ No newline at end of file\n"
                    "diff --git a/pkg/__init__.py b/pkg/__init__.py\nnew file mode 100644\n")
    assert [(f.path, f.is_added_file) for f in PatchSet(diff)] == [
        ("pkg/NOTES", True), ("pkg/__init__.py", True)]
    git_apply(repo, diff)
    assert (repo / "pkg/__init__.py").read_bytes() == b""
    assert (repo / "pkg/NOTES").read_bytes() == b"a\nb"


def test_apply_writes_new_files_as_git_apply_does(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"README": "hello\n"})
    tree = fixed_tree(repo, [creating_rule({"pkg/__init__.py": "", "pkg/sub/NOTES": "a\r\n"})])
    by_git = copy_tree(repo, tmp_path / "by-git")
    git_apply(by_git, render(tree.changes(), tree.mode))
    write_changes(repo, tree.changes())
    assert tree_snapshot(repo) == tree_snapshot(by_git)
    assert stat.S_IMODE((repo / "pkg/sub/NOTES").stat().st_mode) == 0o644


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch (Debian: patch)")
def test_gnu_patch_creates_new_files(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"README": "hello\n"})
    tree = fixed_tree(repo, [creating_rule({"pkg/__init__.py": "", "pkg/NOTES": "a\nb\n"})])
    patch_p1(repo, render(tree.changes(), tree.mode))
    assert (repo / "pkg/__init__.py").read_bytes() == b""
    assert (repo / "pkg/NOTES").read_bytes() == b"a\nb\n"


# -- lines are split as git splits them -------------------------------------------------------

def replacing_rule(old: str, new: str) -> Rule:
    def detect(ws: Workspace) -> Iterator[Violation]:
        for path in sorted(ws.tree.paths()):
            if old in ws.tree.read(path).text:
                text = ws.tree.read(path).text
                start = text.index(old)
                edit = TextEdit(path, start, start + len(old), new)
                yield Violation(f"{old} in {path}", path, 1, subject=path,
                                fix=Fix(f"Replace {old}", Safety.SAFE, partial(list, [edit])))

    return Rule("X902", "old-word", Category.STRUCTURE, (Safety.SAFE,), "Old.", detect)


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x1c", "\x85", "\r"])
def test_only_newline_ends_a_line(tmp_path: Path, separator: str) -> None:
    """str.splitlines() would cut lines at these characters; git does not."""
    original = f"one{separator}two\nthree OLD\nfour{separator}\n".encode()
    repo = write_tree(tmp_path / "repo", {"notes.txt": original})
    tree = fixed_tree(repo, [replacing_rule("OLD", "NEW")])
    diff = render(tree.changes(), tree.mode)
    assert f"@@ -1,3 +1,3 @@\n one{separator}two\n-three OLD\n+three NEW\n" in diff
    assert len(PatchSet(diff)[0][0]) == 4
    git_apply(repo, diff)
    assert (repo / "notes.txt").read_bytes() == original.replace(b"OLD", b"NEW")
