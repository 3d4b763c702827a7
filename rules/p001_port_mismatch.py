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
to the compose target: the CMD/ENTRYPOINT port (or `ENV`/`ARG` it reads), `EXPOSE`,
and `HEALTHCHECK` URLs. With `--port-source dockerfile` the compose side is
rewritten to the listen port (targets, `expose`, healthcheck and peer URLs) and
published host ports stay as they are. Display-only when the ports are ambiguous
(several different targets), interpolated, reached through a YAML alias, or the
Dockerfile is shared with a service that expects another port.

## Options
`port-source = "compose" | "dockerfile"`.
"""

from __future__ import annotations

from collections.abc import Iterator

from fixer.edits import Edit, TextEdit
from fixer.listen import Site
from fixer.ports import ContainerPort, container_ports
from fixer.portfix import app_side_edits
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.workspace import Workspace

CODE = "P001"
NAME = "port-mismatch"
CATEGORY = Category.PORTS
SAFETY = (Safety.SAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Report]:
    for service in ws.apps():
        report = _check(ws, service)
        if report is not None:
            yield report


def _check(ws: Workspace, service: Service) -> Report | None:
    assert service.app is not None
    listen = service.app.listen.port
    if listen is None:
        return None
    ports = [p for p in container_ports(service) if not p.udp]
    wrong = [p for p in ports if p.port != listen]
    if not wrong or _extra_listeners(ports, listen):
        return None
    first = wrong[0]
    claimed = sorted({p.port for p in wrong if p.port is not None})
    where = ", ".join(sorted({p.kind for p in wrong}))
    message = (f"{service.name}: compose expects container port "
               f"{'/'.join(map(str, claimed)) or first.raw} ({where}) but the app listens on "
               f"{listen} ({service.app.listen.origin})")
    base = dict(message=message, path=first.path, line=first.line, service=service.name,
                subject="port")
    reason = _ambiguity(wrong, claimed)
    if reason is None:
        target = claimed[0]
        if ws.config.port_source == "dockerfile":
            edits, reason = _compose_side(wrong, listen)
            title = f"Set the compose container port to {listen}"
        else:
            edits, reason = app_side_edits(ws, service, target)
            title = f"Make {service.name} listen on {target}"
        if reason is None:
            return Report(**base, safety=Safety.SAFE, fix_title=title, data={"edits": edits})
    return Report(**base, reason=reason)


def _extra_listeners(ports: list[ContainerPort], listen: int) -> bool:
    """The app port is published, and the other ports are plain extra `ports`/`expose`
    entries (a metrics port, say): those belong to something else, not a mismatch."""
    if not any(p.port == listen for p in ports):
        return False
    return all(p.kind in ("ports", "expose") for p in ports if p.port != listen)


def _ambiguity(wrong: list[ContainerPort], claimed: list[int]) -> str | None:
    if any(p.port is None for p in wrong):
        raw = next(p.raw for p in wrong if p.port is None)
        return f"the container port `{raw}` is interpolated or not a single number"
    if len(claimed) > 1:
        return f"compose claims several container ports ({', '.join(map(str, claimed))})"
    return None


def _compose_side(wrong: list[ContainerPort], listen: int) -> tuple[list[Edit], str | None]:
    aliased = [p for p in wrong if p.aliased]
    if aliased:
        return [], f"{aliased[0].path}:{aliased[0].line} is reached through a YAML alias"
    sites: list[Site] = [p.site for p in wrong if p.site is not None]
    return [TextEdit(s.path, s.start, s.end, str(listen)) for s in sites], None


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    return list(finding.report.data["edits"])
