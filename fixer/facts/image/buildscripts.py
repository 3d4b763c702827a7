"""The repository's build scripts: CI workflows, Makefiles, shell scripts and the other
files that build images or run Compose. What they say about a build that the compose files
do not (a Dockerfile they name, the `--project-directory` they run Compose with) is
evidence a rule weighs before it calls something missing or unused.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.derived import Memo
from fixer.model.workspace import Workspace

# Files that may build or name a Dockerfile by path, or run Compose.
_SCRIPT = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Makefile|[^/]+\.mk|Jenkinsfile|"
    r"[^/]+\.sh|\.circleci/config\.ya?ml|azure-pipelines[^/]*\.ya?ml|bitbucket-pipelines\.yml|"
    r"skaffold[^/]*\.ya?ml|docker-bake[^/]*\.(hcl|json)|[^/]*compose[^/]*\.ya?ml|\.drone\.ya?ml|"
    r"cloudbuild[^/]*\.ya?ml|Tiltfile|justfile|Taskfile\.ya?ml)$"
)
_PROJECT_DIRECTORY = re.compile(r"--project-directory(?:=|\s+)[\"']?([\w./-]+)")

# per workspace: the folders Compose is run from with `--project-directory`
_PROJECT_DIRECTORIES: Memo[list[str]] = Memo("compose project directories")


def is_build_script(path: str) -> bool:
    return bool(_SCRIPT.search(path))


def project_directories(ws: Workspace) -> list[str]:
    """The folders the build scripts give Compose with `--project-directory`, as repository
    paths ("" for the root), each resolved from its script's folder."""
    return ws.derived.get(_PROJECT_DIRECTORIES, lambda: _project_directories(ws))


def _project_directories(ws: Workspace) -> list[str]:
    found: list[str] = []
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)):
        file = ws.read(path)
        if file is None or "--project-directory" not in file.text:
            continue
        for match in _PROJECT_DIRECTORY.finditer(file.text):
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), match.group(1)))
            if not folder.startswith(".."):
                found.append("" if folder == "." else folder)
    return list(dict.fromkeys(found))
