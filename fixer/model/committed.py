"""Whether a file a fix writes reaches the repository."""

from __future__ import annotations

from fixer.model.workspace import Workspace


def not_committed(ws: Workspace, path: str) -> str | None:
    """Why a file written at `path` would not be committed: the repository's git ignore
    rules leave it out (`__init__.py` in `.gitignore`). fixer reads what git keeps, so the
    finding would come back on the next run, the file on disk unseen."""
    if path in ws.tree.ignored([path]):
        return f"the repository's .gitignore ignores {path}: a file written there would not " \
            "be committed"
    return None
