"""The whole `fixer fix --branch` run: from the base commit to a pushed branch and PR text."""

from __future__ import annotations

import os
import posixpath
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple

import git

from fixer import engine
from fixer.app import nocompose
from fixer.core.config import Config
from fixer.core.errors import input_errors
from fixer.core.tree import Tree
from fixer.formats.report.fixrun import built_on, settled_with
from fixer.git import prbody
from fixer.git.branch import (
    BranchRefused,
    MadeCommit,
    Signature,
    author_from,
    check_existing,
    commit_date,
    fix_paths,
    committer_from,
    make_commits,
    set_branch,
)
from fixer.git.gitobjects import ObjectsNotWritten, SigningFailed
from fixer.git.gitsource import CommitSource
from fixer.git.ownership import BranchState, Edit, NotFixers, ShallowClone, subject_of
from fixer.git.push import check_remote, push_commit
from fixer.model.rule import Rule
from fixer.model.stacks import is_compose_name


@dataclass(frozen=True)
class BranchRequest:
    name: str
    base: str = "HEAD"
    push: str | None = None
    pr_body: Path | None = None
    author: str | None = None
    signoff: bool = False   # a Signed-off-by trailer (DCO) for the committer on each commit
    shown: str = "."        # the folder as the user named it


class BranchError(Exception):
    """A one-line reason the branch could not be made."""


class Outcome(Enum):
    MADE = "made"               # commits made (and pushed): exit 1
    UP_TO_DATE = "up to date"   # the branch (and the remote's) already held these fixes
    NOTHING = "nothing"         # nothing to fix and no branch
    STALE = "stale"             # nothing left to fix, and the branch is still there
    EDITED = "edited"           # a person edited the branch: left alone


class BranchRun(NamedTuple):
    result: engine.FixResult
    made: list[MadeCommit]     # the commits now on the branch; [] when none were made
    outcome: Outcome = Outcome.NOTHING

    @property
    def up_to_date(self) -> bool:
        return self.outcome is Outcome.UP_TO_DATE

    @property
    def left_alone(self) -> bool:
        """The branch is still there as it was, and the run said why (exit 0): a person
        edited it, or nothing is left to fix and it is stale."""
        return self.outcome in (Outcome.EDITED, Outcome.STALE)


def open_repo(root: Path) -> tuple[git.Repo, str]:
    """The repository holding `root`, and root's folder inside it (POSIX, "" at the top)."""
    try:
        # from the real folder, as git finds it: through a link, the link's parents are not
        # the repository's
        repo = git.Repo(root.resolve(), search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise BranchError(f"{root}: not inside a git repository") from None
    if repo.working_tree_dir is None:
        raise BranchError(f"{root}: a bare repository; run fixer in a clone")
    _check_readable(repo, root)
    top = Path(repo.working_tree_dir).resolve()
    prefix = os.path.relpath(root.resolve(), top)
    return repo, "" if prefix == "." else Path(prefix).as_posix()


def _check_readable(repo: git.Repo, root: Path) -> None:
    """BranchError when git refuses to open the repository (dubious ownership, an extension
    it does not know), in git's words, or when it is one fixer cannot read (SHA-256): not
    the missing commit each would otherwise be taken for."""
    try:
        repo.git.rev_parse("--git-dir")
    except git.GitCommandError as exc:
        # git's line names the repository's folder
        raise BranchError(f"git refused to open the repository: {_git_said(exc.stderr)}"
                          f"{_trust_hint(exc.stderr)}") from None
    # an extension git honours from the repository's own config file only
    found = repo.config_reader("repository").get_value("extensions", "objectformat", "sha1")
    if str(found).lower() != "sha1":
        raise BranchError(f"{root}: the repository's object format is {found}; fixer makes "
                          "branches in SHA-1 repositories only")


def _trust_hint(stderr: object) -> str:
    """git's own command that trusts a repository of dubious ownership, when it gave one."""
    command = next((line for line in _git_lines(stderr)
                    if line.startswith("git config --global --add safe.directory")), None)
    return f" (to trust it: {command})" if command else ""


def committed_files(root: Path, ref: str) -> Callable[[Path], bytes | None]:
    """The files of the commit `ref` names, by their real path in the work tree (None where
    the commit has no such file, or it is outside the repository): the configuration of a
    branch run is the base commit's, as its fixes are, not the working tree's."""
    repo, prefix = open_repo(root)
    tree = _base_commit(repo, ref, prefix).tree
    top = Path(str(repo.working_tree_dir)).resolve()

    def read(path: Path) -> bytes | None:
        relative = Path(os.path.relpath(path, top)).as_posix()
        for _hop in range(8):   # a link inside the commit reads as its target, as a checkout
            if relative == ".." or relative.startswith("../"):
                return None
            try:
                blob = tree / relative
            except KeyError:
                return None
            if blob.type != "blob":
                return None
            data: bytes = blob.data_stream.read()
            if blob.mode != 0o120000:
                return data
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(relative),
                                                         data.decode("utf-8", "replace")))
        return None
    return read


