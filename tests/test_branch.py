"""`fixer fix --branch NAME`: one commit per fix, written without touching the working
tree, the index or HEAD; real git repositories in temporary folders."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

from fixer import engine
from fixer.core.config import Config
from fixer.app.registry import choose, discover
from fixer.core.tree import FolderSource, Tree
from support import (
    APP, COMPOSE, FILES, SEED_FLEET, assert_compose_accepts, copy_tree, dockerfile, git, init_repo,
    make_repo, run_cli, service_files, write_tree,
)

# Every test here commits on a branch through git, a few dozen git calls each: slow.
pytestmark = pytest.mark.slow

SELECT = ("--select", "P001,D001")
AUTHOR = "Robo Fixer <robo@example.com>"


def git_bytes(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """git's raw output (CRLF and all), for the commands support.git would decode."""
    return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True,
                          check=True, timeout=60).stdout


def rev(repo: Path, ref: str) -> str:
    return git(repo, "rev-parse", "--verify", "-q", ref).strip()


def commits(repo: Path, base: str, tip: str) -> list[str]:
    """Commits base..tip, oldest first."""
    return git(repo, "rev-list", "--reverse", f"{base}..{tip}").split()


def touched(repo: Path, commit: str) -> list[str]:
    return sorted(git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", commit).split())


def engine_fixes(root: Path, codes: list[str]) -> list[tuple[str, list[str]]]:
    """(code, files) of each fix the engine applies, in its order."""
    result = engine.fix(Tree(FolderSource(root)), choose(discover(), codes, None), Config())
    return [(f.finding.code, sorted({e.path for e in f.edits})) for f in result.applied]


def repo_state(repo: Path) -> tuple[str, bytes, str, str, str]:
    """What fixer must leave alone: status, index bytes, HEAD's ref and sha, branches."""
    status = git(repo, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all")
    return (status, (repo / ".git" / "index").read_bytes(),
            git(repo, "symbolic-ref", "HEAD"), rev(repo, "HEAD"), git(repo, "branch", "--list"))


def fix_branch(repo: Path, *args: str, name: str = "fixer/autofix") -> tuple[int, str, str]:
    return run_cli("fix", repo, "--branch", name, *args)


@pytest.fixture
def repo(committed_files: Path, tmp_path: Path) -> Path:
    return copy_tree(committed_files, tmp_path / "repo")


@pytest.fixture(scope="module")
def branched(committed_files: Path, tmp_path_factory: pytest.TempPathFactory,
             ) -> tuple[Path, tuple[int, str, str]]:
    """A copy of the committed files after `fix --branch fixer/autofix --select P001,D001`,
    made once for the tests that only read it: (repository, (exit code, stdout, stderr))."""
    repo = copy_tree(committed_files, tmp_path_factory.mktemp("branched") / "repo")
    return repo, fix_branch(repo, *SELECT)


def test_one_commit_per_fix_each_holding_only_its_files(
        branched: tuple[Path, tuple[int, str, str]]) -> None:
    repo, (code, out, err) = branched
    expected = engine_fixes(repo, ["P001", "D001"])
    assert len(expected) == 3, expected
    assert (code, out) == (1, ""), err
    made = commits(repo, "HEAD", "fixer/autofix")
    assert len(made) == len(expected)
    assert git(repo, "rev-parse", f"{made[0]}^").strip() == rev(repo, "HEAD")
    for commit, (rule, files) in zip(made, expected):
        assert touched(repo, commit) == files
        subject = git(repo, "log", "-1", "--format=%s", commit).strip()
        assert re.fullmatch(rf"fix\({rule}\): \S.*", subject), subject
        trailers = git(repo, "log", "-1", "--format=%(trailers:only,unfold)", commit)
        assert f"Fixer-Rule: {rule}\n" in trailers
        assert re.search(r"^Fixer-Fingerprint: [0-9a-f]{16}$", trailers, re.M), trailers
    assert "Branch fixer/autofix: 3 commits." in err


def test_message_has_finding_files_rationale_and_parseable_trailers(
        branched: tuple[Path, tuple[int, str, str]]) -> None:
    repo = branched[0]
    first = next(c for c in commits(repo, "HEAD", "fixer/autofix")
                 if git(repo, "log", "-1", "--format=%s", c).startswith("fix(D001)"))
    message = git(repo, "log", "-1", "--format=%B", first)
    subject, blank, *body = message.splitlines()
    assert subject == "fix(D001): delete api/app/Dockerfile for api" and blank == ""
    assert "api/app/Dockerfile duplicates api/Dockerfile" in message
    assert "- api/app/Dockerfile" in body
    assert any(line.startswith("D001 duplicate-dockerfile: ") for line in body)
    parsed = git_bytes(repo, "interpret-trailers", "--parse", stdin=message.encode()).decode()
    assert parsed.splitlines()[0] == "Fixer-Rule: D001"
    assert re.fullmatch(r"Fixer-Fingerprint: [0-9a-f]{16}", parsed.splitlines()[1])
    worker = [c for c in commits(repo, "HEAD", "fixer/autofix") if "worker" in
              git(repo, "log", "-1", "--format=%s", c)]
    assert len(worker) == 1, "the service is named in the subject"


def test_commits_of_one_fix_in_two_compose_files_name_their_files(tmp_path: Path) -> None:
    # The same healthcheck for api in the root stack and in deploy/'s (its full image has
    # curl): one subject each
    stack = 'services:\n  api:\n    build: {}\n    ports:\n      - "8000:8000"\n'
    repo = make_repo(tmp_path / "repo", {
        **service_files("api", 8000), "compose.yaml": stack.format("./api"),
        "api/Dockerfile": dockerfile(8000).replace("python:3.12-slim", "python:3.12"),
        "deploy/compose.yaml": stack.format("../api")})
    assert fix_branch(repo, "--select", "C004")[0] == 1
    subjects = [git(repo, "log", "-1", "--format=%s", c).strip()
                for c in commits(repo, "HEAD", "fixer/autofix")]
    assert len(subjects) == 2 and subjects[0].startswith("fix(C004): add a healthcheck")
    assert sorted(s.rsplit(" ", 1)[1] for s in subjects) == [
        "(compose.yaml)", "(deploy/compose.yaml)"], subjects


def test_fingerprint_is_stable_across_bases(repo: Path) -> None:
    fix_branch(repo, *SELECT)
    before = git(repo, "log", "--format=%(trailers:key=Fixer-Fingerprint,valueonly)",
                 "HEAD..fixer/autofix")
    (repo / "README.md").write_text("a line that moves nothing fixer looks at\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "docs")
    fix_branch(repo, *SELECT)
    after = git(repo, "log", "--format=%(trailers:key=Fixer-Fingerprint,valueonly)",
                "HEAD..fixer/autofix")
    assert before == after and len(set(before.split())) == 3


def test_final_tree_holds_the_bytes_fix_apply_writes(committed_files: Path, tmp_path: Path,
                                                     branched: tuple[Path, tuple[int, str, str]],
                                                     ) -> None:
    applied = copy_tree(committed_files, tmp_path / "applied")
    assert run_cli("fix", "--apply", applied, *SELECT)[0] == 1
    repo = branched[0]
    for path in ["web/Dockerfile", "worker/Dockerfile"]:
        blob = git_bytes(repo, "cat-file", "blob", f"fixer/autofix:{path}")
        assert blob == (applied / path).read_bytes()
    assert b"\r\n" in git_bytes(repo, "cat-file", "blob", "fixer/autofix:worker/Dockerfile")
    listing = git(repo, "ls-tree", "-r", "fixer/autofix")
    assert re.search(r"^100755 blob \w+\tworker/Dockerfile$", listing, re.M)
    assert "api/app/Dockerfile" not in listing and "api/Dockerfile" in listing


def test_working_tree_index_and_head_stay_and_fixes_come_from_the_base(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    clean_code = fix_branch(repo, *SELECT, "--author", AUTHOR, name="from-clean")[0]
    assert clean_code == 1
    # Unstaged: the working tree already fixes web's port. Staged: a new duplicate
    # Dockerfile (a D001 defect). Untracked: a stray file.
    (repo / "web" / "Dockerfile").write_text(dockerfile(8001))
    (repo / "web" / "app" / "Dockerfile").write_text(dockerfile(8000))
    git(repo, "add", "web/app/Dockerfile")
    (repo / "notes.txt").write_text("scratch\n")
    before = repo_state(repo)
    assert " M web/Dockerfile" in before[0] and "A  web/app/Dockerfile" in before[0]
    code, _, err = fix_branch(repo, *SELECT, "--author", AUTHOR, name="from-dirty")
    assert code == 1, err
    after = repo_state(repo)
    assert after[:4] == before[:4]
    assert rev(repo, "from-dirty") == rev(repo, "from-clean")
    assert "web/app/Dockerfile" not in git(repo, "ls-tree", "-r", "--name-only", "from-dirty")


def test_subfolder_path_commits_paths_inside_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "mono", {"README.md": "top\n",
                                          **{f"deploy/{path}": text for path, text in FILES.items()}})
    init_repo(root)
    code, _, err = run_cli("fix", root / "deploy", "--branch", "fix", *SELECT)
    assert code == 1, err
    made = commits(root, "HEAD", "fix")
    files = [touched(root, c) for c in made]
    assert ["deploy/api/app/Dockerfile"] in files
    assert all(f[0].startswith("deploy/") for f in files)
    # the message names its files as the commit's diff does: from the repository's root
    for commit, paths in zip(made, files):
        body = git(root, "log", "-1", "--format=%b", commit)
        listed = body.split("Files:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert listed == [f"- {path}" for path in paths], body
    # the trailer's fingerprint is the one a report of the same folder shows
    trailers = git(root, "log", "--format=%(trailers:key=Fixer-Fingerprint,valueonly)",
                   "HEAD..fix").split()
    code, out, _ = run_cli("check", root / "deploy", "--format", "json", *SELECT)
    reported = {f["fingerprint"] for f in json.loads(out)["findings"]}
    assert trailers and set(trailers) <= reported, (trailers, reported)


@pytest.mark.parametrize("how", ["option", "config", "default"])
def test_author_and_committer(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              how: str) -> None:
    # No global or user config: only what the test sets counts.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    expected = {"option": AUTHOR, "config": "Cfg Person <cfg@example.com>",
                "default": "fixer <fixer@users.noreply.localhost>"}[how]
    if how == "config":
        git(repo, "config", "user.name", "Cfg Person")
        git(repo, "config", "user.email", "cfg@example.com")
    args = ("--author", AUTHOR) if how == "option" else ()
    assert fix_branch(repo, *SELECT, *args)[0] == 1
    people = git(repo, "log", "--format=%an <%ae>|%cn <%ce>", "HEAD..fixer/autofix").split("\n")
    assert set(filter(None, people)) == {f"{expected}|{expected}"}


def test_source_date_epoch_makes_commits_reproducible(repo: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fix_branch(repo, *SELECT, "--author", AUTHOR, name="one")
    fix_branch(repo, *SELECT, "--author", AUTHOR, name="two")
    assert rev(repo, "one") == rev(repo, "two")
    assert git(repo, "log", "-1", "--format=%at %ct", "one").split() == ["1700000000"] * 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    fix_branch(repo, *SELECT, "--author", AUTHOR, name="three")
    assert rev(repo, "three") != rev(repo, "one")


def test_fixer_branch_is_recreated_on_a_new_base(repo: Path) -> None:
    assert fix_branch(repo, *SELECT)[0] == 1
    old_tip = rev(repo, "fixer/autofix")
    (repo / "worker" / "Dockerfile").write_bytes(dockerfile(8003, "\r\n").encode())
    git(repo, "commit", "-q", "-am", "worker listens on 8003")
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 1, err
    assert rev(repo, "fixer/autofix") != old_tip
    assert len(commits(repo, "HEAD", "fixer/autofix")) == 2
    assert git(repo, "merge-base", "HEAD", "fixer/autofix").strip() == rev(repo, "HEAD")


def test_branch_with_a_human_commit_is_left_alone_with_a_warning(repo: Path) -> None:
    """A person's commit on the branch is a status, not a red job: exit 0, a warning, and
    the branch exactly as the person left it."""
    fix_branch(repo, *SELECT)
    git(repo, "worktree", "add", "-q", "../human", "fixer/autofix")
    human = repo.parent / "human"
    (human / "web" / "NOTES.md").write_text("mine\n")
    git(human, "add", "-A")
    git(human, "commit", "-q", "-m", "a human change")
    git(repo, "worktree", "remove", "../human")
    tip = rev(repo, "fixer/autofix")
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 0, err
    assert "branch fixer/autofix was edited by a person; fixer leaves it alone" in err
    assert "'a human change' is not fixer's" in err
    assert rev(repo, "fixer/autofix") == tip


def test_checked_out_branch_is_refused(repo: Path) -> None:
    branch = git(repo, "symbolic-ref", "--short", "HEAD").strip()
    head = rev(repo, "HEAD")
    code, _, err = fix_branch(repo, *SELECT, name=branch)
    assert code == 2 and "checked out" in err
    assert rev(repo, "HEAD") == head


def test_nothing_to_fix_makes_no_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "clean", {"compose.yaml": COMPOSE.split("  api:")[0],
                                          **service_files("web", 8001)})
    code, out, err = fix_branch(repo, *SELECT)
    assert (code, out) == (0, ""), err
    assert "was not created" in err
    assert git(repo, "branch", "--list", "fixer/autofix") == ""


def test_base_option_starts_the_branch_elsewhere(repo: Path) -> None:
    first = rev(repo, "HEAD")
    git(repo, "rm", "-q", "api/app/Dockerfile")
    git(repo, "commit", "-q", "-m", "drop the copy")
    assert fix_branch(repo, *SELECT)[0] == 1
    assert len(commits(repo, "HEAD", "fixer/autofix")) == 2
    assert fix_branch(repo, *SELECT, "--base", first, name="old")[0] == 1
    assert git(repo, "rev-parse", f"{commits(repo, first, 'old')[0]}^").strip() == first
    assert len(commits(repo, first, "old")) == 3


def test_the_configuration_is_the_base_commits_not_the_working_trees(repo: Path) -> None:
    """Fixes come from the committed tree of --base, and so does fixer.toml: an uncommitted
    one does not count, and a committed one counts even when the working tree lacks it."""
    def codes(name: str) -> list[str]:
        return [git(repo, "log", "-1", "--format=%s", c).split("(")[1].split(")")[0]
                for c in commits(repo, "HEAD", name)]

    # the file's selection, not --select, which would drop it (as in ruff)
    (repo / "fixer.toml").write_text('select = ["P001"]\n')
    assert fix_branch(repo, name="uncommitted")[0] == 1
    assert "D001" in codes("uncommitted")
    git(repo, "add", "fixer.toml")
    git(repo, "commit", "-q", "-m", "fixer selects P001")
    (repo / "fixer.toml").unlink()
    assert fix_branch(repo, name="committed")[0] == 1
    assert codes("committed") and "D001" not in codes("committed")


@pytest.mark.parametrize("args, message", [
    (("--base", "no-such-ref"), "no such commit"),
    (("--author", "nobody"), "Name <email>"),
    (("--apply",), "do not go together"),
], ids=["bad-base", "bad-author", "apply-and-branch"])
def test_bad_requests_exit_2(repo: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = fix_branch(repo, *args)
    assert code == 2 and message in err, err
    assert git(repo, "branch", "--list", "fixer/autofix") == ""


def test_an_unborn_head_is_said_as_such(tmp_path: Path) -> None:
    """`git init` and no commit yet: HEAD names no commit, and the line says why."""
    folder = write_tree(tmp_path / "new", FILES)
    git(folder, "init", "-q", "--template=")
    code, _, err = fix_branch(folder, *SELECT)
    assert (code, err) == (2, "fixer: --base HEAD: the repository has no commit yet; fixer's "
                              "branch starts from one, so commit the files first\n")


def test_an_orphan_branch_checked_out_names_a_base(repo: Path) -> None:
    """`git checkout --orphan`: the repository has commits, the branch checked out has none;
    the line says so and names a branch to start from."""
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "--orphan", "drafts")
    code, _, err = fix_branch(repo, *SELECT)
    assert (code, err) == (2, "fixer: --base HEAD: the branch checked out has no commit yet; "
                              f"name the commit to start from (--base {main})\n")


def test_a_build_path_outside_the_folder_given_names_it_path(repo: Path) -> None:
    """A stack in a folder of the repository whose build context is in another: outside the
    folder fixer was given, not outside the repository; no fix count follows the error."""
    write_tree(repo, {"deploy/local/compose.yaml": "services:\n  web:\n    build: ../../web\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "local deploy")
    code, _, err = fix_branch(repo / "deploy" / "local", *SELECT)
    assert code == 2
    assert err.splitlines() == [f"{repo}/deploy/local/compose.yaml:3: build path ../../web is "
                                "outside PATH, the folder fixer was given; run fixer on a "
                                "folder that holds it"]


def test_outside_a_repository_exits_2(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "plain", FILES)
    code, _, err = fix_branch(folder, *SELECT)
    assert code == 2 and "not inside a git repository" in err


def test_invalid_branch_name_exits_2(repo: Path) -> None:
    code, _, err = fix_branch(repo, *SELECT, name="bad..name")
    assert code == 2 and "not a valid branch name" in err


@pytest.mark.slow  # the whole seed fleet, a commit per fix, and the Compose binary per commit
def test_seed_fleet_branch_has_one_commit_per_fix_and_each_commit_is_valid(
        tmp_path: Path) -> None:
    repo = copy_tree(SEED_FLEET, tmp_path / "fleet")
    init_repo(repo)
    code, _, err = run_cli("fix", repo)
    count = int(re.search(r"Would apply (\d+) fix", err).group(1))  # type: ignore[union-attr]
    assert code == 1 and count > 10, err
    code, _, err = run_cli("fix", repo, "--branch", "fixer/autofix")
    assert code == 1, err
    made = commits(repo, "HEAD", "fixer/autofix")
    assert len(made) == count
    worktree = tmp_path / "checkout"
    git(repo, "worktree", "add", "-q", str(worktree), "fixer/autofix")
    code, out, err = run_cli("check", worktree)
    assert (code, out) == (0, ""), out + err
    for commit in made:
        folder = tmp_path / f"at-{commit[:12]}"
        with tarfile.open(fileobj=io.BytesIO(git_bytes(repo, "archive", commit))) as archive:
            archive.extractall(folder, filter="data")
        assert_compose_accepts(folder)


def test_a_chain_of_updated_trees_is_what_git_writes_for_each(tmp_path: Path) -> None:
    """Each tree of a chain is laid out from the one before (entries changed, added, removed,
    a file turned into a folder): every tree read back from git is the one written."""
    import git as gitpython

    from fixer.git.gitobjects import EXEC_MODE, FILE_MODE, ObjectWriter
    repo = gitpython.Repo.init(tmp_path)
    writer = ObjectWriter(repo)
    files = {f"s{i}/app.py": (f"{i}\n".encode(), FILE_MODE) for i in range(30)}
    files["a"] = (b"file\n", FILE_MODE)
    tree = writer.updated_tree(None, files)
    steps: list[dict[str, tuple[bytes, int] | None]] = [
        {"s7/app.py": (b"changed\n", FILE_MODE)},
        {"s7/app.py": (b"changed\n", EXEC_MODE)},
        {"s8/app.py": None, "s8b/app.py": (b"new\n", FILE_MODE)},
        {"a": None, "a/inner": (b"now a folder\n", FILE_MODE)},
        {"s1/app.py": (b"again\n", FILE_MODE), "s2/app.py": (b"and\n", FILE_MODE)},
    ]
    for change in steps:
        tree = writer.updated_tree(tree, change)
        assert tree is not None
        for path, now in change.items():
            listed = subprocess.run(["git", "ls-tree", "-r", tree.hex(), "--", path],
                                    cwd=tmp_path, capture_output=True, check=True).stdout.decode()
            if now is None:   # gone as a file (`a` is a folder by then)
                assert all(line.split("\t")[1] != path for line in listed.splitlines())
            else:
                mode, _, sha = listed.split("\t")[0].split()
                assert (int(mode, 8), bytes.fromhex(sha)) == (now[1], writer.blob(now[0]))
    fsck = subprocess.run(["git", "fsck", "--strict", "--no-dangling"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_tree_objects_are_written_as_git_writes_them(tmp_path: Path) -> None:
    """fixer's own tree serializer gives the sha `git mktree` gives for the same entries
    (git's order: a folder sorts as if its name ended with `/`)."""
    import git as gitpython

    from fixer.git.gitobjects import EXEC_MODE, FILE_MODE, TREE_MODE, ObjectWriter, tree_bytes
    repo = gitpython.Repo.init(tmp_path)
    writer = ObjectWriter(repo)
    blob, exe = writer.blob(b"x\n"), writer.blob(b"#!/bin/sh\n")
    folder = writer.updated_tree(None, {"inner.txt": (b"y\n", FILE_MODE)})
    assert folder is not None
    entries = {"a.b": (blob, FILE_MODE), "a": (folder, TREE_MODE), "a-c": (exe, EXEC_MODE),
               "ünï code": (blob, FILE_MODE)}
    listing = "".join(f"{mode:06o} {'tree' if mode == TREE_MODE else 'blob'} {sha.hex()}\t{name}\n"
                      for name, (sha, mode) in entries.items())
    made = subprocess.run(["git", "mktree"], cwd=tmp_path, input=listing.encode(),
                          capture_output=True, check=True).stdout.decode().strip()
    assert writer.store(b"tree", tree_bytes(entries)).hex() == made
    with pytest.raises(ValueError, match="not a name git keeps"):
        tree_bytes({".GIT": (blob, FILE_MODE)})


def test_a_subject_ending_in_a_file_names_the_service_with_for(tmp_path: Path) -> None:
    """"document GRAFANA_PASSWORD in .env.example in grafana" reads as a file in a `grafana/`
    folder: after a file the service is named with "for"; elsewhere with "in"."""
    repo = make_repo(tmp_path / "repo", {
        "compose.yaml": ("services:\n  grafana:\n    image: grafana/grafana-oss\n"
                         "    environment:\n      - GF_SECURITY_ADMIN_PASSWORD="
                         "${GRAFANA_PASSWORD}\n"),
        "grafana/provisioning/datasources.yml": "apiVersion: 1\n"})
    assert fix_branch(repo, "--select", "C006")[0] == 1
    [commit] = commits(repo, "HEAD", "fixer/autofix")
    assert git(repo, "log", "-1", "--format=%s", commit).strip() == \
        "fix(C006): document GRAFANA_PASSWORD in .env.example for grafana"


def test_a_service_named_like_a_word_of_the_title_is_still_named(tmp_path: Path) -> None:
    """"add a healthcheck on …" holds the word "a": a service named `a` is named all the
    same."""
    repo = make_repo(tmp_path / "repo", {
        "compose.yaml": "services:\n  a:\n    build: ./a\n",
        "a/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install fastapi "
                        "uvicorn\nEXPOSE 8000\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", "
                        "\"0.0.0.0\", \"--port\", \"8000\"]\n",
        "a/app/__init__.py": "", "a/app/main.py": APP})
    assert fix_branch(repo, "--select", "C004")[0] == 1
    [commit] = commits(repo, "HEAD", "fixer/autofix")
    assert git(repo, "log", "-1", "--format=%s", commit).strip() == \
        "fix(C004): add a healthcheck on http://localhost:8000/health for a"


def test_a_folder_of_the_same_name_does_not_stand_for_the_service(tmp_path: Path) -> None:
    """"…, with curl installed in api/Dockerfile" names a file, not the service `api`."""
    repo = make_repo(tmp_path / "repo", {**service_files("api", 8000),
                                         "compose.yaml": "services:\n  api:\n    build: ./api\n"})
    assert fix_branch(repo, "--select", "C004")[0] == 1
    [commit] = commits(repo, "HEAD", "fixer/autofix")
    subject = git(repo, "log", "-1", "--format=%s", commit).strip()
    assert subject.startswith("fix(C004): add a healthcheck") and \
        subject.endswith("installed in api/Dockerfile for api"), subject


@pytest.mark.parametrize("command", ["python worker.py", None])
def test_a_dockerfile_fix_names_the_findings_service_only(tmp_path: Path,
                                                           command: str | None) -> None:
    """web and a worker build one image: the EXPOSE is the web's port, and the worker,
    which listens on nothing, is not named as if it did."""
    worker = f"    command: {command}\n" if command else ""
    repo = make_repo(tmp_path / "repo", {
        **service_files("web", 8000),
        "web/Dockerfile": dockerfile(8000).replace("EXPOSE 8000\n", ""),
        "web/worker.py": "import time\n\ntime.sleep(60)\n",
        "compose.yaml": f"services:\n  web:\n    build: ./web\n  jobs:\n    build: ./web\n"
                        f"{worker}"})
    assert fix_branch(repo, "--select", "P002")[0] == 1
    [commit] = commits(repo, "HEAD", "fixer/autofix")
    assert git(repo, "log", "-1", "--format=%s", commit).strip() == \
        "fix(P002): add EXPOSE 8000 in web"
