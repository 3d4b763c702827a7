"""Fixes that would write through a symbolic link, or into a file a link leads to, are
display-only.

A file that is a link (`Dockerfile -> ../docker/Dockerfile.python`, a compose file linked
from `deploy/`), or one in a linked folder, is read as its target, but a write there would
land in another file, maybe shared or outside the repository, and `git apply` rejects a
patch through a link. A file a link leads to (`b/Dockerfile -> ../a/Dockerfile`) is read
under both names, and a fix for the service of one would change the other's too. Whether a
fix writes through one, or into one, is known only from its edits, so
the check builds the edits of each fixable finding, where the tree has links at all, and
holds such fixes here, once for every rule: the finding stays, with the link as its reason,
and the other fixes go on.
"""

from __future__ import annotations

from dataclasses import replace

from fixer.model.rule import Finding
from fixer.model.workspace import Workspace


def hold(ws: Workspace, findings: list[Finding], fixing: bool) -> list[Finding]:
    """The findings, each fix whose edits touch a symbolic link made display-only. A fix
    run (`fixing`) reads the edits it builds anyway; `fixer check` builds none, and judges
    by the files the finding names (its own and its causes'), which a fix run may find to
    be fewer than its edits touch."""
    if not ws.tree.source.links():   # the common case: no link, no edit built
        return findings
    return [_held(ws, finding, fixing) for finding in findings]


def _held(ws: Workspace, finding: Finding, fixing: bool) -> Finding:
    if not finding.fixable:
        return finding
    try:
        paths = sorted({edit.path for edit in finding.edits()} if fixing else
                       {finding.path, *(cause.path for cause in finding.causes)})
    except Exception:   # the fix run reports a fix that cannot be built, with its crash
        return finding
    for path in paths:
        found = ws.tree.link_on(path)
        shared = ws.tree.link_to(path) if found is None else None
        if found is not None:
            link, target = found
            reason = (f"{link} is a symbolic link to {target}; fixer does not write through "
                      "links")
        elif shared is not None:
            link, target = shared
            reason = (f"{link} is a symbolic link to {target}: a change to {path} changes "
                      f"what {link} holds too, and fixer does not change a file a link shares")
        else:
            continue
        return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason))
    return finding
