"""Branch mode trusts content, not messages: a commit on the fix branch is fixer's only while
its tree is the one fixer wrote on the base it names. A person's edit (an amend, a commit on
top or below) is left alone with a warning and exit 0; a branch with nothing left to fix is
called stale; commits are signed when git is set to sign, and signed off on request.
Real repositories, a local bare remote, real git and ssh-keygen."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from fixer.app import branch as branch_mode
from fixer.app.registry import choose, discover
from fixer.core.config import Config
from support import copy_tree, git, run_cli
from test_branch import SELECT, commits, fix_branch, git_bytes, rev

# Every test here commits on a branch through git, a few dozen git calls each: slow.
pytestmark = pytest.mark.slow

BRANCH = "fixer/autofix"
EDITED = f"branch {BRANCH} was edited by a person; fixer leaves it alone"


@pytest.fixture
def repo(committed_files: Path, tmp_path: Path) -> Path:
    return copy_tree(committed_files, tmp_path / "repo")


def review(repo: Path, edit: Callable[[Path], None]) -> None:
    """What a reviewer does in a checkout of the fix branch (a worktree beside the repo)."""
    git(repo, "worktree", "add", "-q", "../review", BRANCH)
    edit(repo.parent / "review")
    git(repo, "worktree", "remove", "--force", "../review")


def amend_with_a_change(checkout: Path) -> None:
    with (checkout / "web" / "requirements.txt").open("a") as file:
        file.write("httpx\n")
    git(checkout, "commit", "-q", "-a", "--amend", "--no-edit")


def test_an_amended_fixer_commit_is_a_persons_edit(repo: Path) -> None:
    """`git commit --amend --no-edit` keeps fixer's message and trailers; the content the
    reviewer added makes the commit theirs, and the next run keeps it."""
    assert fix_branch(repo, *SELECT)[0] == 1
    review(repo, amend_with_a_change)
    tip = rev(repo, BRANCH)
    code, out, err = fix_branch(repo, *SELECT)
    assert (code, out) == (0, ""), err
    assert EDITED in err
    assert "has fixer's message but not the content fixer committed" in err
    assert "was not created" not in err, "the warning is the run's last word on the branch"
    assert "Would apply" not in err, err   # the branch is left as the person made it
    assert rev(repo, BRANCH) == tip
    assert "httpx" in git(repo, "show", f"{BRANCH}:web/requirements.txt")


def test_an_amend_that_changes_nothing_keeps_the_branch_fixers(repo: Path) -> None:
    assert fix_branch(repo, *SELECT)[0] == 1
    review(repo, lambda checkout: git(checkout, "commit", "-q", "--amend", "--no-edit"))
    tip = rev(repo, BRANCH)
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 0, err
    assert "is up to date" in err and EDITED not in err
    assert rev(repo, BRANCH) == tip


def test_a_commit_slipped_below_fixers_commits_is_found(repo: Path) -> None:
    """An empty commit of a person's under fixer's: every fixer commit keeps its tree, but
    none of them was made on it."""
    assert fix_branch(repo, *SELECT)[0] == 1
    base = rev(repo, "HEAD")

    def rebase_on_a_note(checkout: Path) -> None:
        git(checkout, "checkout", "-q", "--detach", base)
        git(checkout, "commit", "-q", "--allow-empty", "-m", "a note")
        note = rev(checkout, "HEAD")
        git(checkout, "checkout", "-q", BRANCH)
        git(checkout, "rebase", "-q", "--onto", note, base)

    review(repo, rebase_on_a_note)
    tip = rev(repo, BRANCH)
    assert git(repo, "log", "-1", "--format=%s", f"{commits(repo, base, BRANCH)[0]}").strip() \
        == "a note"
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 0, err
    assert EDITED in err and "'a note' is not fixer's" in err
    assert rev(repo, BRANCH) == tip


def test_each_commit_names_its_tree_and_base(repo: Path) -> None:
    assert fix_branch(repo, *SELECT)[0] == 1
    base = rev(repo, "HEAD")
    for commit in commits(repo, base, BRANCH):
        trailers = git(repo, "log", "-1", "--format=%(trailers:only,unfold)", commit)
        tree = git(repo, "rev-parse", f"{commit}^{{tree}}").strip()
        assert f"Fixer-Tree: {tree}\n" in trailers and f"Fixer-Base: {base}\n" in trailers


def test_a_branch_with_nothing_left_to_fix_is_stale(repo: Path, tmp_path: Path) -> None:
    """The fixes were merged: fixer says the branch is stale, writes the comment that
    closes its pull request, and leaves the branch for the recipe to delete."""
    assert fix_branch(repo, *SELECT)[0] == 1
    git(repo, "merge", "-q", "--ff-only", BRANCH)
    tip = rev(repo, BRANCH)
    note = tmp_path / "pr.md"
    code, out, err = fix_branch(repo, *SELECT, "--pr-body", note)
    assert (code, out) == (0, ""), err
    assert err.endswith(f"Nothing left to fix: branch {BRANCH} is stale; close its pull "
                        "request.\n"), err
    assert note.read_text() == (f"fixer: nothing is left to fix on {tip[:12]}, so branch "
                                f"`{BRANCH}` is stale: its fixes are in, or no longer apply. "
                                "Closing its pull request.\n")
    assert rev(repo, BRANCH) == tip



@pytest.mark.parametrize("detached", [False, True], ids=["beside-head", "detached-head"])
def test_a_branch_that_was_never_fixers_is_refused(repo: Path, detached: bool) -> None:
    """A branch of that name with no fixer commit is a person's even when its tip is the
    base (`staging` made at HEAD; `main` from a CI job's detached HEAD): refused in one
    line, exit 2, and it stays where it was; a branch fixer made is still rebuilt."""
    name = git(repo, "symbolic-ref", "--short", "HEAD").strip() if detached else "staging"
    if detached:
        git(repo, "checkout", "-q", "--detach")
    else:
        git(repo, "branch", name)
    tip = rev(repo, name)
    code, out, err = fix_branch(repo, *SELECT, name=name)
    assert (code, out, err) == (2, "", f"fixer: branch {name} exists and holds no fixer "
                                       "commits; name another branch\n")
    assert rev(repo, name) == tip
    assert fix_branch(repo, *SELECT)[0] == 1
    code, _, err = fix_branch(repo, *SELECT)   # a rerun on fixer's own branch
    assert code == 0 and "is up to date" in err, err
    assert "Would apply" not in err and "Applied" not in err, err   # no fix was, or would be


# -- a pushed branch and shallow clones ---------------------------------------------------------

@pytest.fixture
def pushed(repo: Path, tmp_path: Path) -> Path:
    """The repository's main on a bare `remote.git`, fix branch pushed from a clone of it,
    which is then thrown away (as a CI job's is)."""
    git(repo, "branch", "-M", "main")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "origin", "main")
    assert run_cli("fix", repo, "--branch", BRANCH, "--push", "origin", *SELECT)[0] == 1
    git(repo, "branch", "-D", BRANCH)
    return tmp_path / "remote.git"


def shallow(remote: Path, into: Path) -> Path:
    git(remote.parent, "clone", "-q", "--depth", "1", f"file://{remote}", str(into))
    assert (into / ".git" / "shallow").is_file()
    return into


def push_again(checkout: Path) -> tuple[int, str, str]:
    return run_cli("fix", checkout, "--branch", BRANCH, "--push", "origin", *SELECT)


def pushes_nothing(pushed: Path, checkout: Path, says: str) -> None:
    """Another run from `checkout` exits 0, says why, and leaves the remote branch as it is."""
    tip = rev(pushed, BRANCH)
    code, _, err = push_again(checkout)
    assert code == 0, err
    assert says in err
    assert rev(pushed, BRANCH) == tip


@pytest.mark.slow  # pushes to a bare repository
def test_a_branch_amended_on_the_remote_is_left_alone(pushed: Path, tmp_path: Path) -> None:
    reviewer = tmp_path / "reviewer"
    git(tmp_path, "clone", "-q", "-b", BRANCH, str(pushed), str(reviewer))
    amend_with_a_change(reviewer)
    git(reviewer, "push", "-q", "--force", "origin", BRANCH)
    pushes_nothing(pushed, shallow(pushed, tmp_path / "ci"),
                   f"origin/{BRANCH} was edited by a person; fixer leaves it alone")


@pytest.mark.slow  # pushes to a bare repository
def test_shallow_clones_rebuild_then_find_the_branch_up_to_date(pushed: Path,
                                                                 tmp_path: Path) -> None:
    """Depth 1 holds no history below main's tip: the branch, built on an older main, is
    judged from its own commits, rebuilt on the new main, and found up to date next time."""
    old_tip = rev(pushed, BRANCH)
    author = tmp_path / "author"
    git(tmp_path, "clone", "-q", str(pushed), str(author))
    (author / "NOTES.md").write_text("main moves on\n")
    git(author, "add", "NOTES.md")
    git(author, "commit", "-q", "-m", "notes")
    git(author, "push", "-q", "origin", "main")
    code, _, err = push_again(shallow(pushed, tmp_path / "ci-1"))
    assert code == 1, err
    new_tip = rev(pushed, BRANCH)
    assert new_tip != old_tip and rev(pushed, f"{new_tip}~3") == rev(pushed, "main")
    pushes_nothing(pushed, shallow(pushed, tmp_path / "ci-2"), f"Branch {BRANCH} is up to date")


@pytest.mark.slow  # pushes to a bare repository
def test_a_branch_cut_by_the_clone_depth_is_an_error_naming_the_fix(pushed: Path,
                                                                    tmp_path: Path) -> None:
    """Every branch at depth 1 (as GitLab fetches them, at its default depth of 20): the
    branch's lower commits are missing, so fixer cannot judge it. It says how to get them
    and writes nothing."""
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{pushed}",
        str(ci))
    git(ci, "branch", BRANCH, f"origin/{BRANCH}")
    before = (rev(ci, BRANCH), rev(pushed, BRANCH))
    code, _, err = push_again(ci)
    assert code == 2
    assert "is not in this clone (a shallow clone?)" in err
    assert "`fetch-depth: 0`" in err and "`GIT_DEPTH: 0`" in err and "git fetch --unshallow" in err
    assert (rev(ci, BRANCH), rev(pushed, BRANCH)) == before
    git(ci, "fetch", "-q", "--unshallow")   # the fix the message names
    assert push_again(ci)[0] == 0


