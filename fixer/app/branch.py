"""The whole `fixer fix --branch` run: from the base commit to a pushed branch and PR text."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

import git

from fixer import engine
from fixer.core.config import Config
from fixer.core.errors import input_errors
from fixer.core.tree import Tree
from fixer.git import prbody
from fixer.git.branch import (
    BranchRefused,
    MadeCommit,
    author_from,
    committer_from,
    check_existing,
    commit_date,
    make_commits,
    set_branch,
    subject_of,
)
from fixer.git.gitsource import CommitSource
from fixer.git.push import check_remote, push_commit
from fixer.model.rule import Rule


@dataclass(frozen=True)
class BranchRequest:
    name: str
    base: str = "HEAD"
    push: str | None = None
    pr_body: Path | None = None
    author: str | None = None


class BranchError(Exception):
    """A one-line reason the branch could not be made."""


def open_repo(root: Path) -> tuple[git.Repo, str]:
    """The repository holding `root`, and root's folder inside it (POSIX, "" at the top)."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise BranchError(f"{root}: not inside a git repository") from None
    if repo.working_tree_dir is None:
        raise BranchError(f"{root}: a bare repository; run fixer in a clone")
    top = Path(repo.working_tree_dir).resolve()
    prefix = os.path.relpath(root.resolve(), top)
    return repo, "" if prefix == "." else Path(prefix).as_posix()


class BranchRun(NamedTuple):
    result: engine.FixResult
    made: list[MadeCommit]     # the commits now on the branch; [] when none were made
    up_to_date: bool = False   # the branch (and the remote's) already held these fixes


def run(root: Path, request: BranchRequest, rules: Sequence[Rule], config: Config,
        say: Callable[[str], None]) -> BranchRun:
    repo, prefix = open_repo(root)
    try:
        return _run(repo, prefix, request, rules, config, say)
    except BranchRefused as exc:
        raise BranchError(str(exc)) from None
    except git.GitCommandError as exc:
        command = exc.command[1] if isinstance(exc.command, list) and len(exc.command) > 1 else ""
        raise BranchError(f"git {command} failed: {str(exc.stderr).strip()}") from None


def _run(repo: git.Repo, prefix: str, request: BranchRequest, rules: Sequence[Rule],
         config: Config, say: Callable[[str], None]) -> BranchRun:
    _check_request(request)
    base = _base_commit(repo, request.base, prefix)
    author = author_from(repo, request.author)
    # Every refusal comes before anything is written, so a refused run changes nothing.
    old_tip = check_existing(repo, request.name, base)
    remote_tip = check_remote(repo, request.push, request.name, base) if request.push else None
    source = CommitSource(repo, base, prefix)
    result = engine.fix(Tree(source), rules, config)
    if input_errors(result.errors) or not result.applied:  # a rule crash blocks nothing
        return BranchRun(result, [])
    linked = sorted({path for fix in result.applied for path in fix.files
                     if source.is_link(path)})
    if linked:  # the working tree's --apply refuses the same
        raise BranchRefused(f"{linked[0]}:1: is a symbolic link; fixer does not write "
                            "through links")
    made = make_commits(repo, base, prefix, result.applied, author, commit_date(),
                        committer_from(author))
    if _signing_asked(repo):
        say("fixer: commit.gpgsign is set, but fixer writes its commits itself and does not "
            "sign them; sign them with `git rebase --exec 'git commit --amend --no-edit -S'`")
    tip = made[-1].commit
    if _holds_already(repo, base, tip, old_tip, remote_tip, request):
        # A rerun with nothing new: no new tip, no force-push, no pull request churn.
        return BranchRun(result, [], up_to_date=True)
    if request.push:   # first: a failed push leaves the local branch where it was
        push_commit(repo, request.push, request.name, tip.hexsha, remote_tip)
    set_branch(repo, request.name, tip, old_tip)
    for item in made:
        say(f"{item.commit.hexsha[:12]} {subject_of(item.commit)}")
    if request.push:
        say(f"pushed {request.name} to {request.push}")
    if request.pr_body is not None:
        body = prbody.render(made, request.name, result, config)
        request.pr_body.write_text(body, encoding="utf-8")
    return BranchRun(result, made)


def _holds_already(repo: git.Repo, base: git.Commit, tip: git.Commit,
                   old_tip: git.Commit | None, remote_tip: str | None,
                   request: BranchRequest) -> bool:
    """The branch is built on the same base and has the very tree these fixes make, and the
    remote (when pushing) has that branch: the commit dates differ, nothing else does."""
    if old_tip is None or tip.tree.binsha != old_tip.tree.binsha:
        return False
    if not repo.is_ancestor(base, old_tip):   # the base moved on: the branch is rebuilt
        return False
    return request.push is None or remote_tip == old_tip.hexsha


def _signing_asked(repo: git.Repo) -> bool:
    value = repo.config_reader().get_value("commit", "gpgsign", "false")
    return str(value).lower() in ("true", "yes", "on", "1")


def _check_request(request: BranchRequest) -> None:
    """What the options themselves make impossible, refused before any git work."""
    if request.push is not None and request.push.startswith("-"):
        raise BranchRefused(f"--push {request.push}: a remote's name does not start with '-'")
    folder = request.pr_body.parent if request.pr_body is not None else None
    if folder is not None and not folder.is_dir():
        raise BranchRefused(f"--pr-body {request.pr_body}: the folder {folder} does not exist")


def _base_commit(repo: git.Repo, ref: str, prefix: str) -> git.Commit:
    try:
        base = repo.commit(ref)
    except (git.BadName, ValueError):
        raise BranchError(f"--base {ref}: no such commit") from None
    if prefix:
        try:
            base.tree / prefix
        except KeyError:
            raise BranchError(f"{prefix}: not in commit {ref} ({base.hexsha[:12]})") from None
    return base
