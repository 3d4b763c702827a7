"""Pushing the fix branch with force-with-lease: a recreated branch replaces only what
fixer itself pushed before, and never a branch a person has edited.
"""

from __future__ import annotations

import git

from fixer.git.ownership import BranchState, read_branch


def remote_tip(repo: git.Repo, remote: str, name: str) -> str | None:
    listing = str(repo.git.ls_remote(remote, f"refs/heads/{name}"))
    return listing.split()[0] if listing.strip() else None


def check_remote(repo: git.Repo, remote: str, name: str,
                 base: git.Commit) -> BranchState | None:
    """What the remote branch holds (None when it is absent). Read before anything is made,
    so a branch a person edited is left as it was, here and on the remote."""
    tip = remote_tip(repo, remote, name)
    if tip is None:
        return None
    # Only FETCH_HEAD, remote-tracking refs and objects are written: the work tree, the index
    # and HEAD stay. In a shallow clone this brings the branch's commits, all that judging
    # it needs.
    repo.git.fetch("--no-tags", remote, f"refs/heads/{name}")
    return read_branch(repo, repo.commit(tip), base, f"{remote}/{name}")


def push_commit(repo: git.Repo, remote: str, name: str, commit: str,
                expected_tip: str | None) -> None:
    """Push the commit as refs/heads/NAME of the remote, forcing only over the tip that was
    checked: if someone pushed in between, the lease fails and the push is refused. The
    local branch is moved after this succeeds, so a failed push leaves both as they were."""
    lease = f"--force-with-lease=refs/heads/{name}:{expected_tip or ''}"
    repo.git.push("--porcelain", lease, remote, f"{commit}:refs/heads/{name}")