@pytest.mark.slow  # pushes to a bare repository
def test_a_stale_remote_branch_is_named(pushed: Path, tmp_path: Path) -> None:
    merger = tmp_path / "merger"
    git(tmp_path, "clone", "-q", str(pushed), str(merger))
    git(merger, "merge", "-q", "--ff-only", f"origin/{BRANCH}")
    git(merger, "push", "-q", "origin", "main")
    code, _, err = push_again(shallow(pushed, tmp_path / "ci"))
    assert code == 0, err
    assert f"Nothing left to fix: branch {BRANCH} (on origin) is stale" in err


# -- signing and sign-off -----------------------------------------------------------------------

def signing_key(folder: Path) -> Path:
    """An ssh key without a passphrase: git signs with it through ssh-keygen, no agent."""
    key = folder / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t@example.com",
                    "-f", str(key)], check=True, timeout=60)
    return key


@pytest.mark.slow  # ssh-keygen signs each commit
def test_commit_gpgsign_signs_through_git(repo: Path, tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"t@example.com {(tmp_path / 'key.pub').read_text()}")
    for name, value in [("commit.gpgsign", "true"), ("gpg.format", "ssh"),
                        ("user.signingkey", str(key)),
                        ("gpg.ssh.allowedSignersFile", str(allowed))]:
        git(repo, "config", name, value)
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 1, err
    made = commits(repo, "HEAD", BRANCH)
    assert len(made) == 3
    assert git(repo, "log", "--format=%G?", f"HEAD..{BRANCH}").split() == ["G"] * 3
    for commit in made:   # signed, and still fixer's: the rerun finds it up to date
        git(repo, "verify-commit", commit)
    assert "is up to date" in fix_branch(repo, *SELECT)[2]


