"""`fixer fix --branch NAME`: one commit per applied fix on a branch, written as git objects.

The working tree, the index, HEAD and the current branch are never touched: commits
are built from the base commit's tree plus each fix, and only the branch ref moves.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from datetime import datetime, timezone

import git

from fixer.engine import AppliedFix
from fixer.output.gitobjects import EXEC_MODE, FILE_MODE, updated_tree
from fixer.textfile import TextFile

TRAILER_RULE = "Fixer-Rule"
TRAILER_FINGERPRINT = "Fixer-Fingerprint"
DEFAULT_AUTHOR = git.Actor("fixer", "fixer@users.noreply.localhost")


class BranchRefused(Exception):
    """The branch holds commits fixer did not make: never overwrite human work."""


@dataclass(frozen=True)
class MadeCommit:
    fix: AppliedFix
    commit: git.Commit
    paths: tuple[str, ...]


def commit_message(fix: AppliedFix) -> str:
    finding = fix.finding
    title = finding.report.fix_title or finding.message
    service = finding.report.service
    what = title[0].lower() + title[1:]
    subject = f"fix({finding.code}): {what}"
    if service and service not in title:
        subject += f" in {service}"
    files = sorted({e.path for e in fix.edits})
    body = [finding.message, "", "Files:", *[f"- {p}" for p in files], "",
            f"{finding.code} {finding.rule.name}: {finding.rule.summary}"]
    trailers = [f"{TRAILER_RULE}: {finding.code}", f"{TRAILER_FINGERPRINT}: {finding.fingerprint}"]
    return "\n".join([subject, "", *body, "", *trailers]) + "\n"


def is_fixer_commit(commit: git.Commit) -> bool:
    message = commit.message if isinstance(commit.message, str) else commit.message.decode()
    return any(line.startswith(f"{TRAILER_RULE}: ") for line in message.splitlines())


def check_existing(repo: git.Repo, name: str, base: git.Commit) -> None:
    """Refuse when branch NAME has commits since the base that fixer did not make."""
    if name not in [h.name for h in repo.heads]:
        return
    refuse_foreign(repo, repo.heads[name].commit, base, name)


def refuse_foreign(repo: git.Repo, tip: git.Commit, base: git.Commit, label: str) -> None:
    for commit in repo.iter_commits(f"{base.hexsha}..{tip.hexsha}"):
        if not is_fixer_commit(commit):
            raise BranchRefused(
                f"{label} has commit {commit.hexsha[:12]} that fixer did not make "
                f"({commit.summary!r}); refusing to overwrite it")


def author_from(repo: git.Repo, spec: str | None) -> git.Actor:
    """--author "Name <email>", else git config user.name/email, else fixer's default."""
    if spec:
        name, _, email = spec.partition("<")
        return git.Actor(name.strip(), email.rstrip(">").strip())
    reader = repo.config_reader()
    name = reader.get_value("user", "name", "")
    email = reader.get_value("user", "email", "")
    if name and email:
        return git.Actor(str(name), str(email))
    return DEFAULT_AUTHOR


def commit_date() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds' convention), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def make_commits(repo: git.Repo, base: git.Commit, prefix: str, fixes: list[AppliedFix],
                 author: git.Actor, when: datetime) -> list[MadeCommit]:
    made: list[MadeCommit] = []
    parent = base
    for fix in fixes:
        changes = _fix_changes(fix, prefix)
        tree_sha = updated_tree(repo, parent.tree.binsha, changes)
        tree = git.Tree(repo, tree_sha) if tree_sha else git.Tree(repo, git.Tree.NULL_BIN_SHA)
        commit = git.Commit.create_from_tree(
            repo, tree, commit_message(fix), parent_commits=[parent], head=False,
            author=author, committer=author, author_date=when, commit_date=when)
        made.append(MadeCommit(fix, commit, tuple(sorted(changes))))
        parent = commit
    return made


def _fix_changes(fix: AppliedFix, prefix: str) -> dict[str, tuple[bytes, int] | None]:
    changes: dict[str, tuple[bytes, int] | None] = {}
    for path in sorted({e.path for e in fix.edits}):
        full = posixpath.join(prefix, path) if prefix else path
        new: TextFile | None = fix.after.read(path) if fix.after.exists(path) else None
        if new is None:
            changes[full] = None
            continue
        mode = fix.before.mode(path) if fix.before.exists(path) else 0o644
        changes[full] = (new.encode(), EXEC_MODE if mode & 0o111 else FILE_MODE)
    return changes


def set_branch(repo: git.Repo, name: str, commit: git.Commit) -> None:
    """Point refs/heads/NAME at the commit; nothing else moves."""
    repo.create_head(name, commit, force=True)
