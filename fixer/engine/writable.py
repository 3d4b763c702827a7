"""Fixes that would write where fixer does not write are display-only: through a symbolic
link, into a file a link leads to, into a compose file written as JSON, or into a compose
file or Dockerfile that says a tool of the repository writes it ("THIS FILE IS GENERATED -
DO NOT EDIT", naming its source): the next run of that tool undoes the edit, and a check
that the file is up to date fails on it; the change belongs in its source
(`core/generated.py`).

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

from fixer.core.edits import CreateFile, TextEdit
from fixer.core.generated import generated_by
from fixer.core.textfile import has_stray_bytes
from fixer.model.rule import Finding
from fixer.model.workspace import Workspace


def hold(ws: Workspace, findings: list[Finding], fixing: bool) -> list[Finding]:
    """The findings, each fix whose edits touch a symbolic link or a JSON compose file, or
    would write a byte that is not UTF-8 (copied from a file read as bytes), made
    display-only. A fix run (`fixing`) reads the edits it builds anyway; `fixer check` builds
    them only where a file the finding names (its own and its causes') is linked, and judges
    the others by those names, which a fix run may find to be fewer than its edits touch; a
    JSON compose file (rare) by the edits, as a finding's causes often name the compose file
    its fix does not write."""
    json = _json_compose(ws)
    generated = _generated_files(ws)
    stray = fixing and ws.tree.holds_stray_bytes()
    if not ws.tree.source.links() and not json and not stray and not generated:
        return findings   # the common case: no edit built
    return [_held(ws, finding, fixing or bool(json), json, generated) for finding in findings]


def _generated_files(ws: Workspace) -> dict[str, str]:
    """The compose files and Dockerfiles whose header says a tool writes them, with that
    line."""
    found: dict[str, str] = {}
    for path in ws.compose_docs:
        file = ws.read(path)
        line = generated_by(ws.tree, path, file.text) if file is not None else None
        if line is not None:
            found[path] = line
    for service in ws.apps():
        file = service.app.dockerfile.file
        line = generated_by(ws.tree, file.path, file.text) if file.path not in found else None
        if line is not None:
            found[file.path] = line
    return found


def _json_compose(ws: Workspace) -> frozenset[str]:
    """The compose files written as JSON: a flow mapping at the root whose keys are all in
    double quotes (a YAML file of flow style gets flow YAML, as written elsewhere)."""
    return frozenset(path for path, doc in ws.compose_docs.items() if doc.root.flow_style
                     and all(getattr(key, "style", None) == '"' for key, _v in doc.root.value))


def _held(ws: Workspace, finding: Finding, by_edits: bool, json: frozenset[str],
          generated: dict[str, str]) -> Finding:
    if not finding.fixable:
        return finding
    named = None if by_edits else \
        _why_held(ws, sorted({finding.path, *(c.path for c in finding.causes)}), json,
                  generated)
    if not by_edits and named is None:
        return finding
    # a file the finding names is linked: whether the fix writes there is told by its
    # edits (H002's probe rewritten in compose names the linked app module as its cause)
    try:
        edits = finding.edits()
    except Exception:   # the fix run reports a fix that cannot be built, with its crash
        return finding if named is None else _display_only(finding, named)
    written = next((edit.path for edit in edits if isinstance(edit, (TextEdit, CreateFile))
                    and has_stray_bytes(edit.text)), None)
    if written is not None:
        return _display_only(finding, f"the fix would write into {written} bytes of a file "
                                      "that is not UTF-8, which fixer copies nowhere")
    reason = _why_held(ws, sorted({edit.path for edit in edits}), json, generated)
    return finding if reason is None else _display_only(finding, reason)


def _why_held(ws: Workspace, paths: list[str], json: frozenset[str],
              generated: dict[str, str]) -> str | None:
    """Why a fix writing into these files would be display-only; None when it would not."""
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
        elif path in generated:
            reason = (f"{path} says it is generated (`{generated[path]}`): an edit is lost "
                      "when it is generated again; make the change where it is generated from")
        else:
            continue
        return reason
    return None


def _display_only(finding: Finding, reason: str) -> Finding:
    return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason))