@pytest.mark.slow  # ssh-keygen signs each commit
def test_signed_commits_are_utf8_whatever_the_commit_encoding_says(repo: Path,
                                                                   tmp_path: Path) -> None:
    """`i18n.commitEncoding=ISO-8859-1` would have git write an `encoding` header over the
    UTF-8 message fixer gives it: a non-ASCII name in it would read garbled."""
    key = signing_key(tmp_path)
    for name, value in [("commit.gpgsign", "true"), ("gpg.format", "ssh"),
                        ("user.signingkey", str(key)), ("i18n.commitEncoding", "ISO-8859-1")]:
        git(repo, "config", name, value)
    code, _, err = fix_branch(repo, *SELECT, "--author", "Zoë Fixer <zoe@example.com>")
    assert code == 1, err
    for commit in commits(repo, "HEAD", BRANCH):
        raw = git_bytes(repo, "cat-file", "commit", commit)
        assert b"\nencoding " not in raw and "Zoë Fixer".encode() in raw


def test_commit_gpgsign_without_a_key_is_refused_and_writes_nothing(repo: Path) -> None:
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.format", "ssh")   # no key set: git says so, no agent is started
    code, _, err = fix_branch(repo, *SELECT)
    assert code == 2
    assert "commit.gpgsign is set and git could not sign fixer's commits" in err
    assert "user.signingkey" in err and "nothing was written" in err
    assert git(repo, "branch", "--list", BRANCH) == ""


