"""`fixer check --diff-filter DIFF`: only findings on what a real `git diff` touches: their
own line, or a line they depend on (a P001 on compose `ports` when the CMD port changes)."""

from __future__ import annotations

import difflib
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


def test_an_added_service_keeps_only_its_own_findings(featured: Path) -> None:
    """The diff only adds lines and files for a new service: what is kept is on them (the
    other services' findings depend on none of them)."""
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
    assert scope.lines["worker/Dockerfile"] == frozenset({3})
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


# -- findings kept by what they depend on ---------------------------------------------------

ONE_COMPOSE = ('services:\n  api:\n    build: ./api\n    ports:\n      - "8000:8000"\n'
               '    healthcheck:\n'
               '      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n')
ONE_DOCKERFILE = ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                  "RUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\n"
                  'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
# One healthy service, as the seed fleet writes one: no finding until a diff makes one.
ONE_SERVICE = {**service_files("api", 8000), "compose.yaml": ONE_COMPOSE,
               "api/Dockerfile": ONE_DOCKERFILE}


def changed(tmp_path: Path, edits: dict[str, tuple[str, str]],
            base: dict[str, str] | None = None) -> tuple[Path, str]:
    """`base` (default ONE_SERVICE) committed, then each file's `old` text replaced by `new`
    in the work tree; the repository and `git diff` of the change."""
    repo = write_tree(tmp_path / "repo", ONE_SERVICE if base is None else base)
    init_repo(repo)
    for name, (old, new) in edits.items():
        text = (repo / name).read_text()
        assert old in text, (name, old)
        (repo / name).write_text(text.replace(old, new, 1))
    return repo, git(repo, "diff")


def piped(repo: Path, diff: str, monkeypatch: pytest.MonkeyPatch,
          *argv: str) -> tuple[int, list[tuple[str, str, int]]]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(diff.encode())))
    return json_findings(repo, *argv, "--diff-filter", "-")


def test_a_cmd_port_change_keeps_the_findings_it_causes_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, diff = changed(tmp_path, {"api/Dockerfile": ('"--port", "8000"', '"--port", "9000"')})
    assert added_lines(repo, "HEAD") == {"api/Dockerfile": {7}}
    code, kept = piped(repo, diff, monkeypatch)
    # P001 on compose `ports`, P002 on EXPOSE: neither line is in the diff
    assert (code, kept) == (1, [("P002", "api/Dockerfile", 6), ("P001", "compose.yaml", 5)])
    assert json_findings(repo)[1] == kept


def test_json_output_shows_the_finding_kept_by_its_cause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, diff = changed(tmp_path, {"api/Dockerfile": ('"--port", "8000"', '"--port", "9000"')})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(diff.encode())))
    code, out, err = run_cli("check", repo, "--select", "P001", "--format", "json",
                             "--diff-filter", "-")
    assert code == 1, err
    [finding] = json.loads(out)["findings"]
    assert (finding["path"], finding["line"], finding["service"]) == ("compose.yaml", 5, "api")
    assert "9000" in finding["message"] and finding["fix"] is not None


def test_a_diff_of_unrelated_lines_keeps_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {**ONE_SERVICE, "api/Dockerfile": ONE_DOCKERFILE.replace('"8000"]', '"9000"]')}
    repo, diff = changed(tmp_path, {"compose.yaml": ("services:\n", "# the API\nservices:\n"),
                                    "api/requirements.txt": ("uvicorn\n", "uvicorn\nhttpx\n"),
                                    "api/Dockerfile": ("WORKDIR /app\n", "WORKDIR /srv\n")},
                         base=broken)
    assert [f[0] for f in json_findings(repo)[1]] == ["P002", "P001"]
    assert piped(repo, diff, monkeypatch) == (0, [])