def run(root: Path, request: BranchRequest, rules: Sequence[Rule], config: Config,
        say: Callable[[str], None]) -> BranchRun:
    repo, prefix = open_repo(root)
    try:
        return _run(repo, prefix, request, rules, config, say)
    except (BranchRefused, NotFixers, ShallowClone) as exc:
        raise BranchError(str(exc)) from None
    except OSError as exc:   # a failure no step names: one line and exit 2, never exit 1
        where = f"{exc.filename}: " if exc.filename else ""
        raise BranchError(f"{where}{_reason(exc)}") from None
    except git.GitCommandError as exc:
        command = exc.command[1] if isinstance(exc.command, list) and len(exc.command) > 1 else ""
        # the remote's commands fail for the remote `--push` names (unknown, unreachable)
        option = f"--push {request.push}: " if request.push and command in _REMOTE else ""
        said = _git_said(exc.stderr) or f"exit status {exc.status}"
        raise BranchError(f"{option}git {command} failed: {said}") from None


# the git commands that talk to the remote `--push` names
_REMOTE = frozenset({"ls-remote", "fetch", "push"})


def _git_said(stderr: object) -> str:
    """What went wrong, in one line: git's first `fatal:` line, else the first line it wrote
    (a hook's `remote: ...`), without GitPython's `stderr: '...'` wrapping or git's prefix.
    The lines after it are advice ("Please make sure you have the correct access rights"),
    unless it ends with a colon: then the next line ends it ("v1-only extension found:",
    then the extension's name)."""
    lines = _git_lines(stderr)
    if not lines:
        return ""
    at = next((n for n, line in enumerate(lines) if line.startswith("fatal: ")), 0)
    said = lines[at]
    if said.endswith(":") and at + 1 < len(lines):
        said += " " + lines[at + 1]
    for prefix in ("fatal: ", "error: "):
        said = said.removeprefix(prefix)
    return said


def _git_lines(stderr: object) -> list[str]:
    """The lines git wrote, without GitPython's `stderr: '...'` wrapping, blank ones left
    out."""
    text = str(stderr).strip()
    if text.startswith("stderr: '") and text.endswith("'"):
        text = text[len("stderr: '"):-1]
    return [line.strip() for line in text.splitlines() if line.strip()]


def _run(repo: git.Repo, prefix: str, request: BranchRequest, rules: Sequence[Rule],
         config: Config, say: Callable[[str], None]) -> BranchRun:
    _check_request(request)
    base = _base_commit(repo, request.base, prefix)
    by = _signature(repo, request)
    # Every refusal comes before anything is written, so a refused run changes nothing.
    local = check_existing(repo, request.name, base)
    remote = check_remote(repo, request.push, request.name, base) if request.push else None
    # the source reads blobs through a `git cat-file` of its own, which ends with the run
    with closing(CommitSource(repo, base, prefix, config.max_file_size)) as source:
        tree = Tree(source)
        result = engine.fix(tree, rules, config)
        if input_errors(result.errors):   # a rule crash blocks nothing
            return BranchRun(result, [])
        if not result.initial and not result.errors:
            _refuse_no_compose(repo, prefix, request.shown, tree, config, request.base, base)
        kept = _left_alone(request, base, local, remote, result, say)
        if kept is not None:
            return BranchRun(result, [], kept)
        linked = sorted({path for fix in result.applied for path in fix_paths(fix)
                         if source.is_link(path)})
        if linked:  # the engine holds such fixes (display-only): a backstop, as --apply's
            raise BranchRefused(f"{linked[0]}:1: is a symbolic link; fixer does not write "
                                "through links")
        made = _commits(repo, base, prefix, result, config, by)
        if _holds_already(made[-1].commit, base, local, remote, request):
            # A rerun with nothing new: no new tip, no force-push, no pull request churn.
            return BranchRun(result, [], Outcome.UP_TO_DATE)
        body = None if request.pr_body is None else prbody.render(
            made, request.name, result, config, prefix=prefix)
        # on disk before anything is published: a full disk stops the run before the push
        with _staged(request.pr_body, body) as put_in_place:
            _publish(repo, request, made, local, remote, say)
            put_in_place()
        return BranchRun(result, made, Outcome.MADE)