def test_signoff_adds_the_committers_dco_trailer(repo: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Bot")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bot@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Release Team")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "release@example.com")
    rules = choose(discover(), ["P001", "D001"], None)
    said: list[str] = []
    request = branch_mode.BranchRequest(BRANCH, signoff=True)
    done = branch_mode.run(repo, request, rules, Config(), said.append)
    assert done.outcome is branch_mode.Outcome.MADE and len(done.made) == 3
    signed = git(repo, "log", "--format=%(trailers:key=Signed-off-by,valueonly)",
                 f"HEAD..{BRANCH}").split("\n")
    assert [line for line in signed if line] == ["Release Team <release@example.com>"] * 3
    again = branch_mode.run(repo, request, rules, Config(), said.append)
    assert again.outcome is branch_mode.Outcome.UP_TO_DATE
    unsigned = branch_mode.run(repo, branch_mode.BranchRequest("plain"), rules, Config(),
                               said.append)
    assert "Signed-off-by" not in git(repo, "log", "-1", "--format=%B",
                                      unsigned.made[-1].commit.hexsha)


def test_signoff_on_the_command_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Release Team")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "release@example.com")
    code, _, err = fix_branch(repo, *SELECT, "--signoff")
    assert code == 1, err
    message = git(repo, "log", "-1", "--format=%B", BRANCH)
    assert message.rstrip().endswith("\nSigned-off-by: Release Team <release@example.com>")


def test_a_persons_branch_ahead_of_the_base_with_no_fixer_commit_is_left_alone(
        repo: Path) -> None:
    """`feature`, one commit of a person's above the base and none of fixer's: left alone
    (exit 0, as a branch a person edited), with a warning that says it holds none of fixer's
    commits and gives no advice to delete it (it was told to delete the branch)."""
    git(repo, "branch", "feature")
    git(repo, "worktree", "add", "-q", "../feature", "feature")
    checkout = repo.parent / "feature"
    (checkout / "NOTES.md").write_text("work in progress\n")
    git(checkout, "add", "NOTES.md")
    git(checkout, "commit", "-q", "-m", "work in progress")
    git(repo, "worktree", "remove", "../feature")
    tip = rev(repo, "feature")
    code, out, err = run_cli("fix", repo, "--branch", "feature", *SELECT)
    assert (code, out) == (0, ""), err
    assert "branch feature holds a person's commits and none of fixer's" in err, err
    assert "If it is not fixer's branch, name another with --branch." in err
    assert "delete the branch" not in err
    assert rev(repo, "feature") == tip
