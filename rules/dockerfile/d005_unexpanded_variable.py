"""An exec-form CMD or ENTRYPOINT hands the server a variable no shell expands.

## What it does
Reads the instruction that starts an app service's server in its final stage (or the stage
`build.target` names) when it is in exec form (`CMD ["uvicorn", ...]`), and reports its
first word that reads a variable or a command's output (`${PORT:-8080}`, `$WORKERS`,
`$(nproc)`). Exec form runs the program directly: no shell runs, so the word reaches the
server as written. One finding per instruction, naming the services that run it.

Left alone: a shell that runs the command (`["sh", "-c", "uvicorn ... --port $PORT"]`, a
shell-form instruction, a `sh -c` ENTRYPOINT that runs the CMD as its script), a compose
`command:` (Compose substitutes `${VAR}` in it before the container starts), a start script
that starts the server, and a CMD under an ENTRYPOINT that may expand it: a script that
runs `eval` or hands its arguments to `sh -c`, or a program fixer cannot read. An init
(`tini`, `dumb-init`) and a script that ends in `exec "$@"` run the words as they are.

## Why is this bad?
Docker substitutes no variable in CMD or ENTRYPOINT, and exec form has no shell to do it:
`uvicorn --port '${PORT:-8080}'` stops at once ("'${PORT:-8080}' is not a valid
integer"), the container restarts in a loop, and every service waiting for it waits in
vain. Another option gets the text itself (`--host $HOST`, `--workers $(nproc)`), not the
value the author meant.

## Example
```dockerfile
ENV PORT=8080
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "${PORT:-8080}"]
```

## Use instead
```dockerfile
ENV PORT=8080
CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port ${PORT:-8080}"]
```

## Fix safety
Display-only: whether a shell belongs in the image (a distroless image has none) or the
value should be written out needs a person; the reason gives the line that expands it.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator

from fixer.core.envfile import unset_names
from fixer.core.lazyre import lazy_compile
from fixer.model.appservice import app_services
from fixer.model.image_paths import entrypoint_program, in_image
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import BuiltService, named_in_environment
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import entrypoint
from fixer.sources.portsites import run_env

CODE = "D005"
NAME = "unexpanded-variable"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # which services serve an app, as the other app rules find them
APP_ONLY = True   # the server an app service's command starts
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.DISPLAY,)

# `$PORT`, `${PORT:-8080}`, `$(nproc)`: what only a shell expands
_EXPANDED = lazy_compile(r"\$(?:\{[A-Za-z_]\w*[^}]*\}|[A-Za-z_]\w*|\()")
# inits that run their arguments as they are
_INITS = frozenset({"tini", "tini-static", "dumb-init", "--"})
# a start script that expands its arguments again: `eval "$@"`, `sh -c "$*"`
_REEXPANDS = lazy_compile(r"\beval\b|\b(?:ba)?sh\s+-c\s+[\"']?\$(?:\*|@|\{[@*]\})")


def detect(ws: Workspace) -> Iterator[Violation]:
    found: dict[tuple[str, int], tuple[list[BuiltService], str, str]] = {}
    for service in app_services(ws):
        unexpanded = _unexpanded(ws, service)
        if unexpanded is None:
            continue
        key, word, kind = unexpanded
        if key in found:
            found[key][0].append(service)
        else:
            found[key] = ([service], word, kind)
    for (path, line), (services, word, kind) in found.items():
        yield _violation(ws, services, path, line, word, kind)


def _unexpanded(ws: Workspace, service: BuiltService) -> tuple[tuple[str, int], str,
                                                               str] | None:
    """((Dockerfile, line), the word, CMD or ENTRYPOINT) of the exec-form instruction that
    starts the server and hands it an unexpanded word; None where a shell may expand it."""
    app = service.app
    region, launch = app.listen.region, app.listen.launch
    instruction = region.instruction if region is not None else None
    if region is None or launch is None or instruction is None or not instruction.json or \
            launch.via_shell or region.script or region.path != app.dockerfile.path:
        return None
    if instruction.cmd == "CMD" and _entrypoint_may_expand(ws, service):
        return None
    word = next((w for w in instruction.value if _EXPANDED.search(w)), None)
    return ((region.path, instruction.line), word, instruction.cmd) if word else None


def _entrypoint_may_expand(ws: Workspace, service: BuiltService) -> bool:
    """Whether the ENTRYPOINT a CMD runs under may expand its words: compose sets one, or
    the image's is a program fixer cannot read, or a script that re-expands its arguments."""
    if service.get("entrypoint") is not None:
        return True
    app = service.app
    found = entrypoint(app.dockerfile, app.stage)
    if found is None or not found.value:
        return False
    program = entrypoint_program(found)
    if program is None:   # an init alone runs the words as they are; a shell may expand them
        return not (found.json and all(posixpath.basename(w) in _INITS for w in found.value))
    path = in_image(ws.tree, app.folder, app.dockerfile, app.stage, program)
    script = ws.read(path) if path is not None else None
    return script is None or _REEXPANDS.search(script.text) is not None


def _violation(ws: Workspace, services: list[BuiltService], path: str, line: int, word: str,
               kind: str) -> Violation:
    service, names = services[0], [s.name for s in services]
    launch = service.app.listen.launch
    server = (launch.server if launch is not None else None) or "the server"
    port = launch is not None and launch.port_token == word
    stops = f", and {server} is given it as its port and does not start" if port else \
        f", and {server} is given the text itself, not the value"
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return Violation(
        message=(f"the exec-form {kind} of {who} passes `{word}` as written: no shell runs "
                 f"to expand it{stops}"),
        path=path, line=line, service=names[0], subject=f"{kind} {word}",
        reason=(f"whether a shell belongs in the image needs a person; one that expands it: "
                f"`{kind} {_wrapped(service)}`{_unset_said(ws, services, word)}"))


def _unset_said(ws: Workspace, services: list[BuiltService], word: str) -> str:
    """What the reason adds where the word reads a variable, with no default, that nothing
    of the repository gives some service running it (no ENV of its image, nothing its
    compose `environment` or env_file names): the shell would expand it empty, and
    `--port ""` stops the server as surely."""
    for service in services:
        app = service.app
        given = set(run_env(app.dockerfile, app.stage).values) | \
            named_in_environment(service, ws.tree)
        unset = [name for name in unset_names(word, dict.fromkeys(given, "x"))
                 if not name[:1].isdigit()]
        if unset:
            return (f", though nothing in the repository sets {unset[0]} (no ENV of the "
                    f"image, nothing in {service.name}'s compose environment or env_file): "
                    f"give it a value too, or a default (`${{{unset[0]}:-...}}`)")
    return ""


def _wrapped(service: BuiltService) -> str:
    """The instruction's words as one `sh -c` script that `exec`s them, each expansion left
    for the shell (in double quotes where the word holds a space)."""
    region = service.app.listen.region
    words = region.instruction.value if region is not None and \
        region.instruction is not None else []
    script = "exec " + " ".join(_shell_word(w) for w in words)
    return json.dumps(["sh", "-c", script])


def _shell_word(word: str) -> str:
    if not _EXPANDED.search(word):
        return shlex.quote(word)
    return word if _UNQUOTED.fullmatch(word) else '"' + re.sub(r'(["\\`])', r"\\\1", word) + '"'


# a word the shell reads as one as it is, its expansions included
_UNQUOTED = lazy_compile(r"[^\s'\"\\;&|<>`]+")
