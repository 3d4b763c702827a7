"""The service of a stack that builds the image another service runs by its tag alone.

`flower: {image: tasks-app}` beside `web: {build: ./app, image: tasks-app}` runs the image web
builds: Compose builds it before it starts flower, and ignores the failed pull it tries first
for flower, since another service builds that tag. What the image holds (the tools a
healthcheck runs) is then web's final stage, and an install there reaches flower too.

Only a plain local tag that exactly one other service of the stack builds resolves. A name a
registry may serve (`ghcr.io/acme/api:1.2`, `acme/api`, a variable) can be pulled instead of
built (by `pull_policy: always`, or by a deployment), and a tag two services build is whichever
was built last: those stay unknown, as every image-only service was.
"""

from __future__ import annotations

from fixer.core.derived import Memo
from fixer.model.services import BuiltService, Service, Stack
from fixer.model.workspace import Workspace

# per workspace: stack -> local tag -> the services of the stack that build it (`build:`), and
# the image-only services that run it
_BY_TAG: Memo[dict[Stack, dict[str, tuple[list[Service], list[Service]]]]] = \
    Memo("services building and running each local tag")


def image_builder(ws: Workspace, service: Service) -> BuiltService | None:
    """The built service whose final stage `service` runs: itself when it is built, else the
    one other service of its stack that builds its plain local tag; None when fixer cannot
    tell (a published name, a tag two services build, a build whose Dockerfile is missing)."""
    if isinstance(service, BuiltService):
        return service
    tag = _run_tag(service)
    builders = _by_tag(ws, service.stack).get(tag, ([], []))[0] if tag else []
    # not itself: a view of a built service without the file that holds its `build:`
    others = [s for s in builders if s.name != service.name]
    only = others[0] if len(others) == 1 else None
    return only if isinstance(only, BuiltService) else None


def image_runners(ws: Workspace, built: BuiltService) -> list[Service]:
    """The image-only services of its stack that run the image `built` builds."""
    tag = _local_tag(built.scalar("image"))
    runners = _by_tag(ws, built.stack).get(tag, ([], []))[1] if tag else []
    return [s for s in runners if image_builder(ws, s) is built]


def _by_tag(ws: Workspace, stack: Stack) -> dict[str, tuple[list[Service], list[Service]]]:
    return ws.derived.keyed(_BY_TAG, stack, lambda: _index(stack))


def _index(stack: Stack) -> dict[str, tuple[list[Service], list[Service]]]:
    found: dict[str, tuple[list[Service], list[Service]]] = {}
    for service in stack.services.values():
        builds = service.get("build") is not None
        tag = _local_tag(service.scalar("image")) if builds else _run_tag(service)
        if tag is not None:
            found.setdefault(tag, ([], []))[0 if builds else 1].append(service)
    return found


def _run_tag(service: Service) -> str | None:
    """The local tag an image-only service runs, unless its policy pulls it from a registry
    on every start (`pull_policy: always`: Docker Hub may have an image of that name)."""
    if service.get("build") is not None or service.app is not None or \
            (service.scalar("pull_policy") or "").lower() == "always":
        return None
    return _local_tag(service.scalar("image"))


def _local_tag(image: str | None) -> str | None:
    """`tasks-app` -> `tasks-app:latest`; None for a name with a registry or namespace, a
    digest or a variable, which a registry may serve."""
    name = (image or "").strip()
    if not name or any(c in name for c in "/@$"):
        return None
    return name if ":" in name else f"{name}:latest"
