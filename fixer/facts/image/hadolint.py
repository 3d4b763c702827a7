"""Whether a repository lints its Dockerfiles with hadolint.

An install fixer adds is not version-pinned (a pinned Debian version breaks the build once
the slim base moves on), which hadolint reports (DL3008, DL3018; DL3059 for two one-command
RUNs in a row). Where the repository runs hadolint, the new layer carries its ignore pragma,
so that the fix adds no finding its CI would fail on; elsewhere the pragma would be noise in
a hunk meant to be minimal. Evidence, read once per workspace: a hadolint configuration
file, a `# hadolint` comment in a Dockerfile, or a CI, pre-commit or build file that names
hadolint or a linter suite that runs it (Super-Linter, MegaLinter).
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.derived import Memo
from fixer.model.workspace import Workspace

_CONFIGS = frozenset({".hadolint.yaml", ".hadolint.yml", "hadolint.yaml", "hadolint.yml"})
# Files that run the repository's linters: CI pipelines, hooks, build scripts.
_RUNNERS = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml", ".gitlab-ci.yml",
                      "Makefile", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml",
                      "justfile", "Justfile", "Taskfile.yml", "lefthook.yml", ".mega-linter.yml",
                      ".megalinter.yml", "tox.ini", "noxfile.py"})
_RUNNER_FOLDERS = (".github/workflows/", ".circleci/", ".gitlab/")
_NAMED = re.compile(r"hadolint|super-linter|mega-?linter", re.I)

_RUNS: Memo[bool] = Memo("repository runs hadolint")


def runs_hadolint(ws: Workspace) -> bool:
    return ws.derived.get(_RUNS, lambda: _runs(ws))


def _runs(ws: Workspace) -> bool:
    for path in ws.tree.paths():
        name = posixpath.basename(path)
        if name in _CONFIGS:
            return True
        if name in _RUNNERS or path.startswith(_RUNNER_FOLDERS) or _is_dockerfile(name):
            file = ws.tree.peek(path)   # unnoted: an unreadable file is the rules' to report
            if file is not None and _NAMED.search(file.text):
                return True
    return False


def _is_dockerfile(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("dockerfile") or lowered.endswith(".dockerfile")
