"""The build a stack's base file runs alone, where a `-f` overlay builds the service
otherwise (`docker-compose.dev.yml` swapping `Dockerfile` for `Dockerfile.dev`): fixer judges
the stack with every file merged, and `docker compose up` builds the base's Dockerfile,
which that view never reads. S001 asks whether that Dockerfile exists, D004 whether its
COPY sources do.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from fixer.core.derived import Memo
from fixer.core.errors import InputError
from fixer.facts.image.buildscripts import compose_runs
from fixer.model.services import BuiltService, Service
from fixer.model.stacks import CANONICAL, is_auto_override
from fixer.model.workspace import Workspace, without_files

# per workspace: the built services the base files run alone, where they build otherwise
_ALONE: Memo[list[BuiltService]] = Memo("builds of base files run alone")


def run_alone(ws: Workspace, service: Service) -> Service | None:
    """The service without the stack's `-f` overlays, where one of them sets its `build:`
    and Compose also runs the base file without them: `docker compose up` loads a default
    file (`docker-compose.yml`, with Compose's own override file) and no `-f` overlay, and
    a build script may run the base with `-f` alone. Whatever the overlay builds, that run
    builds the base's Dockerfile. None otherwise (a base only ever given with its
    overlays, `docker-compose.base.yml`, is judged merged)."""
    if service.overlay_setting(("build",)) is None:
        return None
    first = service.stack.docs[0]
    overlays = [doc for doc in service.stack.docs[1:] if not is_auto_override(doc, first)]
    alone = without_files(service, overlays)
    if not alone.definitions or alone.first_doc() is not service.first_doc():
        return None   # an overlay defines the service: the base alone has none to build
    if posixpath.basename(first.path) in CANONICAL or any(
            run.command.named is not None and all(o.path not in run.command.named
                                                  for o in overlays)
            for run in compose_runs(ws, first.path)):
        return alone
    return None


def built_alone(ws: Workspace) -> list[BuiltService]:
    """The services as their base files run them alone (`run_alone`), where that run builds
    a Dockerfile the merged stack does not, and the file exists: the build a plain `docker
    compose up` makes, judged beside the merged one."""
    return ws.derived.get(_ALONE, lambda: list(_built_alone(ws)))


def _built_alone(ws: Workspace) -> Iterator[BuiltService]:
    for service in ws.services():
        alone = run_alone(ws, service)
        if alone is None or alone.get("extends") is not None:
            continue
        try:
            app = ws.app_of(alone)
        except InputError:
            continue   # the merged stack's run reports what it can
        merged = service.app if isinstance(service, BuiltService) else None
        if app is None or (merged is not None and merged.dockerfile.path == app.dockerfile.path
                           and merged.stage.index == app.stage.index):
            continue
        yield BuiltService(alone.name, alone.stack, alone.definitions, app)
