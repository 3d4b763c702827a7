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
    mentions = _mentions(ws)
    for service in ws.apps():
        for stray in _strays(ws, service):
            if stray in seen or stray in built:
                continue
            seen.add(stray)
            yield _report(ws, service, stray, mentions)


def _package_folder(service: Service) -> str | None:
    """The folder of the app module's package: `app` for `app.main:app`, `src` for
    `src.main:app`, `app` for `python app/run.py`; None for a top-level `main:app`."""
    assert service.app is not None
    launch = service.app.listen.launch
    target = launch.target if launch is not None else None
    if target is None:
        return "app"  # the layout RULES.md assumes when nothing says otherwise
    if target.startswith("-m "):
        module = target[3:]
    elif target.endswith(".py"):
        return posixpath.dirname(target.lstrip("/")) or None
    else:
        module = target.split(":")[0]
    parts = module.split(".")[:-1]
    return "/".join(parts) or None


def _strays(ws: Workspace, service: Service) -> list[str]:
    assert service.app is not None
    context = service.app.build.context
    folder = _package_folder(service)
    if folder is None:
        return []
    path = posixpath.join(context, folder, "Dockerfile") if context else f"{folder}/Dockerfile"
    return [path] if ws.tree.exists(path) else []


def _report(ws: Workspace, service: Service, stray: str,
            mentions: dict[str, set[str]]) -> Report:
    assert service.app is not None
    built = service.app.dockerfile.path
    stray_file = ws.read(stray)
    # Identical to the built Dockerfile now, or before fixer edited it in this run.
    versions = {service.app.dockerfile.file.encode()}
    original = ws.tree.original(built)
    if original is not None:
        versions.add(original.encode())
    same = stray_file is not None and stray_file.encode() in versions
    referrers = _referrers(ws, stray, service.app.build.context, mentions)
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


def _referrers(ws: Workspace, stray: str, context: str,
               mentions: dict[str, set[str]]) -> list[str]:
    """Files that name the stray: by its repository path, or, inside the service folder, by
    its path from there (`app/Dockerfile`). A longer path ending in it also counts: a false
    match only makes the fix unsafe."""
    inside = stray[len(context) + 1:] if context else stray
    found = []
    for path, written in mentions.items():
        local = not context or path.startswith(context + "/")
        if any(_names(w, stray) or (local and _names(w, inside)) for w in written):
            found.append(path)
    return found


def _names(written: str, path: str) -> bool:
    return written == path or written.endswith("/" + path)


# A path to a Dockerfile as written in a CI file, Makefile or compose file.
_DOCKERFILE_PATH = re.compile(r"[\w./-]*Dockerfile[\w.-]*")


def _mentions(ws: Workspace) -> dict[str, set[str]]:
    """Each file that may build a Dockerfile -> the Dockerfile paths it writes; read once."""
    out: dict[str, set[str]] = {}
    for path in sorted(p for p in ws.tree.paths() if _REFERRERS.search(p)):
        file = ws.read(path)
        if file is not None:
            out[path] = set(_DOCKERFILE_PATH.findall(file.text))
    return out


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return [DeleteFile(finding.report.path)]
