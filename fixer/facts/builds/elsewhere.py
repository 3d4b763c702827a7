"""Where Compose finds a build's Dockerfile that is not where the compose file's own folder
puts it: the repository's scripts run Compose with another project directory (`docker compose
--project-directory . -f infra/docker-compose.yml` resolves `context: .` from the root), a
compose file of a folder above is loaded before it with `-f`, or an `include:` entry gives
its `project_directory:`. S001 reports no missing Dockerfile there; fixer resolves a stack's
paths from its first file's folder only, so it read no image there either, and the check's
note says so."""

from __future__ import annotations

import posixpath

from fixer.facts.image.buildscripts import project_directories
from fixer.model.services import Build
from fixer.model.stacks import folders_above
from fixer.model.workspace import Workspace
from fixer.sources.compose import Value, elements, get, scalar, string_list


def project_folder_holding(ws: Workspace, build: Build) -> str | None:
    """The first project directory Compose may resolve the build from where its Dockerfile
    exists ("" for the repository's root); None where there is none."""
    context = scalar(build.node) or scalar(get(build.node, "context")) or "."
    name = scalar(get(build.node, "dockerfile")) or "Dockerfile"
    above = folders_above(ws.compose_docs, posixpath.dirname(build.doc.path))
    return next((folder for folder in [*project_directories(ws), *sorted(above),
                                       *_include_project_directories(ws, build.doc.path)]
                 if ws.tree.exists(posixpath.normpath(posixpath.join(folder, context, name)))),
                None)


def _include_project_directories(ws: Workspace, path: str) -> list[str]:
    """The `project_directory:` of each `include:` entry that loads the compose file at
    `path`: Compose resolves that file's relative paths from there."""
    found = []
    for doc in ws.compose_docs.values():
        entries = get(Value(doc.root), "include")
        folder = posixpath.dirname(doc.path)
        for entry in elements(entries) if entries is not None else []:
            given = scalar(get(entry, "project_directory"))
            named = [posixpath.normpath(posixpath.join(folder, p))
                     for p in string_list(get(entry, "path")) or []]
            if given and "$" not in given and path in named:
                found.append(posixpath.normpath(posixpath.join(folder, given)))
    return found
