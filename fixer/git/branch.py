"""`fixer fix --branch NAME`: one commit per applied fix on a branch, written as git objects.

The working tree, the index, HEAD and the current branch are never touched: commits
are built from the base commit's tree plus each fix, and only the branch ref moves.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import git

from fixer.core.lazyre import lazy_compile
from fixer.engine import AppliedFix
from fixer.git.gitobjects import EXEC_MODE, FILE_MODE, Changes, ObjectWriter
from fixer.git.ownership import (
    TRAILER_BASE,
    TRAILER_FINGERPRINT,
    TRAILER_RULE,
    TRAILER_TREE,
    BranchState,
    read_branch,
)
from fixer.model.rule import Finding, Safety

# Used when neither --author nor git config names anyone (a bare CI runner).
DEFAULT_AUTHOR = git.Actor("fixer", "fixer@users.noreply.localhost")
_AUTHOR_SPEC = lazy_compile(r"^\s*([^<>\n]+?)\s*<([^<>\s]+)>\s*$")
# what `git var GIT_AUTHOR_IDENT` prints: `Name <email> <seconds> <+hhmm>`
_IDENT = lazy_compile(r"^(.*) <([^<>]*)> \S+ \S+$")


class BranchRefused(Exception):
    """The branch cannot be (re)made: never overwrite human work or the checked-out branch."""


@dataclass(frozen=True)
class MadeCommit:
    fix: AppliedFix
    commit: git.Commit
    paths: tuple[str, ...]   # from the repository's root (`repo_paths`)
    # the findings of the run's first check the fix settles besides its own
    # (report/fixrun.py `settled_with`): its message and the pull request name them too
    settles: tuple[Finding, ...] = ()
    # the places (in the branch, from 0) of the earlier commits it is made on top of
    # (report/fixrun.py `built_on`): reverting one of them leaves this one short
    builds_on: tuple[int, ...] = ()


def fix_paths(fix: AppliedFix) -> list[str]:
    return sorted({e.path for e in fix.edits})


def repo_path(prefix: str, path: str) -> str:
    """A path of the checked folder as git names it: from the repository's root."""
    return posixpath.join(prefix, path) if prefix else path


def repo_paths(fix: AppliedFix, prefix: str) -> list[str]:
    """The files of the fix as git names them: what its commit changes, its message lists
    and the pull-request body's table shows."""
    return [repo_path(prefix, path) for path in fix_paths(fix)]


def commit_subject(fix: AppliedFix) -> str:
    """`fix(CODE): <what changed> in <service>`; " in <service>" is left out when the
    title already names the service (`make gateway listen on 8080`)."""
    finding = fix.finding
    title = (finding.fix_title or finding.message).strip().rstrip(".")
    reason = f" ({finding.reason})" if finding.reason else ""
    if reason and title.endswith(reason):   # an unsafe fix's reason: the body says it
        title = title[:-len(reason)]
    # Lower-case a leading capital word ("Add ...") but not an acronym ("CMD ...").
    if title[:1].isupper() and not title[1:2].isupper():
        title = title[0].lower() + title[1:]
    service = finding.service
    # a folder of a path (`api/Dockerfile`) names no service: folders and services differ.
    # A Dockerfile other services build too is named for the finding's service alone: a
    # worker built from it listens on no EXPOSE, another target's stage is not changed
    if service and (service.lower() in _FUNCTION_WORDS or
                    not re.search(rf"(?<![\w./-]){re.escape(service)}(?![\w./-])", title)):
        # after a file (`document X in .env.example`), "in grafana" would read as a folder
        title += f" for {service}" if _ENDS_IN_A_PATH.search(title) else f" in {service}"
    return f"fix({finding.code}): {title}"


# words every title may hold (`add a healthcheck on …`): a service named `a` is not named there
_FUNCTION_WORDS = frozenset({"a", "an", "the", "on", "in", "to", "of", "for", "and", "or", "at",
                             "by", "as", "it", "is", "its", "with", "from"})
# a title whose last word is a file or a path (`src/app/__init__.py`, `.env.example`)
_ENDS_IN_A_PATH = re.compile(r"\S*(?:/|\.\w)\S*$")


def distinct_subjects(fixes: list[AppliedFix], prefix: str = "") -> list[str]:
    """Each fix's `commit_subject`; where two fixes of the branch would share one (C004 in
    the base compose file and in an overlay), each of those names the file of its finding
    (from the repository's root, `prefix` being the checked folder's path), so the log
    tells the commits apart."""
    subjects = [commit_subject(fix) for fix in fixes]
    counts = Counter(subjects)
    return [f"{subject} ({repo_path(prefix, fix.finding.path)})" if counts[subject] > 1
            else subject for fix, subject in zip(fixes, subjects)]


