"""Pushing the fix branch with force-with-lease: a recreated branch replaces only what
fixer itself pushed before, and never a branch someone has added commits to.
"""

from __future__ import annotations

import git

from fixer.git.branch import refuse_foreign


def remote_tip(repo: git.Repo, remote: str, name: str) -> str | None:
    listing = str(repo.git.ls_remote(remote, f"refs/heads/{name}"))
    return listing.split()[0] if listing.strip() else None


def check_remote(repo: git.Repo, remote: str, name: str, base: git.Commit) -> str | None:
    """The remote branch's tip (None when absent), refused when it has commits since the
    base that fixer did not make. Checked before anything is made, so a refusal leaves
    the local and the remote branch as they were."""
    tip = remote_tip(repo, remote, name)
    if tip is not None:
        # Only FETCH_HEAD, remote-tracking refs and objects are written: the work tree,
        # the index and HEAD stay.
        repo.git.fetch("--no-tags", remote, f"refs/heads/{name}")
        refuse_foreign(repo, repo.commit(tip), base, f"{remote}/{name}")
    return tip


def push_commit(repo: git.Repo, remote: str, name: str, commit: str,
                expected_tip: str | None) -> None:
    """Push the commit as refs/heads/NAME of the remote, forcing only over the tip that was
    checked: if someone pushed in between, the lease fails and the push is refused. The
    local branch is moved after this succeeds, so a failed push leaves both as they were."""
    lease = f"--force-with-lease=refs/heads/{name}:{expected_tip or ''}"
    repo.git.push("--porcelain", lease, remote, f"{commit}:refs/heads/{name}")
