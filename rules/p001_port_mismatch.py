"""Compose sends traffic to a container port the app does not listen on.

## What it does
Compares the container ports compose claims for an app service (`ports` targets,
`expose`, local healthcheck URLs, and `http://<service>:N` URLs in other services'
environment) with the port the app listens on (compose `command:`, else the
final stage's CMD/ENTRYPOINT, else `uvicorn.run(port=...)`, else the server's default).

## Why is this bad?
Published ports forward to nothing, the healthcheck fails, and the container is
restarted forever while the app itself is fine.

## Example
```yaml
services:
  gateway:
    build: ./gateway          # CMD ["uvicorn", "app.main:app", "--port", "8000"]
    ports: ["8080:8080"]
```

## Use instead
```yaml
    ports: ["8080:8000"]      # or make the app listen on 8080
```

## Fix safety
Safe. With `--port-source compose` (the default) the Dockerfile side is rewritten
to the compose target: the CMD/ENTRYPOINT port (or the `ENV`/`ARG`, compose
`environment` value or `${PORT:-N}` default it reads), `EXPOSE`, and `HEALTHCHECK`
URLs; a server that ran on its default port gets a `--port` (`--bind`) flag. With
`--port-source dockerfile` the compose side is rewritten to the listen port
(targets, `expose`, healthcheck and peer URLs) and published host ports stay as
they are. When compose disagrees with itself and some of its container ports
already are the listen port, the odd ones are rewritten to it (the compose side)
whatever the port source. Display-only when the ports are
ambiguous (several different targets), interpolated (`${VAR}`), reached through a
YAML alias, or the Dockerfile is shared with a service that expects another port.
Extra `ports`/`expose` entries beside the listen port (a metrics port) are not a
mismatch; `/udp` entries, port ranges and interpolations that the stack's `.env`
leaves without a value are not judged.

## Options
`port-source = "compose" | "dockerfile"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fixer.edits import Edit, TextEdit
from fixer.ports.claims import ContainerPort, container_ports
from fixer.ports.portfix import app_side_edits
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.workspace import Workspace
from fixer.appservice import app_services

CODE = "P001"
NAME = "port-mismatch"
CATEGORY = Category.PORTS
SAFETY = (Safety.SAFE, Safety.DISPLAY)
# Port fixes go first: healthchecks and EXPOSE that other rules write use the listen port.
FIX_ORDER = 10


def detect(ws: Workspace) -> Iterator[Report]:
    builders: dict[tuple[str, int], list[Service]] = {}
    for service in app_services(ws):
        assert service.app is not None
        key = (service.app.dockerfile.path, service.app.stage.index)
        builders.setdefault(key, []).append(service)
    for group in builders.values():
        for service in group:
            report = _check(ws, service, group)
            if report is not None:
                yield report


def _check(ws: Workspace, service: Service, builders: list[Service]) -> Report | None:
    assert service.app is not None
    listen = service.app.listen.port
    if listen is None:
        return None
    # An interpolation with no value in .env tells nothing: it is not judged.
    ports = [p for p in container_ports(service) if not p.udp and p.effective is not None]
    wrong = [p for p in ports if p.effective != listen]
    if not wrong or _extra_listeners(ports, wrong, listen):
        return None
    first = wrong[0]
    claimed = sorted({p.effective for p in wrong if p.effective is not None})
    where = ", ".join(sorted({p.kind for p in wrong}))
    message = (f"{service.name}: compose expects container port "
               f"{'/'.join(map(str, claimed))} ({where}) but the app listens on "
               f"{listen} ({service.app.listen.origin})")
    report = Report(message, first.path, first.line, first.column, service.name, "port")
    reason = _ambiguity(wrong, claimed)
    if reason is None:
        edits, reason, title = _edits(ws, service, builders, ports, wrong, listen, claimed[0])
        shared = ws.shared_anchor(edits) if reason is None else None
        if shared is not None:
            reason = f"the port is written in the YAML anchor &{shared}, which other services share"
        if reason is None:
            return replace(report, safety=Safety.SAFE, fix_title=title, data={"edits": edits})
    return replace(report, reason=reason)


def _edits(ws: Workspace, service: Service, builders: list[Service],
           ports: list[ContainerPort], wrong: list[ContainerPort], listen: int,
           target: int) -> tuple[list[Edit], str | None, str]:
    """Which side to change: compose when it already agrees with the app somewhere."""
    agrees = any(p.effective == listen for p in ports)
    if agrees or ws.config.port_source == "dockerfile":
        edits, reason = _compose_side(wrong, listen)
        return edits, reason, f"Set the compose container port of {service.name} to {listen}"
    edits, reason = app_side_edits(ws, service, target, builders)
    return edits, reason, f"Make {service.name} listen on {target}"


def _extra_listeners(ports: list[ContainerPort], wrong: list[ContainerPort],
                     listen: int) -> bool:
    """A `ports`/`expose` target is the app port and the others are plain extra
    `ports`/`expose` entries (a metrics port, say): those are something else's."""
    if not any(p.effective == listen and p.kind in ("ports", "expose") for p in ports):
        return False
    return all(p.kind in ("ports", "expose") for p in wrong)


def _ambiguity(wrong: list[ContainerPort], claimed: list[int]) -> str | None:
    if len(claimed) > 1:
        return f"compose claims several container ports ({', '.join(map(str, claimed))})"
    interpolated = next((p for p in wrong if p.port is None or p.interpolated), None)
    if interpolated is not None:
        return (f"the container port in `{interpolated.raw}` comes from an interpolation "
                f"({interpolated.path}:{interpolated.line})")
    return None


def _compose_side(wrong: list[ContainerPort], listen: int) -> tuple[list[Edit], str | None]:
    aliased = next((p for p in wrong if p.aliased), None)
    if aliased is not None:
        return [], f"{aliased.path}:{aliased.line} is reached through a YAML alias"
    if any(p.site is None for p in wrong):
        return [], "a container port is not written as a plain number"
    return [TextEdit(p.site.path, p.site.start, p.site.end, str(listen))
            for p in wrong if p.site is not None], None


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data["edits"])
