"""Whose commits a fix branch holds. A commit is fixer's only while its content is what fixer
wrote: a reviewer's `git commit --amend --no-edit` keeps fixer's message and trailers but
not its tree, and the Fixer-Tree trailer tells the two apart. Fixer-Base names the commit
fixer built on, so a commit slipped in below fixer's is found too.

Everything is read from the branch's own commits, never from the history below them: a
shallow clone, which lacks that history, judges a branch as a full clone does once it has
the branch's commits (fetching the branch brings them). A clone depth that cuts the branch
itself is an error that names the fix. A branch of that name holding no fixer commit at all
(`staging`, `develop`, the default branch, even one whose tip is the base) was never fixer's:
it is refused, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import git

TRAILER_RULE = "Fixer-Rule"
TRAILER_FINGERPRINT = "Fixer-Fingerprint"
TRAILER_TREE = "Fixer-Tree"
TRAILER_BASE = "Fixer-Base"


@dataclass(frozen=True)
class Edit:
    """The first commit, from the tip down, that makes the branch a person's, and why."""
    commit: git.Commit
    reason: str
    # no commit of the branch above the base is fixer's: a person's own branch of that
    # name, or fixer's whose commits a person squashed or rewrote; never fixer's to delete
    none_of_fixers: bool = False


@dataclass(frozen=True)
class BranchState:
    label: str                # "branch NAME" or "REMOTE/NAME"
    tip: git.Commit
    base: str | None          # the commit fixer's commits are on; None when a person edited it
    edit: Edit | None = None

    def holds(self, base: git.Commit, tip: git.Commit) -> bool:
        """Built on `base` with the very tree of `tip`: only the commit dates differ."""
        return self.base == base.hexsha and self.tip.tree.binsha == tip.tree.binsha


def message_of(commit: git.Commit) -> str:
    message = commit.message
    return message if isinstance(message, str) else message.decode("utf-8", "replace")


def subject_of(commit: git.Commit) -> str:
    return message_of(commit).split("\n", 1)[0]


def trailers(commit: git.Commit) -> dict[str, str]:
    """`Key: value` lines of the message's last paragraph (its trailer block); a key given
    twice keeps its first value. A commit whose fix settles several findings has a
    Fixer-Fingerprint for each: its own finding's first; ownership asks only that one is
    there."""
    paragraphs = [p for p in message_of(commit).strip().split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return {}
    found: dict[str, str] = {}
    for line in paragraphs[-1].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found.setdefault(key.strip(), value.strip())
    return found


def not_fixers(commit: git.Commit) -> str | None:
    """None when fixer wrote this commit as it is now; else why it is a person's."""
    found = trailers(commit)
    if not {TRAILER_RULE, TRAILER_FINGERPRINT} <= set(found):
        return "is not fixer's"
    if len(commit.parents) != 1:
        return "is a merge"
    if found.get(TRAILER_TREE) != commit.tree.hexsha or TRAILER_BASE not in found:
        return "has fixer's message but not the content fixer committed (amended?)"
    return None


class ShallowClone(Exception):
    """A commit of the branch is not in this clone: fixer cannot tell whose it is."""

    def __init__(self, label: str, missing: str) -> None:
        super().__init__(
            f"{label}: commit {missing[:12]} of the branch is not in this clone (a shallow "
            "clone?), so fixer cannot tell its own commits from a person's; nothing was "
            "written. Fetch the whole history: `fetch-depth: 0` for actions/checkout, "
            "`GIT_DEPTH: 0` in GitLab CI, or `git fetch --unshallow`")


class NotFixers(Exception):
    """The branch exists and no commit of it is fixer's: it is someone's branch of that name
    (`develop`, `staging`, the default branch), never fixer's to move."""

    def __init__(self, label: str) -> None:
        super().__init__(f"{label} exists and holds no fixer commits; name another branch")


def read_branch(repo: git.Repo, tip: git.Commit, base: git.Commit, label: str) -> BranchState:
    """Walk down from the tip while the commits are fixer's: the branch is fixer's when the
    walk ends on the commit they name as their base. A branch whose tip is fixer's commit
    and in the base already (its fixes merged by fast-forward) holds nothing to lose. A
    branch whose tip is the base or below it, and no fixer commit, is a person's (a
    `staging` or `main` pointing where HEAD is): NotFixers, never taken over. One with a
    person's commits above the base is theirs too, and left alone (`Edit`), saying so when
    it holds no fixer commit at all (a `feature` branch, or fixer's squashed by a person)."""
    reason = not_fixers(tip)
    at_or_below = tip.hexsha == base.hexsha or _is_ancestor(repo, tip, base)
    if reason is not None and at_or_below:
        raise NotFixers(label)
    if at_or_below:
        return BranchState(label, tip, tip.hexsha)
    if reason is not None:
        return BranchState(label, tip, None,
                           Edit(tip, reason, none_of_fixers=not _holds_fixers(repo, tip, base)))
    built_on = trailers(tip)[TRAILER_BASE]
    commit = tip
    while True:
        below = commit.parents[0]
        if below.hexsha == built_on:
            return BranchState(label, tip, built_on)
        reason = _below_reason(below, built_on, label)
        if reason is not None:
            return BranchState(label, tip, None, Edit(below, reason))
        commit = below


# How far down a branch fixer looks for a commit of its own before calling it a person's.
_OWN_COMMITS_LOOKED_AT = 5000


def _holds_fixers(repo: git.Repo, tip: git.Commit, base: git.Commit) -> bool:
    """Whether a commit between the base and the tip carries fixer's trailers: a branch
    fixer made and a person then edited, rather than a person's own branch of that name."""
    try:
        commits = repo.iter_commits(f"{base.hexsha}..{tip.hexsha}",
                                    max_count=_OWN_COMMITS_LOOKED_AT)
        return any(TRAILER_RULE in trailers(commit) for commit in commits)
    except (git.GitCommandError, ValueError):   # a shallow clone: assume it may be fixer's
        return True


def _below_reason(commit: git.Commit, built_on: str, label: str) -> str | None:
    """Why a commit between the tip and fixer's base is not part of fixer's run."""
    try:
        reason = not_fixers(commit)
    except ValueError:   # gitpython's word for an object the clone does not have
        raise ShallowClone(label, commit.hexsha) from None
    if reason is None and trailers(commit)[TRAILER_BASE] != built_on:
        return "is fixer's, from another run"
    return reason


def _is_ancestor(repo: git.Repo, commit: git.Commit, of: git.Commit) -> bool:
    try:
        return bool(repo.is_ancestor(commit, of))
    except git.GitCommandError:   # a shallow clone may not know; then it is not shown
        return False