def commit_message(fix: AppliedFix, tree: str, base: str, signoff: git.Actor | None = None,
                   subject: str | None = None, prefix: str = "",
                   settles: Sequence[Finding] = (), builds_on: Sequence[str] = ()) -> str:
    """Subject, body and trailers. The body names the finding and each other finding the fix
    settles (`settles`), and so does a Fixer-Fingerprint trailer each. Fixer-Tree is the
    commit's own tree and Fixer-Base the commit the run started from: what tells fixer's
    commits from a person's edit of them. Files are named from the repository's root, as
    the commit's diff names them. `builds_on`: the subjects of the earlier commits of the
    branch it is made on top of."""
    finding = fix.finding
    files = [f"- {path}" for path in repo_paths(fix, prefix)]
    body = [finding.message, *_also_settled(settles), *_built_on(builds_on), "", "Files:",
            *files, "",
            f"{finding.code} {finding.rule.name}: {finding.rule.summary}"]
    reasons = review_reasons(finding, settles)
    if len(reasons) == 1:
        body += ["", f"Unsafe fix, to review: {reasons[0]}"]
    elif reasons:
        body += ["", "Unsafe fix, to review:", *(f"- {reason}" for reason in reasons)]
    # the fingerprints a report shows: of the paths from the repository's root
    home = prefix.rstrip("/") + "/" if prefix else ""
    fingerprints = [f"{TRAILER_FINGERPRINT}: {each.rooted(home).fingerprint}"
                    for each in (finding, *settles)]
    trailers = [f"{TRAILER_RULE}: {finding.code}", *fingerprints,
                f"{TRAILER_TREE}: {tree}", f"{TRAILER_BASE}: {base}"]
    if signoff is not None:   # the Developer Certificate of Origin line `git commit -s` writes
        trailers.append(f"Signed-off-by: {signoff.name} <{signoff.email}>")
    return "\n".join([subject or commit_subject(fix), "", *body, "", *trailers]) + "\n"


def review_reasons(finding: Finding, settles: Sequence[Finding] = ()) -> list[str]:
    """Why the fix is unsafe, for whoever reviews it: its finding's reason, and that of each
    other unsafe finding it settles (one C003 fix writes the entries of two dependencies,
    each with its own doubt), each once. None for a safe fix."""
    if finding.safety is not Safety.UNSAFE:
        return []
    found = [f.reason for f in (finding, *settles) if f.safety is Safety.UNSAFE and f.reason]
    return list(dict.fromkeys(found))


def _also_settled(settles: Sequence[Finding]) -> list[str]:
    """The lines that name the other findings the fix settles, after its own finding."""
    if not settles:
        return []
    return ["", "It also settles:",
            *(f"- {f.code} {f.service or '-'}: {f.message}" for f in settles)]


def _built_on(subjects: Sequence[str]) -> list[str]:
    """The lines that name the earlier commits the fix is made on top of."""
    if not subjects:
        return []
    which = "an earlier commit" if len(subjects) == 1 else "earlier commits"
    them = "it" if len(subjects) == 1 else "them"
    return ["", f"It relies on {which} of the branch; reverting {them} leaves this one short:",
            *(f"- {s}" for s in subjects)]


def check_name(repo: git.Repo, name: str) -> None:
    try:
        repo.git.check_ref_format("--branch", name)
    except git.GitCommandError:
        raise BranchRefused(f"{name!r} is not a valid branch name") from None
    clash = _clashing_branch(repo, name)
    if clash is not None:
        raise BranchRefused(f"branch {name} cannot be made: branch {clash} exists")


def _clashing_branch(repo: git.Repo, name: str) -> str | None:
    """A branch that keeps refs/heads/NAME from being made: one named as a folder of NAME
    (`fixer` for `fixer/autofix`) or one inside NAME as a folder (`fixer/autofix` for
    `fixer`). git refuses such a ref only when it writes it, after every commit is made."""
    parts = name.split("/")
    folders = ["/".join(parts[:count]) for count in range(1, len(parts))]
    # a pattern matches the ref it names and the refs below it as a folder
    listing = repo.git.for_each_ref("--format=%(refname)",
                                    *(f"refs/heads/{path}" for path in [*folders, name]))
    for ref in str(listing).splitlines():
        branch = ref.removeprefix("refs/heads/")
        if branch in folders or branch.startswith(f"{name}/"):
            return branch
    return None


def check_existing(repo: git.Repo, name: str, base: git.Commit) -> BranchState | None:
    """What the branch holds now (None when it does not exist); refused when it is checked
    out anywhere."""
    check_name(repo, name)
    ref = f"refs/heads/{name}"
    if ref in _checked_out(repo):
        raise BranchRefused(f"branch {name} is checked out; fixer only makes branches it "
                            "does not have to check out")
    if name not in [h.name for h in repo.heads]:
        return None
    return read_branch(repo, repo.heads[name].commit, base, f"branch {name}")