def _refuse_no_compose(repo: git.Repo, prefix: str, shown: str, tree: Tree, config: Config,
                       ref: str, base: git.Commit) -> None:
    """A commit with no compose file is a wrong folder or files not committed yet, never
    "nothing to fix": refused, naming the commit and the compose files git does not track."""
    top = Path(str(repo.working_tree_dir))
    root = top / prefix if prefix else top
    inside = f"{prefix}/" if prefix else ""
    untracked = [path.removeprefix(inside) for path in repo.untracked_files
                 if path.startswith(inside) and is_compose_name(path)]
    missing = nocompose.error_in(tree, config, root, shown,
                                 f" at {ref} ({base.hexsha[:12]})", untracked)
    if missing is not None:
        raise BranchError(missing.message)


def _left_alone(request: BranchRequest, base: git.Commit, local: BranchState | None,
                remote: BranchState | None, result: engine.FixResult,
                say: Callable[[str], None]) -> Outcome | None:
    """Why no commit is made: a person edited the branch (their work wins, and it is not
    an error: a warning, exit 0), or nothing is left to fix. None when commits are due."""
    for state in (local, remote):
        if state is not None and state.edit is not None:
            say(_edited(state.label, state.edit))
            return Outcome.EDITED
    if result.applied:
        return None
    if local is None and remote is None:
        return Outcome.NOTHING
    where = f" (on {request.push})" if remote is not None else ""
    say(f"Nothing left to fix: branch {request.name}{where} is stale; close its pull request.")
    if request.pr_body is not None:   # the recipes close the pull request with this text
        with _staged(request.pr_body, prbody.stale_note(request.name, base.hexsha)) as put:
            put()
    return Outcome.STALE


def _edited(label: str, edit: Edit) -> str:
    if edit.none_of_fixers:   # maybe a person's own branch: no advice to delete it
        return (f"fixer: warning: {label} holds a person's commits and none of fixer's "
                f"(commit {edit.commit.hexsha[:12]} {subject_of(edit.commit)!r} "
                f"{edit.reason}); fixer leaves it alone. If it is not fixer's branch, name "
                "another with --branch.")
    return (f"fixer: warning: {label} was edited by a person; fixer leaves it alone (commit "
            f"{edit.commit.hexsha[:12]} {subject_of(edit.commit)!r} {edit.reason}). Merge or "
            "close its pull request and delete the branch to let fixer make a new one.")


def _signature(repo: git.Repo, request: BranchRequest) -> Signature:
    author = author_from(repo, request.author)
    return Signature(author, committer_from(repo, author), commit_date(), request.signoff,
                     sign=_signing_asked(repo))


def _commits(repo: git.Repo, base: git.Commit, prefix: str, result: engine.FixResult,
             config: Config, by: Signature) -> list[MadeCommit]:
    """The commits, one per applied fix, each naming the other findings its fix settles;
    signed when git is set to sign: never an unsigned commit in their place."""
    try:
        return make_commits(repo, base, prefix, result.applied, by, settled_with(result),
                            built_on(result, config))
    except ObjectsNotWritten as exc:   # the pack is removed; the ref was never moved
        raise BranchRefused(f"cannot write the branch's commits to {exc.folder}: "
                            f"{_reason(exc.error)}; no branch was made or moved") from None
    except SigningFailed as exc:
        raise BranchRefused(
            f"commit.gpgsign is set and git could not sign fixer's commits ({exc}); nothing "
            "was written. Give git a signing key (user.signingkey), or set commit.gpgsign "
            "to false for this repository") from None


def _publish(repo: git.Repo, request: BranchRequest, made: list[MadeCommit],
             local: BranchState | None, remote: BranchState | None,
             say: Callable[[str], None]) -> None:
    tip = made[-1].commit
    if request.push:   # first: a failed push leaves the local branch where it was
        push_commit(repo, request.push, request.name, tip.hexsha,
                    remote.tip.hexsha if remote is not None else None)
    set_branch(repo, request.name, tip, local.tip if local is not None else None)
    for item in made:
        say(f"{item.commit.hexsha[:12]} {subject_of(item.commit)}")
    if request.push:
        say(f"pushed {request.name} to {request.push}")


