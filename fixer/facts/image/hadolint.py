"""Whether a repository lints its Dockerfiles with hadolint.

An install fixer adds is not version-pinned (a pinned Debian version breaks the build once
the slim base moves on), which hadolint reports (DL3008, DL3018; DL3059 for two one-command
RUNs in a row). Where the repository runs hadolint, the new layer carries its ignore pragma,
so that the fix adds no finding its CI would fail on; elsewhere the pragma would be noise in
a hunk meant to be minimal. Evidence, read once per workspace: a hadolint configuration
file, a `# hadolint` comment in a Dockerfile, or a CI, pre-commit or build file that names
hadolint or a linter suite that runs it (Super-Linter, MegaLinter). A rule the root
configuration file ignores (`ignored: [DL3008]`) gets no pragma: hadolint says nothing there.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import is_dockerfile
from fixer.model.workspace import Workspace

_CONFIGS = frozenset({".hadolint.yaml", ".hadolint.yml", "hadolint.yaml", "hadolint.yml"})
# Files that run the repository's linters: CI pipelines, hooks, build scripts.
_RUNNERS = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml", ".gitlab-ci.yml",
                      "Makefile", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml",
                      "justfile", "Justfile", "Taskfile.yml", "lefthook.yml", ".mega-linter.yml",
                      ".megalinter.yml", "tox.ini", "noxfile.py"})
_RUNNER_FOLDERS = (".github/workflows/", ".circleci/", ".gitlab/")
_NAMED = lazy_compile(r"hadolint|super-linter|mega-?linter", re.I)

_RUNS: Memo[bool] = Memo("repository runs hadolint")
_IGNORED: Memo[frozenset[str]] = Memo("rules hadolint's configuration ignores")
# what an unpinned install (DL3008 apt, DL3018 apk) and two one-command RUNs (DL3059) raise
PRAGMA_CODES = frozenset({"DL3008", "DL3018", "DL3059"})
# a rule code in the `ignored:` list of a configuration file (`- DL3008`, `[DL3008, DL3059]`)
_CODE = lazy_compile(r"\bDL\d{4}\b")
_IGNORED_LIST = lazy_compile(r"^ignored:\s*(\[[^\]]*\]|(?:\s*\n\s*-\s*\S+.*)+)", re.M)


def runs_hadolint(ws: Workspace) -> bool:
    return ws.derived.get(_RUNS, lambda: _runs(ws))


def pragmas(ws: Workspace) -> frozenset[str]:
    """The hadolint rules an install fixer adds carries an ignore pragma for: none where the
    repository does not run hadolint, and none its configuration ignores already (a pragma
    for DL3008 under `ignored: [DL3008]` is noise)."""
    if not runs_hadolint(ws):
        return frozenset()
    ignored: frozenset[str] = ws.derived.get(_IGNORED, lambda: _ignored(ws))
    return PRAGMA_CODES - ignored


def _ignored(ws: Workspace) -> frozenset[str]:
    found: set[str] = set()
    for path in ws.tree.paths():
        if posixpath.basename(path) in _CONFIGS and posixpath.dirname(path) == "":
            file = ws.tree.peek(path)
            for match in _IGNORED_LIST.finditer(file.text if file is not None else ""):
                found |= set(_CODE.findall(match.group(1)))
    return frozenset(found)


def _runs(ws: Workspace) -> bool:
    for path in ws.tree.paths():
        name = posixpath.basename(path)
        if name in _CONFIGS:
            return True
        if name in _RUNNERS or path.startswith(_RUNNER_FOLDERS) or is_dockerfile(name):
            file = ws.tree.peek(path)   # unnoted: an unreadable file is the rules' to report
            if file is not None and _names_hadolint(file.text):
                return True
    return False


def _names_hadolint(text: str) -> bool:
    """`_NAMED` finds a name in the text. Each name holds "lint", so an ASCII text without it
    (in any case) needs no pass of the case-blind pattern, which has no literal to scan for
    and is tried at every offset of every Dockerfile of the tree. Only an ASCII text: under
    IGNORECASE a non-ASCII letter (the dotless `ı`) may stand for an ASCII one."""
    if text.isascii() and "lint" not in text.lower():
        return False
    return _NAMED.search(text) is not None