def _checked_out(repo: git.Repo) -> set[str]:
    listing = repo.git.worktree("list", "--porcelain")
    return {line.split(" ", 1)[1] for line in listing.splitlines() if line.startswith("branch ")}


def author_from(repo: git.Repo, spec: str | None) -> git.Actor:
    """--author "Name <email>", else the author `git commit` would record, when git's
    configuration or environment names one, else fixer's default."""
    if spec:
        match = _AUTHOR_SPEC.match(spec)
        if match is None:
            raise BranchRefused(f"--author {spec!r}: expected \"Name <email>\"")
        return git.Actor(match.group(1), match.group(2))
    return _git_identity(repo, "GIT_AUTHOR_IDENT") or DEFAULT_AUTHOR


def committer_from(repo: git.Repo, author: git.Actor) -> git.Actor:
    """The committer `git commit` would record, when git's configuration or environment
    names one, else the author."""
    return _git_identity(repo, "GIT_COMMITTER_IDENT") or author


def _git_identity(repo: git.Repo, variable: str) -> git.Actor | None:
    """`git var GIT_AUTHOR_IDENT` (or GIT_COMMITTER_IDENT) in the repository: git resolves
    the identity as `git commit` does (GIT_AUTHOR_NAME and the like, author.name,
    user.name, from every config file git reads, GIT_CONFIG_GLOBAL and GIT_CONFIG_COUNT
    included). None when nothing names one: `user.useConfigOnly` keeps git from making one
    up from the login name and the host name, where fixer's default is wanted."""
    # fixer dates its commits itself; a malformed GIT_*_DATE must not make git refuse here
    dated = {"GIT_AUTHOR_DATE": "@0 +0000", "GIT_COMMITTER_DATE": "@0 +0000"}
    try:
        ident = repo.git(c="user.useConfigOnly=true").var(variable, env=dated)
    except git.GitCommandError:
        return None
    match = _IDENT.match(str(ident).strip())
    return git.Actor(match.group(1), match.group(2)) if match else None


def commit_date() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds' convention), else now; in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Signature:
    """Who the commits are by, and how they are signed."""
    author: git.Actor
    committer: git.Actor
    when: datetime
    signoff: bool = False   # a Signed-off-by trailer for the committer
    sign: bool = False      # signed by git, as commit.gpgsign asks


def make_commits(repo: git.Repo, base: git.Commit, prefix: str, fixes: list[AppliedFix],
                 by: Signature, settled: Mapping[int, tuple[Finding, ...]] | None = None,
                 built_on: Mapping[int, tuple[int, ...]] | None = None) -> list[MadeCommit]:
    """One commit per fix, each on the one before: its tree is its parent's tree plus
    the files of that fix alone. By the fix's place in `fixes`: `settled`, the other
    findings it settles (report/fixrun.py `settled_with`); `built_on`, the places of the
    earlier fixes it is made on top of (`built_on` there)."""
    made: list[MadeCommit] = []
    # one pack of deltas, unless git signs: it must read each tree from the object store
    writer = ObjectWriter(repo, pack=not by.sign)
    parent = base.hexsha
    tree_sha: bytes | None = base.tree.binsha
    subjects = distinct_subjects(fixes, prefix)
    for index, (fix, subject) in enumerate(zip(fixes, subjects)):
        settles = (settled or {}).get(index, ())
        on = (built_on or {}).get(index, ())
        changes = _fix_changes(fix, prefix)
        tree_sha = writer.updated_tree(tree_sha, changes)
        tree = writer.tree_or_empty(tree_sha)
        message = commit_message(fix, tree.hex(), base.hexsha,
                                 by.committer if by.signoff else None, subject, prefix, settles,
                                 [subjects[j] for j in on])
        commit = writer.commit(tree, parent, message, by.author, by.when, by.committer,
                               sign=by.sign)
        made.append(MadeCommit(fix, commit, tuple(repo_paths(fix, prefix)), settles, on))
        parent = commit.hexsha
    writer.finish()
    return made


def _fix_changes(fix: AppliedFix, prefix: str) -> Changes:
    changes: dict[str, tuple[bytes, int] | None] = {}
    files = fix.files   # built on each access
    for path in fix_paths(fix):
        full = repo_path(prefix, path)
        old, new = files[path]
        if new is None:
            changes[full] = None
            continue
        mode = fix.history.base.mode(path) if old is not None else 0o644
        changes[full] = (new.encode(), EXEC_MODE if mode & 0o111 else FILE_MODE)
    return changes


def set_branch(repo: git.Repo, name: str, commit: git.Commit, old: git.Commit | None) -> None:
    """Point refs/heads/NAME at the commit, only if it still is where it was when it was
    checked (compare-and-swap: a concurrent update makes this fail, not lose work)."""
    expected = old.hexsha if old is not None else "0" * 40
    repo.git.update_ref("-m", f"fixer: fix branch {name}", f"refs/heads/{name}",
                        commit.hexsha, expected)