def _holds_already(tip: git.Commit, base: git.Commit, local: BranchState | None,
                   remote: BranchState | None, request: BranchRequest) -> bool:
    """The branch fixer updates (the remote's when pushing, else the local one) is built on
    the same base and has the very tree these fixes make; a local branch, if any, is the
    same commit. Read from the branches' own commits, so a fresh CI clone, even a shallow
    one with no local branch, finds it up to date too."""
    if request.push is None:
        return local is not None and local.holds(base, tip)
    if remote is None or not remote.holds(base, tip):
        return False
    return local is None or local.tip.hexsha == remote.tip.hexsha


def _signing_asked(repo: git.Repo) -> bool:
    """commit.gpgsign as git reads it: every config file, includes, `GIT_CONFIG_*`."""
    value = repo.git.config("--type=bool", "--default=false", "--get", "commit.gpgsign")
    return str(value).strip() == "true"


def _check_request(request: BranchRequest) -> None:
    """What the options themselves make impossible, refused before any git work."""
    if request.push is not None and request.push.startswith("-"):
        raise BranchRefused(f"--push {request.push}: a remote's name does not start with '-'")
    folder = request.pr_body.parent if request.pr_body is not None else None
    if folder is not None and not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise BranchRefused(f"--pr-body {request.pr_body}: {folder} {what}")
    if request.pr_body is not None:
        _check_writable(request.pr_body)


def _check_writable(target: Path) -> None:
    """BranchRefused when the --pr-body file cannot be made (a folder fixer may not write,
    a read-only file system, a name too long): said before any commit is made or pushed,
    not once the branch is pushed, where the recipes would read the exit code as a pull
    request to open. The file is made and removed, or, when it is there already, a file
    beside it, as writing it will."""
    try:
        if os.path.lexists(target):
            handle, probe = tempfile.mkstemp(dir=target.parent, prefix=_STAGED_PREFIX)
            os.close(handle)
            os.unlink(probe)
        else:
            with open(target, "x", encoding="utf-8"):
                pass
            os.unlink(target)
    except OSError as exc:
        raise BranchRefused(f"--pr-body {target}: cannot write: {_reason(exc)}") from None


_STAGED_PREFIX = ".fixer-pr-body-"


@contextmanager
def _staged(target: Path | None, text: str | None) -> Iterator[Callable[[], None]]:
    """The text written whole beside `target` on entry; the function given moves it into
    place (a rename: no disk space needed). Left without that, the file beside is removed
    and `target` stays as it was: a failed push leaves the last run's pull-request text."""
    if target is None or text is None:
        yield lambda: None
        return
    temp = _write_beside(target, text)
    try:
        yield lambda: os.replace(temp, target)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)


def _write_beside(target: Path, text: str) -> str:
    """A new file in target's folder holding the text, with target's mode when it is there
    (else rw-r--r--, as --apply makes files); BranchRefused when it cannot be written."""
    temp = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o644
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=_STAGED_PREFIX)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, mode)
        return temp
    except OSError as exc:
        if temp is not None:
            os.unlink(temp)
        raise BranchRefused(f"--pr-body {target}: cannot write: {_reason(exc)}; nothing was "
                            "pushed or moved") from None


def _reason(exc: OSError) -> str:
    """The system's reason, as the other "cannot write" lines give it."""
    return exc.strerror.lower() if exc.strerror else str(exc)


def _base_commit(repo: git.Repo, ref: str, prefix: str) -> git.Commit:
    try:
        base = repo.commit(ref)
    except (git.BadName, ValueError):
        if not repo.head.is_valid() and not repo.heads and ref == "HEAD":
            # `git init` and no commit: HEAD names no commit yet
            raise BranchError(f"--base {ref}: the repository has no commit yet; fixer's "
                              "branch starts from one, so commit the files first") from None
        if not repo.head.is_valid() and ref == "HEAD":   # an orphan branch checked out
            names = [head.name for head in repo.heads]
            named = next((n for n in ("main", "master") if n in names), names[0])
            raise BranchError(f"--base HEAD: the branch checked out has no commit yet; name "
                              f"the commit to start from (--base {named})") from None
        raise BranchError(f"--base {ref}: no such commit") from None
    if prefix:
        try:
            base.tree / prefix
        except KeyError:
            raise BranchError(f"{prefix}: not in commit {ref} ({base.hexsha[:12]})") from None
    return base
