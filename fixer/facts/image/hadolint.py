"""The hadolint rules an install fixer adds carries an ignore pragma for.

An install fixer adds is not version-pinned (a pinned Debian version breaks the build once
the slim base moves on), which hadolint reports (DL3008, DL3018; DL3059 for two one-command
RUNs in a row). A fixed Dockerfile has no hadolint finding its original did not have, so the
new layer carries the rule's ignore pragma, in every repository: hadolint runs in editors and
CI jobs a repository's files do not show. A rule the root configuration file ignores
(`ignored: [DL3008]`) gets no pragma: hadolint says nothing there, and the pragma would be
noise; nor one a Dockerfile's own `# hadolint global ignore=` names, in that file.
"""

from __future__ import annotations

import re

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.model.workspace import Workspace

# the configuration files hadolint reads from the folder it runs in
_CONFIGS = frozenset({".hadolint.yaml", ".hadolint.yml", "hadolint.yaml", "hadolint.yml"})
_IGNORED: Memo[frozenset[str]] = Memo("rules hadolint's configuration ignores")
# what an unpinned install (DL3008 apt, DL3018 apk) and two one-command RUNs (DL3059) raise
PRAGMA_CODES = frozenset({"DL3008", "DL3018", "DL3059"})
# a rule code in the `ignored:` list of a configuration file (`- DL3008`, `[DL3008, DL3059]`)
_CODE = lazy_compile(r"\bDL\d{4}\b")
_IGNORED_LIST = lazy_compile(r"^ignored:\s*(\[[^\]]*\]|(?:\s*\n\s*-\s*\S+.*)+)", re.M)


def pragmas(ws: Workspace) -> frozenset[str]:
    """The hadolint rules an install fixer adds carries an ignore pragma for: each one it
    raises, but those the repository's configuration ignores already."""
    ignored: frozenset[str] = ws.derived.get(_IGNORED, lambda: _ignored(ws))
    return PRAGMA_CODES - ignored


def _ignored(ws: Workspace) -> frozenset[str]:
    """The rules the `ignored:` list of the repository's hadolint configuration names."""
    found: set[str] = set()
    for name in sorted(_CONFIGS):
        file = ws.tree.peek(name) if ws.tree.exists(name) else None
        for match in _IGNORED_LIST.finditer(file.text if file is not None else ""):
            found |= set(_CODE.findall(match.group(1)))
    return frozenset(found)


# `# hadolint global ignore=DL3008,DL3059`: rules a Dockerfile turns off for all its lines
_GLOBAL_IGNORE = lazy_compile(r"^[ \t]*#[ \t]*hadolint[ \t]+global[ \t]+ignore=([\w, \t]+)", re.M)


def ignored_globally(text: str) -> frozenset[str]:
    """The rules a Dockerfile's own global pragmas ignore: a line pragma for one, in that
    file, is noise."""
    return frozenset(code.strip() for match in _GLOBAL_IGNORE.finditer(text)
                     for code in match.group(1).split(",") if code.strip())