def test_deleting_a_matching_port_keeps_the_mismatch_left_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With "8000:8000" listed, "9000:9000" is another listener; once the diff deletes it,
    9000 is a mismatch. Only a deletion touches it: the line it was at counts."""
    two = ONE_COMPOSE.replace('      - "8000:8000"\n', '      - "8000:8000"\n      - "9000:9000"\n')
    base = {**ONE_SERVICE, "compose.yaml": two}
    repo, diff = changed(tmp_path, {"compose.yaml": ('      - "8000:8000"\n', "")}, base=base)
    assert added_lines(repo, "HEAD") == {"compose.yaml": set()}  # a deletion only
    assert piped(repo, diff, monkeypatch, "--select", "P001") == (1, [("P001", "compose.yaml", 5)])


def test_a_healthcheck_added_in_compose_keeps_the_tool_missing_on_the_from_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slim = ONE_DOCKERFILE.replace("python:3.12\n", "python:3.12-slim\n")
    bare = ONE_COMPOSE.split("    healthcheck:")[0]
    base = {**ONE_SERVICE, "compose.yaml": bare, "api/Dockerfile": slim}
    repo, diff = changed(tmp_path, {"compose.yaml": (bare, ONE_COMPOSE)}, base=base)
    kept = piped(repo, diff, monkeypatch, "--select", "D003")
    assert kept == (1, [("D003", "api/Dockerfile", 1)])  # on FROM; the diff is compose only


def test_a_route_renamed_in_the_app_keeps_the_unserved_probe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, diff = changed(tmp_path, {"api/app/main.py": ('"/health"', '"/status"')})
    code, kept = piped(repo, diff, monkeypatch, "--select", "H002")
    assert (code, kept) == (1, [("H002", "compose.yaml", 7)])


def test_a_healthcheck_given_to_a_dependency_keeps_the_plain_depends_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = ONE_COMPOSE + '    depends_on:\n      - cache\n  cache:\n    image: redis:7\n'
    base = {**ONE_SERVICE, "compose.yaml": compose}
    probe = '    image: redis:7\n    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n'
    repo, diff = changed(tmp_path, {"compose.yaml": ("    image: redis:7\n", probe)}, base=base)
    assert piped(repo, diff, monkeypatch, "--select", "C003") == (1, [("C003", "compose.yaml", 9)])


def unified(old: str, new: str, context: int = 0) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        "a/f", "b/f", n=context))


# A deletion counts for the lines on both sides of where it was (the diff cannot say which
# of them the deleted line belonged to); a replacement only for the lines that replace it.
@pytest.mark.parametrize("old, new, touched", [
    ("a\nb\nc\nd\n", "a\nc\nd\n", {1, 2}),          # b deleted: between a (1) and c (2)
    ("a\nb\nc\nd\n", "a\nB\nc\nd\n", {2}),          # b replaced: only B
    ("a\nb\nc\n", "a\nb\n", {2, 3}),                # c deleted at the end
    ("a\nb\nc\nd\n", "a\nX\nd\n", {2}),             # two lines replaced by one
    ("a\nb\n", "a\nb\nc\n", {3}),                   # an addition
], ids=["deleted", "replaced", "deleted-last", "shrunk", "added"])
@pytest.mark.parametrize("context", [0, 3])
def test_touched_lines_of_a_difflib_diff(old: str, new: str, touched: set[int],
                                         context: int) -> None:
    assert parse_scope(unified(old, new, context)).lines["f"] == frozenset(touched)


def test_a_deletion_at_the_top_has_no_line_above() -> None:
    # with no context line, unidiff reads `@@ -1 +0,0 @@` as a deleted file
    assert parse_scope(unified("a\nb\nc\n", "b\nc\n", 1)).lines["f"] == frozenset({1})


def test_a_location_spans_lines_and_files() -> None:
    scope = parse_scope(unified("a\nb\nc\nd\ne\n", "a\nb\nc\nD\ne\n"))
    assert scope.covers("f", 2, 4) and not scope.covers("f", 1, 3) and not scope.covers("f", 5)
    assert scope.covers("f", None) and not scope.covers("g", None)


def test_a_port_flag_added_to_a_compose_command_keeps_the_mismatch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compose `command:` (a block list over several lines) is where the listen port
    comes from: a line added inside it counts, though neither the port's digits (the line
    below) nor the claim (`ports`) is touched."""
    command = ('    command:\n      - uvicorn\n      - app.main:app\n      - "9000"\n')
    base = {**ONE_SERVICE, "compose.yaml": ONE_COMPOSE.replace("    ports:\n", command
                                                               + "    ports:\n")}
    repo, diff = changed(tmp_path, {"compose.yaml": ('      - "9000"\n',
                                                     '      - --port\n      - "9000"\n')},
                         base=base)
    assert added_lines(repo, "HEAD") == {"compose.yaml": {7}}
    assert piped(repo, diff, monkeypatch, "--select", "P001") == (1, [("P001", "compose.yaml",
                                                                       10)])


