"""Making an app listen on another port: the Dockerfile (or compose `command:`) side.

Shared by the port rules: rewrite every place the old port is written (the CMD or
ENTRYPOINT flag, the ENV/ARG or compose `environment` value it reads, EXPOSE,
HEALTHCHECK URLs), or add a port flag where the server ran on its default.
"""

from __future__ import annotations

import re

from fixer.edits import Edit, TextEdit
from fixer.ports.claims import LOCAL_URL
from fixer.ports.listen import resolve as resolve_listen
from fixer.ports.portsites import Site, number_sites
from fixer.ports.references import service_claims
from fixer.services import Service
from fixer.sources.compose import mapping_or_list
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.workspace import Workspace


def app_side_edits(ws: Workspace, service: Service, target: int,
                   builders: list[Service] | None = None) -> tuple[list[Edit], str | None]:
    """Edits that make the app listen on `target`, or the reason there are none.

    `builders`: the app services that build the same Dockerfile stage (default: found in
    `ws`; a rule that checks every service passes them to stay linear)."""
    app = service.app
    assert app is not None
    listen = app.listen
    from_compose = listen.region is not None and listen.region.kind == "command"
    shared = None if from_compose else _sharing(ws, builders or list(ws.apps()), service, target)
    if shared:
        return [], f"{app.dockerfile.path} is also built by {shared}, which expects another port"
    sites = list(listen.sites)
    if listen.variable is not None and not sites:
        site, reason = compose_env_site(service, listen.variable, listen.port)
        if site is None:
            return [], reason
        sites.append(site)
    edits: list[Edit] = [TextEdit(s.path, s.start, s.end, str(target)) for s in sites]
    if not edits:
        if listen.addition is None:
            return [], f"no place to set the port ({listen.origin}{_where(listen.reason)})"
        edits.append(listen.addition.edit(target))
    if from_compose and _image_starts_server(ws, service):
        return edits, None  # the Dockerfile's own CMD does not run: leave its EXPOSE alone
    taken = {(e.path, e.start) for e in edits if isinstance(e, TextEdit)}
    for edit in _stage_mentions(app.dockerfile, app.stage, listen.port, target):
        if (edit.path, edit.start) not in taken:
            edits.append(edit)
    return edits, None


def _image_starts_server(ws: Workspace, service: Service) -> bool:
    """Whether the image's own CMD/ENTRYPOINT starts a server. When not, its EXPOSE and
    HEALTHCHECK describe the compose `command:` (as P002 judges them) and move with it."""
    app = service.app
    assert app is not None
    own = resolve_listen(ws.tree, app.folder, app.dockerfile, app.stage, None, {}, {})
    return own.launch is not None


def _where(reason: str) -> str:
    return f": {reason}" if reason else ""


def compose_env_site(service: Service, variable: str,
                     port: int | None) -> tuple[Site | None, str]:
    """Where the service's compose `environment` writes the variable's number."""
    for doc, value in reversed(service.all("environment")):
        for key, val, item in mapping_or_list(value):
            if key != variable:
                continue
            if item.aliased:
                return None, f"{variable} is set through a YAML alias"
            if val is None or "$" in val or port is None:
                return None, f"{variable} is set by an interpolation"
            node = item.node
            found = number_sites(doc.path, doc.file.text, node.start_mark.index,
                                 node.end_mark.index, port)
            if found:
                return found[-1], ""
    return None, f"{variable} is set in an env_file or .env, not in compose `environment`"


def _sharing(ws: Workspace, apps: list[Service], service: Service, target: int) -> str | None:
    """Another app service built from the same Dockerfile stage that expects another port."""
    app = service.app
    assert app is not None
    for other in apps:
        if other is service or other.app is None:
            continue
        if other.app.dockerfile.path != app.dockerfile.path or other.app.stage is not app.stage:
            continue
        region = other.app.listen.region
        if region is not None and region.kind == "command":
            continue  # it starts its own command: the Dockerfile's CMD is not its port
        ports = {p.effective for p in service_claims(ws, other)
                 if p.effective is not None and not p.udp and p.http}
        if ports and target not in ports:
            return other.name
    return None


def _stage_mentions(dockerfile: Dockerfile, stage: Stage, old: int | None,
                    target: int) -> list[TextEdit]:
    """EXPOSE, HEALTHCHECK URLs and `ENV PORT` of the final stage that carry the old port."""
    if old is None:
        return []
    edits: list[TextEdit] = []
    text = dockerfile.file.text
    for instruction in stage.instructions:
        for start, end in _old_port_spans(text, instruction, str(old)):
            edits.append(TextEdit(dockerfile.path, start, end, str(target)))
    return edits


def _old_port_spans(text: str, instruction: Instruction, old: str) -> list[tuple[int, int]]:
    body = text[instruction.start:instruction.end]
    if instruction.cmd == "EXPOSE":
        pattern = re.compile(rf"(?<![\w$:-])({old})(?=/|\s|$)")
    elif instruction.cmd == "HEALTHCHECK":
        return [(instruction.start + m.start(1), instruction.start + m.end(1))
                for m in LOCAL_URL.finditer(body) if m.group(1) == old]
    elif instruction.cmd == "ENV":
        # the app's own port variables only: `DB_PORT=8000` is another server's
        pattern = re.compile(rf"(?<![\w$])(?:APP_|API_|HTTP_|SERVER_|UVICORN_)?PORT(?:=|\s+)"
                             rf"[\"']?({old})(?!\d)")
    else:
        return []
    return [(instruction.start + m.start(1), instruction.start + m.end(1))
            for m in pattern.finditer(body)]
