"""A stray Dockerfile inside the app package, beside the one compose builds.

## What it does
Finds `Dockerfile`s inside the service's app package folder (`app/Dockerfile`
for `uvicorn app.main:app`) when compose builds the service-root Dockerfile.

## Why is this bad?
Two Dockerfiles drift apart: people edit the one that is never built, CI or a
teammate builds the wrong one, and the image that ships is not the one reviewed.

## Example
```text
gateway_service/Dockerfile        <- compose builds this one
gateway_service/app/Dockerfile    <- a copy nobody builds
```

## Use instead
```text
gateway_service/Dockerfile
```

## Fix safety
Safe when the copy is byte-identical to the built Dockerfile and nothing in the
repository (compose files, CI files, Makefiles, scripts) refers to it: the
deletion loses nothing. Unsafe otherwise: the copy may hold changes someone meant
to keep, or a pipeline may build it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from fixer.edits import DeleteFile, Edit
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.workspace import Workspace

CODE = "D001"
NAME = "duplicate-dockerfile"
CATEGORY = Category.DOCKERFILE
SAFETY = (Safety.SAFE, Safety.UNSAFE)

# Files that may build or name a Dockerfile by path.
_REFERRERS = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Makefile|[^/]+\.mk|Jenkinsfile|"
    r"[^/]+\.sh|\.circleci/config\.ya?ml|azure-pipelines[^/]*\.ya?ml|bitbucket-pipelines\.yml|"
    r"skaffold[^/]*\.ya?ml|docker-bake[^/]*\.(hcl|json)|[^/]*compose[^/]*\.ya?ml|\.drone\.ya?ml|"
    r"cloudbuild[^/]*\.ya?ml|Tiltfile|justfile|Taskfile\.ya?ml)$"
)


def detect(ws: Workspace) -> Iterator[Report]:
    seen: set[str] = set()
    built = {s.app.dockerfile.path for s in ws.apps() if s.app is not None}
    referrers = [p for p in sorted(ws.tree.paths()) if _REFERRERS.search(p)]
    for service in ws.apps():
        for stray in _strays(ws, service):
            if stray in seen or stray in built:
                continue
            seen.add(stray)
            yield _report(ws, service, stray, referrers)


def _package_folders(service: Service) -> list[str]:
    """The folders of the app module's packages: `app` for `app.main:app`, else `app`."""
    assert service.app is not None
    target = service.app.listen.launch.target if service.app.listen.launch else None
    module = (target or "app.main:app").split(":")[0]
    parts = module.split(".")[:-1] if ":" in (target or ":") else []
    folders = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return folders or ["app"]


def _strays(ws: Workspace, service: Service) -> list[str]:
    assert service.app is not None
    context = service.app.build.context
    paths = []
    for folder in _package_folders(service):
        path = posixpath.join(context, folder, "Dockerfile") if context else f"{folder}/Dockerfile"
        if ws.tree.exists(path):
            paths.append(path)
    return paths


def _report(ws: Workspace, service: Service, stray: str, candidates: list[str]) -> Report:
    assert service.app is not None
    built = service.app.dockerfile.path
    stray_file = ws.read(stray)
    # Identical to the built Dockerfile now, or before fixer edited it in this run.
    versions = {service.app.dockerfile.file.encode()}
    original = ws.tree.original(built)
    if original is not None:
        versions.add(original.encode())
    same = stray_file is not None and stray_file.encode() in versions
    referrers = _referrers(ws, stray, service.app.build.context, candidates)
    if same and not referrers:
        safety, why = Safety.SAFE, "an identical copy"
    else:
        safety = Safety.UNSAFE
        why = "its content differs" if not same else f"referenced by {', '.join(referrers)}"
    return Report(
        message=f"{stray} duplicates {built}, which compose builds ({why})",
        path=stray, line=1, service=service.name, subject=stray, safety=safety,
        fix_title=f"Delete {stray}",
    )


def _referrers(ws: Workspace, stray: str, context: str, candidates: list[str]) -> list[str]:
    inside = stray[len(context) + 1:] if context else stray
    found = []
    for path in candidates:
        file = ws.read(path)
        if file is None:
            continue
        if stray in file.text or (path.startswith(context + "/") and inside in file.text):
            found.append(path)
    return found


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return [DeleteFile(finding.report.path)]
