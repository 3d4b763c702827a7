"""Branch mode where git or the disk says no, or where fixer must read git as git does: a
write refused (one line, exit 2, no branch and no partial pack left), the identity `git
commit` would record, a branch name another branch stands in the way of, a repository git
refuses to open. Real repositories and real git, in temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import FILES, REPO, copy_tree, git, make_repo, write_tree
from test_branch import SELECT, fix_branch, rev

# Every test here runs branch mode through git, a few dozen git calls each: slow.
pytestmark = pytest.mark.slow

BRANCH = "fixer/autofix"
AS_ROOT = os.geteuid() == 0


@pytest.fixture
def repo(committed_files: Path, tmp_path: Path) -> Path:
    return copy_tree(committed_files, tmp_path / "repo")


def packs(repo: Path) -> list[str]:
    """The files of the repository's pack folder."""
    return sorted(path.name for path in (repo / ".git" / "objects" / "pack").iterdir())


def one_line(err: str) -> str:
    """The run's only line (a traceback, or a fix count after the error, would be more)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[list[Path]]:
    """Folders a test makes read-only, given back their write bit afterwards (so the
    temporary folder can be removed)."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        folder.chmod(0o755)


# -- a write refused ------------------------------------------------------------------------------

def test_a_pack_folder_that_is_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The same refusal for any user, root included: git's pack folder is a regular file."""
    repo = make_repo(tmp_path / "repo")   # loose objects: the pack folder holds nothing
    pack = repo / ".git" / "objects" / "pack"
    shutil.rmtree(pack)
    pack.write_bytes(b"")
    code, out, err = fix_branch(repo, *SELECT)
    assert (code, out) == (2, ""), err
    assert one_line(err) == (f"fixer: cannot write the branch's commits to {pack}: file "
                             "exists; no branch was made or moved")
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/heads/fixer") == ""


# A pack writer in a process of its own whose writes past 512 bytes fail with EFBIG, as a
# full disk fails them (a real refusal from the kernel, root included; SIGXFSZ ignored, so
# the write fails rather than the process being killed). Not in the test's own process:
# the limit would stop the test runner's own writes to a file too.
_LIMITED_WRITER = """
import resource, signal, sys
from fixer.git.packwriter import PackWriter
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (512, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
writer = PackWriter(sys.argv[1])
for number in range(3):
    writer.store(b"blob", b"content %d\\n" % number)
try:
    writer.finish()
except OSError:
    sys.exit(3)
"""


def test_a_pack_whose_index_cannot_be_written_is_removed(tmp_path: Path) -> None:
    """The pack is written, its index (over 1 KiB) is not: no pack is left without its
    index, which git would count as garbage and which nothing could read."""
    objects = tmp_path / "objects"
    done = subprocess.run([sys.executable, "-c", _LIMITED_WRITER, str(objects)],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 3, done.stderr
    assert list((objects / "pack").iterdir()) == []


# -- --pr-body written nowhere ---------------------------------------------------------------------

@pytest.fixture
def remote(repo: Path, tmp_path: Path) -> Path:
    """A bare `remote.git` holding the repository's main, as `origin`."""
    git(repo, "branch", "-M", "main")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "origin", "main")
    return tmp_path / "remote.git"


def nothing_made_or_pushed(repo: Path, remote: Path, before: list[str]) -> None:
    assert git(remote, "branch", "--list", BRANCH) == ""
    assert git(repo, "branch", "--list", BRANCH) == ""
    assert packs(repo) == before   # refused before any commit was written


def test_a_pr_body_folder_that_is_a_file_is_refused_before_the_push(
        repo: Path, remote: Path, tmp_path: Path) -> None:
    """A folder no one can write into, root included: a regular file stands where it
    should be."""
    out_folder = tmp_path / "out"
    out_folder.write_text("")
    before = packs(repo)
    code, out, err = fix_branch(repo, *SELECT, "--push", "origin", "--pr-body",
                                str(out_folder / "pr.md"))
    assert (code, out) == (2, ""), err
    assert one_line(err) == f"fixer: --pr-body {out_folder}/pr.md: {out_folder} is not a folder"
    nothing_made_or_pushed(repo, remote, before)


def test_a_pr_body_name_too_long_is_refused_before_the_push(repo: Path, remote: Path,
                                                            tmp_path: Path) -> None:
    """A file the system will not make whoever runs fixer: its name is over 255 bytes.
    Then one it can: written whole over the last run's, its mode kept, nothing beside it."""
    target = tmp_path / ("p" * 300 + ".md")
    before = packs(repo)
    code, out, err = fix_branch(repo, *SELECT, "--push", "origin", "--pr-body", str(target))
    assert (code, out) == (2, ""), err
    assert one_line(err) == f"fixer: --pr-body {target}: cannot write: file name too long"
    nothing_made_or_pushed(repo, remote, before)
    target = tmp_path / "pr.md"
    target.write_text("the last run's text\n")
    target.chmod(0o640)
    code, _, err = fix_branch(repo, *SELECT, "--push", "origin", "--pr-body", str(target))
    assert code == 1, err
    assert target.read_text().startswith("## fixer: 3 automatic fixes\n")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pr.md", "remote.git", "repo"]


# -- the identity git commit would record ---------------------------------------------------------

@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME whose ~/.gitconfig names `Home User`, and no other identity in sight."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".gitconfig").write_text("[user]\n\tname = Home User\n\temail = home@example.com\n")
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        for part in ("NAME", "EMAIL"):
            monkeypatch.delenv(f"GIT_{role}_{part}", raising=False)
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_COUNT", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return folder


