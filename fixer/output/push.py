"""Pushing the fix branch with force-with-lease: a recreated branch replaces only what
fixer itself pushed before, and never a branch someone has added commits to.
"""

from __future__ import annotations

import git

from fixer.output.branch import refuse_foreign


def remote_tip(repo: git.Repo, remote: str, name: str) -> str | None:
    listing = repo.git.ls_remote(remote, f"refs/heads/{name}")
    return listing.split()[0] if listing.strip() else None


def push_branch(repo: git.Repo, remote: str, name: str, base: git.Commit) -> None:
    tip = remote_tip(repo, remote, name)
    if tip is not None:
        # Only FETCH_HEAD and objects are written: the work tree, index and HEAD stay.
        repo.git.fetch(remote, f"refs/heads/{name}")
        refuse_foreign(repo, repo.commit(tip), base, f"{remote}/{name}")
    lease = f"--force-with-lease=refs/heads/{name}:{tip or ''}"
    repo.git.push(lease, remote, f"refs/heads/{name}:refs/heads/{name}")
