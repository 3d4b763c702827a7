"""Whether a health route fixer adds may be missing where the app runs: compose names a
published image beside the build (`image: acme/api:latest`), which a deployment may pull
instead of building, and the image released before the route has none.

H001's route and C004's healthcheck on it go together: a healthcheck on a route that a
pulled image lacks fails there, and a route added alone (by H001, or by the C004 fix of
another stack running the same app) leaves that healthcheck to a later run, which can no
longer tell the route is new. So the route is unsafe wherever any service running the app
is such a service.
"""

from __future__ import annotations

from fixer.core.derived import Memo
from fixer.facts.health.healthchecks import Health, cannot_add
from fixer.facts.health.healthchecks import health as health_state
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.image_paths import bind_mounted
from fixer.model.services import BuiltService, published_image
from fixer.model.workspace import Workspace


def pulled_without_route(ws: Workspace, service: BuiltService) -> str | None:
    """Why a route added to the service's app is no safe fix on its own: the service has
    no healthcheck (C004 writes one on the route), compose also names a published image
    beside its build, and no bind mount brings the checkout's code."""
    image = published_image(service)
    module = appmodule.find(ws, service) if image is not None else None
    if image is None or health_state(service) is not Health.NONE or \
            cannot_add(service) is not None or \
            (module is not None and bind_mounted(ws.tree, service, module.path)):
        return None
    return (f"compose also names the image `{image}`, which a deployment may pull instead of "
            "building: the healthcheck C004 writes on this route fails there until that "
            "image is rebuilt with it")


def pulled_without_app_route(ws: Workspace, module_path: str) -> str | None:
    """`pulled_without_route` of the first app service that runs the module (the prod
    stack's `backend` beside the dev stack's), naming it and its compose file."""
    for service in ws.derived.get(_RUNNERS, lambda: _runners(ws)).get(module_path, []):
        why = pulled_without_route(ws, service)
        if why is not None:
            return f"{service.name} of {service.first_doc().path} runs the same app, and {why}"
    return None


# per workspace: each app module's path -> the app services that run it, in the order of
# `app_services` (C004 and H001 ask for each service: a walk of them all each time grew
# with the square of the services)
_RUNNERS: Memo[dict[str, list[BuiltService]]] = Memo("app services by the module they run")


def _runners(ws: Workspace) -> dict[str, list[BuiltService]]:
    found: dict[str, list[BuiltService]] = {}
    for service in app_services(ws):
        module = appmodule.find(ws, service)
        if module is not None:
            found.setdefault(module.path, []).append(service)
    return found
