"""`fixer check --diff-filter DIFF`: only findings on what a real `git diff` adds."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from fixer.formats.difffilter import DiffFilterError, parse_scope
from support import FILES, copy_tree, dockerfile, git, init_repo, run_cli, service_files, write_tree

# A new service appended to compose: its ports line (an added line) does not match its
# Dockerfile (P001), and it has a copy of its Dockerfile in app/ (D001 on an added file).
EXTRA_SERVICE = '  extra:\n    build: ./extra\n    ports:\n      - "8004:8004"\n'


def add_extra_service(root: Path) -> None:
    with (root / "compose.yaml").open("a") as compose:
        compose.write(EXTRA_SERVICE)
    write_tree(root, {**service_files("extra", 8000), "extra/app/Dockerfile": dockerfile(8000)})


def json_findings(*argv: str | Path) -> tuple[int, list[tuple[str, str, int]]]:
    code, out, err = run_cli("check", *argv, "--format", "json")
    assert code in (0, 1), err
    return code, [(f["code"], f["path"], f["line"]) for f in json.loads(out)["findings"]]


def added_lines(repo: Path, spec: str) -> dict[str, set[int]]:
    """New-side numbers of added lines, read from the hunk headers of `git diff -U0`."""
    out = git(repo, "diff", "-U0", spec)
    found: dict[str, set[int]] = {}
    path = ""
    for line in out.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else ""
        hunk = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if hunk and path:
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            found.setdefault(path, set()).update(range(start, start + count))
    return found


@pytest.fixture(scope="module")
def featured(committed_files: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed files on main, and a branch `feature` that adds a service, checked out;
    its diff from main in change.diff. Made once: tests that change it take `repo`."""
    repo = copy_tree(committed_files, tmp_path_factory.mktemp("featured") / "repo")
    git(repo, "branch", "-M", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    add_extra_service(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "extra service")
    (repo / "change.diff").write_text(git(repo, "diff", "main...HEAD"))
    return repo


@pytest.fixture
def repo(featured: Path, tmp_path: Path) -> Path:
    return copy_tree(featured, tmp_path / "repo")


def test_only_findings_on_added_lines_and_added_files(featured: Path) -> None:
    repo = featured
    _, everything = json_findings(repo, "--select", "P001,D001")
    assert ("P001", "compose.yaml", 5) in everything      # web: an old defect
    assert ("D001", "api/app/Dockerfile", 1) in everything
    code, kept = json_findings(repo, "--select", "P001,D001", "--diff-filter",
                               repo / "change.diff")
    assert code == 1
    assert kept == [("P001", "compose.yaml", 17), ("D001", "extra/app/Dockerfile", 1)]
    worker = [f for f in everything if f[0] == "P001" and f[2] == 13]
    assert worker, "worker's defect sits on a context line of the diff: it must be left out"


def test_every_kept_finding_is_on_an_added_line(featured: Path) -> None:
    repo = featured
    _, everything = json_findings(repo, "--select", "ALL")
    _, kept = json_findings(repo, "--select", "ALL", "--diff-filter", repo / "change.diff")
    added = added_lines(repo, "main...HEAD")
    new_files = set(git(repo, "diff", "--name-only", "--diff-filter=A", "main...HEAD").split())
    expected = [f for f in everything if f[1] in new_files or f[2] in added.get(f[1], set())]
    assert kept == expected and 0 < len(kept) < len(everything)


def test_diff_from_stdin(featured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diff = (featured / "change.diff").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(diff)))
    code, out, err = run_cli("check", featured, "--select", "P001,D001", "--diff-filter", "-")
    assert code == 1, err
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()] == ["P001", "D001"]


def test_empty_diff_keeps_nothing(featured: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.diff").write_text("")
    assert json_findings(featured, "--diff-filter", tmp_path / "empty.diff") == (0, [])


def test_subfolder_matches_paths_from_the_repository_top(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    write_tree(root / "deploy", FILES)
    init_repo(root)
    add_extra_service(root / "deploy")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "extra")
    (tmp_path / "top.diff").write_text(git(root, "diff", "HEAD~1"))
    (tmp_path / "relative.diff").write_text(git(root / "deploy", "diff", "--relative", "HEAD~1"))
    for diff in ["top.diff", "relative.diff"]:
        _, kept = json_findings(root / "deploy", "--select", "P001,D001", "--diff-filter",
                                tmp_path / diff)
        assert kept == [("P001", "compose.yaml", 17), ("D001", "extra/app/Dockerfile", 1)]


def test_deleted_files_count_whole_and_crlf_lines_are_numbered(repo: Path) -> None:
    git(repo, "rm", "-q", "api/app/Dockerfile")
    worker = repo / "worker" / "Dockerfile"
    lines = worker.read_bytes().split(b"\r\n")
    worker.write_bytes(b"\r\n".join([*lines[:2], b"ENV A=1", *lines[2:]]))
    git(repo, "add", "-A")
    scope = parse_scope(git(repo, "diff", "--cached"))
    assert "api/app/Dockerfile" in scope.whole_files
    assert scope.covers("api/app/Dockerfile", 4)
    assert scope.added_lines["worker/Dockerfile"] == frozenset({3})
    assert not scope.covers("worker/Dockerfile", 4)


@pytest.mark.parametrize("content, message", [
    (None, "No such file"),
    ("this is not a diff\n", "no file header"),
    ("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n", "not a unified diff"),
], ids=["missing", "not-a-diff", "truncated-hunk"])
def test_unreadable_diff_exits_2(featured: Path, tmp_path: Path, content: str | None,
                                message: str) -> None:
    target = tmp_path / "bad.diff"
    if content is not None:
        target.write_text(content)
    code, _, err = run_cli("check", featured, "--diff-filter", target)
    assert code == 2 and message in err, err


def test_parse_scope_rejects_text_without_files() -> None:
    with pytest.raises(DiffFilterError):
        parse_scope("just words\n")
