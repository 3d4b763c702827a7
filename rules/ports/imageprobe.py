"""P001 on the image's own HEALTHCHECK: it probes the container on a port the app does not
listen on.

Compose runs the image's HEALTHCHECK when the service sets no `healthcheck.test` of its
own: a probe of `localhost:8000` while the CMD runs the app on 9000 never passes, the
container is never healthy, and whatever waits for it with `condition: service_healthy`
never starts (the stack check says so of C003's gate: "it probes port 8000"). P002's fix of
a stale `EXPOSE 8000` left the HEALTHCHECK on the line below as it was. The probe follows
the app: its port is rewritten, the app stays where it is, so the finding disputes no
listen port (`Violation.keeps_port`: P002's EXPOSE and C004's probe are not held for it).
"""

from __future__ import annotations

import re

from fixer.facts.health.healthchecks import (
    Health,
    compose_health,
    compose_test,
    dockerfile_health,
    nearest_healthcheck,
)
from fixer.model.rule import Fix, Safety, Violation
from fixer.model.services import BuiltService, published_image
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Instruction, stage_at
from fixer.sources.portsites import Site
from fixer.stackcheck.gate import local_probes

from .listeners import opened_in_code, second_listeners
from .portfix import PortMove, beside_the_server, image_listen, nginx_beside_listens


def image_probe(ws: Workspace, service: BuiltService,
                builders: list[BuiltService]) -> Violation | None:
    """The finding on the image's HEALTHCHECK that the service runs, when each of its local
    HTTP URLs names a port other than the listen port, and no other server may listen there:
    one the command starts beside the app (`... & exec nginx`, a second `uvicorn`), a port
    the image EXPOSEs beside the listen port (`EXPOSE 8000 9100`), or one a module of the
    app passes to a call (`start_http_server(9100)`)."""
    app = service.app
    listen = app.listen.port
    check = _image_healthcheck(service) if listen is not None else None
    sites = _probe_sites(app.dockerfile.path, app.dockerfile.file.text, check) \
        if check is not None else None
    if listen is None or check is None or not sites:
        return None
    probed = sorted({port for port, _site in sites})
    if listen in probed or _another_listener(ws, service, listen, probed):
        return None
    message = (f"{service.name}: the image's HEALTHCHECK probes container port "
               f"{'/'.join(map(str, probed))} but the app listens on {listen} "
               f"({app.listen.origin})")
    line = app.dockerfile.file.line_of(check.start)
    reason = _doubt(ws, service, builders, check, listen)
    fix = None if reason is not None else \
        Fix(f"Probe port {listen} in the HEALTHCHECK", Safety.SAFE,
            PortMove(listen, tuple(site for _port, site in sites)).edits)
    return Violation(message, app.dockerfile.path, line, 1, service.name, "healthcheck port",
                     fix, reason, keeps_port=True)


def _another_listener(ws: Workspace, service: BuiltService, listen: int,
                      probed: list[int]) -> bool:
    app = service.app
    return bool(set(probed) & (second_listeners(app, listen) |
                               nginx_beside_listens(ws, service))) or \
        beside_the_server(ws, service, probed) is not None or \
        opened_in_code(ws, service, probed) is not None or _second_server(ws, service)


def _second_server(ws: Workspace, service: BuiltService) -> bool:
    """The command starts the app's server twice (`uvicorn app.admin:app & exec uvicorn
    app.main:app --port 9000`): the other one listens on its default port, or one of its
    own, which fixer does not tell apart from the app's."""
    region, launch = service.app.listen.region, service.app.listen.launch
    if region is None or launch is None or launch.server is None:
        return False
    text = region.run_text(ws.tree.read(region.path).text)
    return len(re.findall(rf"(?<![\w.-]){re.escape(launch.server)}(?![\w-])", text)) > 1


