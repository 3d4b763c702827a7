"""Making an app listen on another port: the Dockerfile (or compose `command:`) side.

Shared by the port rules: rewrite every place the old port is written (the CMD or
ENTRYPOINT flag, the ENV/ARG it reads, EXPOSE, HEALTHCHECK URLs), or add a
`--port` flag where the server ran on its default.
"""

from __future__ import annotations

import json
import re

from fixer.edits import Edit, TextEdit
from fixer.listen import ListenPort
from fixer.ports import LOCAL_URL, container_ports
from fixer.services import Service
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.workspace import Workspace


def app_side_edits(ws: Workspace, service: Service, target: int) -> tuple[list[Edit], str | None]:
    """Edits that make the app listen on `target`, or the reason there are none."""
    app = service.app
    assert app is not None
    shared = _sharing(ws, service, target)
    if shared:
        return [], f"{app.dockerfile.path} is also built by {shared}, which expects another port"
    listen = app.listen
    old = listen.port
    edits: list[Edit] = [TextEdit(s.path, s.start, s.end, str(target)) for s in listen.sites]
    if not listen.sites:
        added = _add_port_flag(app.dockerfile, listen, target)
        if added is None:
            return [], f"no place to set the port: {listen.origin}"
        edits.append(added)
    taken = {(e.path, e.start) for e in edits if isinstance(e, TextEdit)}
    for edit in _stage_mentions(app.dockerfile, app.stage, old, target):
        if (edit.path, edit.start) not in taken:
            edits.append(edit)
    return edits, None


def _sharing(ws: Workspace, service: Service, target: int) -> str | None:
    """Another app service built from the same Dockerfile that listens elsewhere."""
    app = service.app
    assert app is not None
    for other in ws.apps():
        if other is service or other.app is None:
            continue
        if other.app.dockerfile.path != app.dockerfile.path:
            continue
        ports = {p.port for p in container_ports(other) if p.port is not None}
        if ports and target not in ports:
            return other.name
    return None


def _add_port_flag(dockerfile: Dockerfile, listen: ListenPort, target: int) -> Edit | None:
    """The server ran on its default port: add the flag to an exec- or shell-form CMD."""
    region, launch = listen.region, listen.launch
    if region is None or launch is None or region.instruction is None or launch.via_shell:
        return None
    if launch.server in ("gunicorn", "hypercorn"):
        words = ["--bind", f"0.0.0.0:{target}"]
    elif launch.server in ("uvicorn", "fastapi", "granian"):
        words = ["--port", str(target)]
    else:
        return None
    instruction = region.instruction
    text = dockerfile.text_of(instruction)
    if instruction.json:
        close = text.rfind("]")
        if close < 0:
            return None
        addition = "".join(", " + json.dumps(w) for w in words)
        at = instruction.start + len(text[:close].rstrip())
        return TextEdit(dockerfile.path, at, at, addition)
    at = instruction.end
    return TextEdit(dockerfile.path, at, at, " " + " ".join(words))


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
        pattern = re.compile(rf"\b\w*PORT(?:=|\s+)[\"']?({old})\b")
    else:
        return []
    return [(instruction.start + m.start(1), instruction.start + m.end(1))
            for m in pattern.finditer(body)]
