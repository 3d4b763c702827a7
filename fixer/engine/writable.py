"""Fixes that would write where fixer does not write are display-only: through a symbolic
link, into a file a link leads to, or into a compose file written as JSON.

A file that is a link (`Dockerfile -> ../docker/Dockerfile.python`, a compose file linked
from `deploy/`), or one in a linked folder, is read as its target, but a write there would
land in another file, maybe shared or outside the repository, and `git apply` rejects a
patch through a link. A file a link leads to (`b/Dockerfile -> ../a/Dockerfile`) is read
under both names, and a fix for the service of one would change the other's too. A compose
file written as JSON (`{"services": {...}}`, which YAML reads too) would get YAML text the
file's JSON no longer is. Whether a fix writes into such a file is known only from its
edits, so the check builds the edits of each fixable finding, where the tree has links or
JSON compose files at all, and holds such fixes here, once for every rule: the finding
stays, with the reason, and the other fixes go on.
"""

from __future__ import annotations

from dataclasses import replace

from fixer.model.rule import Finding
from fixer.model.workspace import Workspace


def hold(ws: Workspace, findings: list[Finding], fixing: bool) -> list[Finding]:
    """The findings, each fix whose edits touch a symbolic link or a JSON compose file made
    display-only. A fix run (`fixing`) reads the edits it builds anyway; `fixer check`
    builds none, and judges by the files the finding names (its own and its causes'), which
    a fix run may find to be fewer than its edits touch."""
    json = _json_compose(ws)
    if not ws.tree.source.links() and not json:   # the common case: no edit built
        return findings
    return [_held(ws, finding, fixing, json) for finding in findings]


def _json_compose(ws: Workspace) -> frozenset[str]:
    """The compose files written as JSON: a flow mapping at the root."""
    return frozenset(path for path, doc in ws.compose_docs.items() if doc.root.flow_style)


def _held(ws: Workspace, finding: Finding, fixing: bool, json: frozenset[str]) -> Finding:
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
        elif path in json:
            reason = (f"{path} is written as JSON, and fixer writes its changes as YAML: make "
                      "this one by hand")
        else:
            continue
        return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason))
    return finding
