"""`fixer fix --branch NAME --push REMOTE` against a real local bare repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import copy_tree, dockerfile, git, run_cli
from test_branch import SELECT, rev

# Each test pushes to a real bare repository: about half a second apiece.
pytestmark = pytest.mark.slow

BRANCH = "fixer/autofix"


@pytest.fixture(scope="module")
def pushed(committed_files: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed files on main and `release`, both pushed to a bare `remote.git` beside
    the repository; made once, copied per test."""
    folder = tmp_path_factory.mktemp("pushed")
    repo = copy_tree(committed_files, folder / "repo")
    git(repo, "branch", "-M", "main")
    git(repo, "branch", "release")
    git(folder, "init", "-q", "--bare", str(folder / "remote.git"))
    git(repo, "remote", "add", "origin", "../remote.git")
    git(repo, "push", "-q", "origin", "main", "release")
    return folder


@pytest.fixture
def repo(pushed: Path, tmp_path: Path) -> Path:
    """A repository whose `origin` is a bare repository holding main and a `release` branch."""
    copy_tree(pushed / "remote.git", tmp_path / "remote.git")
    return copy_tree(pushed / "repo", tmp_path / "repo")


def remote_dir(repo: Path) -> Path:
    return repo.parent / "remote.git"


def remote_refs(repo: Path) -> dict[str, str]:
    listing = git(remote_dir(repo), "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split() for line in listing.splitlines())


def push(repo: Path, *args: str) -> tuple[int, str, str]:
    return run_cli("fix", repo, "--branch", BRANCH, "--push", "origin", *SELECT, *args)


def test_push_creates_the_remote_branch(repo: Path) -> None:
    before = remote_refs(repo)
    code, _, err = push(repo)
    assert code == 1, err
    after = remote_refs(repo)
    assert after[f"refs/heads/{BRANCH}"] == rev(repo, BRANCH)
    count = git(remote_dir(repo), "rev-list", "--count", f"main..{BRANCH}").strip()
    assert count == "3"
    assert {k: v for k, v in after.items() if k != f"refs/heads/{BRANCH}"} == before
    assert f"pushed {BRANCH} to origin" in err


def test_push_recreates_fixers_own_branch_on_a_new_base(repo: Path) -> None:
    assert push(repo)[0] == 1
    first_tip = remote_refs(repo)[f"refs/heads/{BRANCH}"]
    (repo / "web" / "Dockerfile").write_text(dockerfile(8001))
    git(repo, "commit", "-q", "-am", "web listens on 8001")
    git(repo, "push", "-q", "origin", "main")
    # A fresh CI clone: no local fix branch, only the remote one fixer pushed before.
    git(repo, "branch", "-D", BRANCH)
    code, _, err = push(repo)
    assert code == 1, err
    tip = remote_refs(repo)[f"refs/heads/{BRANCH}"]
    assert tip != first_tip and tip == rev(repo, BRANCH)
    assert git(remote_dir(repo), "rev-list", "--count", f"main..{BRANCH}").strip() == "2"
    assert git(remote_dir(repo), "merge-base", "main", BRANCH).strip() == rev(repo, "main")


def test_remote_branch_with_a_human_commit_is_left_alone(repo: Path, tmp_path: Path) -> None:
    assert push(repo)[0] == 1
    human = tmp_path / "human"
    git(tmp_path, "clone", "-q", "-b", BRANCH, str(remote_dir(repo)), str(human))
    (human / "NOTES.md").write_text("reviewed by a human\n")
    git(human, "add", "NOTES.md")
    git(human, "commit", "-q", "-m", "review notes")
    git(human, "push", "-q", "origin", BRANCH)
    remote_before = remote_refs(repo)
    git(repo, "branch", "-D", BRANCH)
    code, _, err = push(repo)
    assert code == 0, err
    assert f"origin/{BRANCH} was edited by a person; fixer leaves it alone" in err
    assert "'review notes' is not fixer's" in err
    assert remote_refs(repo) == remote_before
    assert git(repo, "branch", "--list", BRANCH) == "", "no local branch made either"


def test_unknown_remote_exits_2(repo: Path) -> None:
    code, _, err = run_cli("fix", repo, "--branch", BRANCH, "--push", "nowhere", *SELECT)
    assert (code, err) == (2, "fixer: --push nowhere: git ls-remote failed: 'nowhere' does "
                              "not appear to be a git repository\n"), err   # git's advice left out
    assert git(repo, "branch", "--list", BRANCH) == ""


def test_a_remote_branch_that_was_never_fixers_is_refused(repo: Path) -> None:
    """`release` on the remote holds no fixer commit and its tip is the base itself: a CI
    clone without the local branch is refused in one line, exit 2, and nothing is pushed or
    made, where fixer used to take it over and force-push it."""
    git(repo, "branch", "-D", "release")
    before = remote_refs(repo)
    code, out, err = run_cli("fix", repo, "--branch", "release", "--push", "origin", *SELECT)
    assert (code, out, err) == (2, "", "fixer: origin/release exists and holds no fixer "
                                       "commits; name another branch\n")
    assert remote_refs(repo) == before
    assert git(repo, "branch", "--list", "release") == ""


def test_a_remote_branch_with_a_persons_commit_is_left_alone(repo: Path, tmp_path: Path) -> None:
    """A person's commit above the base on the remote `release`, and no fixer commit on it:
    theirs, left alone with a warning that says so and gives no advice to delete it (exit
    0), nothing pushed or made."""
    human = tmp_path / "human"
    git(tmp_path, "clone", "-q", "-b", "release", str(remote_dir(repo)), str(human))
    (human / "NOTES.md").write_text("release notes\n")
    git(human, "add", "NOTES.md")
    git(human, "commit", "-q", "-m", "release notes")
    git(human, "push", "-q", "origin", "release")
    git(repo, "branch", "-D", "release")
    before = remote_refs(repo)
    code, _out, err = run_cli("fix", repo, "--branch", "release", "--push", "origin", *SELECT)
    assert code == 0, err
    assert "origin/release holds a person's commits and none of fixer's" in err, err
    assert "delete the branch" not in err
    assert remote_refs(repo) == before
    assert git(repo, "branch", "--list", "release") == ""