# -- what a deletion breaks far from where it was -------------------------------------------

DB_COMPOSE = ('services:\n  api:\n    build: ./api\n    ports:\n      - "8000:8000"\n'
              '    environment:\n'
              '      DATABASE_URL: postgresql://app:secret@db:5432/app\n'
              '    depends_on:\n      - cache\n'
              '    healthcheck:\n'
              '      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n'
              '  db:\n    image: postgres:16\n'
              '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U app"]\n'
              '  cache:\n    image: redis:7\n'
              '    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n')
DB_SERVICE = {**ONE_SERVICE, "compose.yaml": DB_COMPOSE}
DB_BLOCK = ('  db:\n    image: postgres:16\n'
            '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U app"]\n')
CACHE_BLOCK = ('  cache:\n    image: redis:7\n'
               '    healthcheck:\n      test: ["CMD", "redis-cli", "ping"]\n')


@pytest.mark.parametrize("block, code, line", [
    (DB_BLOCK, "C001", 7),       # the DATABASE_URL's host is gone
    (CACHE_BLOCK, "C002", 9),    # the `depends_on` entry is gone
], ids=["database", "dependency"])
def test_a_service_deleted_from_compose_keeps_what_named_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: str, code: str,
        line: int) -> None:
    repo, diff = changed(tmp_path, {"compose.yaml": (block, "")}, base=DB_SERVICE)
    assert added_lines(repo, "HEAD") == {"compose.yaml": set()}   # a deletion only
    assert json_findings(repo, "--select", code)[1] == [(code, "compose.yaml", line)]
    assert piped(repo, diff, monkeypatch, "--select", code) == (1, [(code, "compose.yaml", line)])


def test_a_deleted_comment_keeps_no_finding_of_other_rules(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the rules that name a service or a build look through the whole stack."""
    broken = {**ONE_SERVICE, "compose.yaml": "# the API\n" + ONE_COMPOSE,
              "api/Dockerfile": ONE_DOCKERFILE.replace('"8000"]', '"9000"]')}
    repo, diff = changed(tmp_path, {"compose.yaml": ("# the API\n", "")}, base=broken)
    assert [f[0] for f in json_findings(repo)[1]] == ["P002", "P001"]
    assert piped(repo, diff, monkeypatch) == (0, [])


@pytest.mark.parametrize("renames", [True, False], ids=["rename", "delete-and-add"])
def test_a_renamed_dockerfile_keeps_the_build_that_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renames: bool) -> None:
    repo = write_tree(tmp_path / "repo", ONE_SERVICE)
    init_repo(repo)
    git(repo, "mv", "api/Dockerfile", "api/Dockerfile.prod")
    diff = git(repo, "diff", "--cached", "-M" if renames else "--no-renames")
    assert ("rename from" in diff) == renames
    assert piped(repo, diff, monkeypatch, "--select", "S001") == (1, [("S001", "compose.yaml", 3)])


def test_a_deleted_env_file_keeps_the_findings_of_its_stack(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `.env` beside a compose file holds what its values read: deleted, the stack that
    read it keeps its findings; a stack in another folder does not."""
    unknown = DB_COMPOSE.replace("@db:", "@postgres:")
    other = {f"other/{path}": text for path, text in DB_SERVICE.items()}
    base = {**DB_SERVICE, **other, "compose.yaml": unknown, "other/compose.yaml": unknown,
            ".env": "TAG=1\n"}
    repo = write_tree(tmp_path / "repo", base)
    init_repo(repo)
    git(repo, "rm", "-q", ".env")
    diff = git(repo, "diff", "--cached")
    assert json_findings(repo, "--select", "C001")[1] == [
        ("C001", "compose.yaml", 7), ("C001", "other/compose.yaml", 7)]
    assert piped(repo, diff, monkeypatch, "--select", "C001") == (1, [("C001", "compose.yaml", 7)])