def people(repo: Path, ref: str) -> set[str]:
    """`author|committer|Signed-off-by` of each commit of the fix branch."""
    listing = git(repo, "log", "--format=%an <%ae>|%cn <%ce>|%(trailers:key=Signed-off-by,"
                               "valueonly,separator=)", f"HEAD..{ref}")
    return set(filter(None, listing.split("\n")))


def test_git_config_global_names_the_author(repo: Path, home: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI job's bot identity in the file GIT_CONFIG_GLOBAL names, not ~/.gitconfig's."""
    ci_config = tmp_path / "ci.gitconfig"
    ci_config.write_text("[user]\n\tname = CI Bot\n\temail = ci@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(ci_config))
    assert fix_branch(repo, *SELECT, "--signoff")[0] == 1
    bot = "CI Bot <ci@example.com>"
    assert people(repo, BRANCH) == {f"{bot}|{bot}|{bot}"}


def test_git_config_count_names_the_author(repo: Path, home: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for index, (key, value) in enumerate([("user.name", "Env Bot"),
                                          ("user.email", "env@example.com")]):
        monkeypatch.setenv(f"GIT_CONFIG_KEY_{index}", key)
        monkeypatch.setenv(f"GIT_CONFIG_VALUE_{index}", value)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "2")
    assert fix_branch(repo, *SELECT)[0] == 1
    bot = "Env Bot <env@example.com>"
    assert people(repo, BRANCH) == {f"{bot}|{bot}|"}


def test_author_and_committer_settings_name_each_and_signoff_is_the_committers(
        repo: Path, home: Path) -> None:
    """author.* and committer.* over user.*, as `git commit` reads them; the Signed-off-by
    trailer names the committer, as `git commit -s` writes it."""
    for key, value in [("author.name", "Author Cfg"), ("author.email", "author@example.com"),
                       ("committer.name", "Committer Cfg"),
                       ("committer.email", "committer@example.com")]:
        git(repo, "config", key, value)
    assert fix_branch(repo, *SELECT, "--signoff")[0] == 1
    committer = "Committer Cfg <committer@example.com>"
    assert people(repo, BRANCH) == {f"Author Cfg <author@example.com>|{committer}|{committer}"}


# -- a branch name another branch stands in the way of --------------------------------------------

@pytest.mark.parametrize("existing, wanted", [
    ("fixer", "fixer/autofix"),
    ("fixer/autofix/old", "fixer/autofix"),
    ("fixer/autofix", "fixer"),
], ids=["folder-is-a-branch", "branch-below", "name-is-a-folder"])
def test_a_name_an_existing_branch_blocks_is_refused_before_any_work(
        repo: Path, existing: str, wanted: str) -> None:
    """Refused up front, in one line; a name beside the existing branch (`fixer-x`, or
    another inside its folder) is made."""
    git(repo, "branch", existing)
    refs = git(repo, "for-each-ref")
    before = packs(repo)
    code, out, err = fix_branch(repo, *SELECT, name=wanted)
    assert (code, out, err) == (2, "", f"fixer: branch {wanted} cannot be made: branch "
                                       f"{existing} exists\n")
    assert git(repo, "for-each-ref") == refs
    assert packs(repo) == before   # refused before any commit was written
    inside = [f"{existing.rsplit('/', 1)[0]}/beside"] if "/" in existing else []
    for beside in [f"{wanted.replace('/', '-')}-x", *inside]:
        assert fix_branch(repo, *SELECT, name=beside)[0] == 1
        assert rev(repo, beside) != rev(repo, "HEAD")


# -- a repository git refuses, or fixer cannot read ------------------------------------------------

def test_a_sha256_repository_is_said_as_such(tmp_path: Path) -> None:
    """git reads it; fixer does not: said, not taken for a branch with no commit."""
    repo = write_tree(tmp_path / "repo", FILES)
    git(repo, "init", "-q", "--template=", "-b", "main", "--object-format=sha256")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for base in ("HEAD", "main"):
        code, _, err = fix_branch(repo, *SELECT, "--base", base)
        assert (code, err) == (2, f"fixer: {repo}: the repository's object format is sha256; "
                                  "fixer makes branches in SHA-1 repositories only\n")


@pytest.mark.skipif(not AS_ROOT, reason="only root can give the repository another owner")
def test_a_repository_of_dubious_ownership_is_said_in_gits_words(
        repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As CI containers meet it: the checkout is another user's, and git refuses it."""
    monkeypatch.setenv("HOME", str(tmp_path))   # no safe.directory in any config
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 65534, 65534)
    code, _, err = fix_branch(repo, *SELECT)
    assert (code, err) == (2, "fixer: git refused to open the repository: detected dubious "
                              f"ownership in repository at '{repo}' (to trust it: git config "
                              f"--global --add safe.directory {repo})\n")


def test_a_path_through_a_link_to_a_folder_of_the_repository_makes_the_branch(
        tmp_path: Path) -> None:
    """`deploy -> mono/deploy` and PATH `deploy/fleet`: the repository is the one git finds
    from the real folder (`mono`), as `--apply` reads it, not one above the link."""
    write_tree(tmp_path / "mono" / "deploy" / "fleet", FILES)
    git(tmp_path / "mono", "init", "-q")
    git(tmp_path / "mono", "add", "-A")
    git(tmp_path / "mono", "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "x")
    (tmp_path / "deploy").symlink_to(tmp_path / "mono" / "deploy")
    code, _out, err = fix_branch(tmp_path / "deploy" / "fleet", *SELECT)
    assert code == 1, err
    assert git(tmp_path / "mono", "branch", "--list", BRANCH).strip() == BRANCH