def probe_left_behind(service: BuiltService, move: PortMove, listen: int) -> str | None:
    """Why moving the app is display-only: the service runs the image's HEALTHCHECK and the
    move does not rewrite it (a compose `command:` moves one service of an image others build
    too), while it probes the port the app leaves or one fixer cannot read (`${PORT:-8000}`,
    a `python healthcheck.py` script): the container may never be healthy."""
    app = service.app
    check = _image_healthcheck(service)
    if check is None or move.port == listen:
        return None
    sites = _probe_sites(app.dockerfile.path, app.dockerfile.file.text, check)
    moved = {(site.path, site.start) for site in move.spans()}
    if sites and all(port == move.port or (site.path, site.start) in moved
                     for port, site in sites):
        return None
    where = f"{app.dockerfile.path}:{app.dockerfile.file.line_of(check.start)}"
    if not sites and any(site.path == app.dockerfile.path for site in move.spans()):
        return None   # the image moves (its `ENV PORT`, its CMD): a probe of `${PORT}` follows
    if not sites:
        return (f"{service.name} runs the image's HEALTHCHECK ({where}), whose port fixer "
                f"cannot read and does not move: on {move.port} its container may never be "
                "healthy")
    return (f"{service.name} runs the image's HEALTHCHECK ({where}), which probes {listen} and "
            f"stays: on {move.port} its container would never be healthy")


def _image_healthcheck(service: BuiltService) -> Instruction | None:
    """The image's HEALTHCHECK the service runs: compose sets no test and disables none."""
    app = service.app
    if compose_health(service) in (Health.CHECKED, Health.DISABLED) or \
            dockerfile_health(service) is not Health.CHECKED:
        return None
    return nearest_healthcheck(app.dockerfile, app.stage)


def _probe_sites(path: str, text: str, check: Instruction) -> list[tuple[int, Site]] | None:
    """Each local HTTP URL of the HEALTHCHECK with the digits of its port; None when one
    names no port or a variable (`http://localhost/health`, `:${PORT}`): fixer cannot tell
    what it probes, or has no digits to rewrite."""
    probes = list(local_probes(text, check.start, check.end, unread=True))
    if any(probe.digits is None for probe in probes):
        return None
    return [(probe.port, Site(path, *probe.digits)) for probe in probes if probe.digits]


def _doubt(ws: Workspace, service: BuiltService, builders: list[BuiltService],
           check: Instruction, listen: int) -> str | None:
    """Why the probe is not rewritten: the HEALTHCHECK is another image's too, or the port
    the service listens on is one deployment's, not the image's."""
    app = service.app
    holder = stage_at(app.dockerfile, check.start)
    if holder is not None and holder is not app.stage:
        return (f"the HEALTHCHECK is in stage `{holder.name or holder.index}` of "
                f"{app.dockerfile.path}, which the final stage inherits: other images may be "
                "built from that stage too")
    if app.listen.reads is not None or app.listen.variable is not None:
        return (f"the app's port is read from {app.listen.reads or app.listen.variable}, "
                "which a deployment's environment may set to another")
    image = service.scalar("image")
    user = next((s.name for s in ws.services() if image and s is not service and
                 s.scalar("image") == image and s.get("build") is None), None)
    if user is not None:
        return (f"{user} runs the image `{image}` that {service.name} builds, with its "
                "HEALTHCHECK: it may serve another port")
    published = published_image(service)
    if published is not None:
        return (f"the image is published as `{published}`: a deployment may run it with "
                "another command, on the port the HEALTHCHECK probes")
    own = image_listen(ws, service).port
    if own != listen:
        return (f"the image's own command listens on {_named(own)}; {service.name} runs it "
                f"on {listen} ({app.listen.origin}): give {service.name} a compose "
                f"healthcheck on {listen}")
    for other in builders:
        if other is not service and other.app is not None and other.app.stage is app.stage \
                and other.app.listen.port != listen and compose_test(other) is None:
            return (f"{app.dockerfile.path} is also built by {other.name}, which listens on "
                    f"{_named(other.app.listen.port)}")
    return None


def _named(port: int | None) -> str:
    return str(port) if port is not None else "a port fixer cannot tell"
