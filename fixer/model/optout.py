"""Whether the user turned a rule off for a place: the rule does not run (`--select`,
`--ignore`), `per-service-ignores` names it for the service, or a `# fixer: ignore[...]`
comment covers the line.

The engine drops such findings (`engine/suppress.py`). A fix that would make another rule's
change on the way asks here first: C005 or C001 writing a short `depends_on` list out in
long form gates its other entries as C003 would, and must not where C003 is turned off. A
rule asks too before its fix changes a part of its finding (`Violation.parts`) a comment
takes out.
"""

from __future__ import annotations

from fixer.core.derived import Memo
from fixer.core.errors import InputError
from fixer.model.workspace import Workspace
from fixer.sources.suppressions import Suppression, comments

# per file: its text decides, so a file no fix touched keeps them across fix rounds
_COMMENTS: Memo[list[Suppression]] = Memo("suppression comments")


def comments_of(ws: Workspace, path: str) -> list[Suppression]:
    """The suppression comments of a file; none when it is absent or unreadable (the rule
    that reads it reports why)."""
    if not ws.tree.exists(path):
        return []
    try:
        file = ws.tree.read(path)
    except InputError:
        return []
    return file.derived.get(_COMMENTS, lambda: comments(file))


def turned_off(ws: Workspace, code: str, service: str | None, path: str, line: int) -> bool:
    """The user turned `code` off for a finding of `service` at `path:line`."""
    config = ws.config
    if config.rules_run is not None and code not in config.rules_run:
        return True
    return ignored(ws, code, service, path, line)


def ignored(ws: Workspace, code: str, service: str | None, path: str, line: int) -> bool:
    """The user said no to `code` there: `--ignore` or the file's `ignore`, its
    `per-service-ignores`, or a comment; not a `--select` that merely leaves it out. C004
    asks this before it adds the health route (H001's change) or installs curl (D003's) its
    probe needs: parts of its own fix, which a narrower `--select C004` still wants."""
    config = ws.config
    if any(code.startswith(prefix) for prefix in (*config.ignored, *config.ignored_for(service))):
        return True
    return commented(ws, code, path, line)


def commented(ws: Workspace, code: str, path: str, line: int | None) -> bool:
    """A `# fixer: ignore[...]` comment covers `code` at `path:line`: a finding's own line
    (the engine drops it), one of its parts (`Violation.parts`, which its rule leaves out), or
    the place of another rule's change a fix would make on the way. A whole file (`line`
    None) has no line a comment covers."""
    return line is not None and any(s.code_for(path, line, code) for s in comments_of(ws, path))
