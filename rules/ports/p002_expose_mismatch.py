"""The final stage's EXPOSE does not name the port the app listens on.

## What it does
Compares the `EXPOSE` instructions of the final stage with the port the image
listens on (its CMD/ENTRYPOINT; a compose `command:` only when the image starts no
server itself), and reports a final stage with no `EXPOSE` at all.

## Why is this bad?
`EXPOSE` is the image's documentation of its port: tools (`docker run -P`,
orchestrators, readers) trust it. A stale one points them at a dead port.

## Example
```dockerfile
EXPOSE 8001
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Fix safety
Waits for P001 while it reports that compose expects another port than the app's, for
any service that builds the stage: EXPOSE would document the port P001's fix, or the
author's, may move the app off (`fixer fix` writes it once P001's fix is in; without a safe
P001 fix it stays display-only).
Display-only when a comment of the final stage speaks of EXPOSE and says why it is not
there (`# EXPOSE 8000 only in dev; prod sits behind the socket proxy`), or says compose
sets the ports (`# Runtime config (ports, command, env) is specified in
docker-compose.yml`): leaving it out may be the author's choice (a commented-out `# EXPOSE
8000` alone is uncommented instead).
Display-only when a service that is no app builds the same image and runs another
server on it (`mlflow server --port 5000`, `streamlit run`, or a script of the image that
starts one, `/start-flower`, or a command fixer does not read whose `ports:` or `expose:`
names a port the app does not listen on, `python app/ws_server.py` beside `3001:3001`; a
worker listens on nothing and counts for nothing): EXPOSE documents every container built
from the image.
Display-only when the app reads its port from a variable that an `env_file` of the
service the repository does not hold may set (`.env.local`): EXPOSE may name that port.
Display-only when compose's `environment` sets the port variable and the image has a
value of its own (`ENV PORT=8000`, an override file's `PORT: 8001`): EXPOSE documents
the image, and the base file alone would expose a port nothing listens on. So is one
where only compose's `environment` sets it and the image has none (`--bind 0.0.0.0:$PORT`
with no `ENV PORT`: a platform that sets `PORT` runs it elsewhere), and one the image takes
from a build argument that a build script sets (`--build-arg PORT=8080`, a workflow's
`build-args:`, a `docker-bake.hcl` target's `args`): the released image listens
elsewhere than compose's build. So is a
port a compose `command:` sets that another file of the stack changes (the base file's
`uvicorn` on 8000, a `docker-compose.prod.yml` loaded with `-f` binding :80): which one
the image documents is the author's call. So is a compose `command:` port Compose
substitutes (`--port ${PORT:-8000}`), which each checkout's .env or shell may set. So is
the port of a compose `command:` where
the image's own CMD or ENTRYPOINT runs something fixer cannot read (`CMD ["/opt/run"]`,
whose server may listen elsewhere; not an ENTRYPOINT script that only runs its arguments,
`exec "$@"`, with no CMD), or a service that builds the stage `extends:`
another, whose command Compose merges in and fixer does not follow; and where the command
starts another server beside the app (`uvicorn ... --port 1337 & exec nginx`), whose
port may be the one the image offers. So is a single `EXPOSE` of another port that the
app's code names (`server.add_insecure_port("[::]:50051")` in a start-up hook, as P001
reads it) or that a variable of the container's compose `environment` holds
(`GRPC_PORT: "50051"`): it may document a second server of the app, which a rewrite
would drop.
Safe when every container built from the stage listens on one port: a single stale
port is rewritten; a missing `EXPOSE` (or one that names only `/udp` ports) is added
just before the CMD/ENTRYPOINT in force (not before a CMD a later one replaces, `CMD
["alembic", "upgrade", "head"]` above the server's; above the comment lines that introduce
it, in a paragraph of its own where a blank line sets that comment apart: between two such
blank lines, else
followed by one; below a comment that speaks of exposing, `# Expose 8000 and run`, or
under such a heading left over a blank line above the CMD's paragraph (`# Expose port`,
whose EXPOSE was taken out); in a
paragraph of its own above a bare CMD where a blank line sets every instruction of the file
apart; between the blank lines that set a bare CMD apart where there are several), or after
the stage's last instruction when compose `command:` starts the app (a blank line between
where one sets that instruction apart, with any comment lines right above it; above it when it is
a heredoc, after which hadolint parses nothing, or a continuation that runs to the end of
the file, which a line below would join). A commented-out
`# EXPOSE 8000` of the listen port in the final stage is uncommented instead. `EXPOSE`
changes no port the app binds, but tools read it: traefik routes to the single
exposed port when no label names one, `docker run -P` publishes it.

Display-only when the stage exposes several ports, none of them the listen port, or
when the containers built from the stage disagree: services that build it listen on
different ports (a compose `environment` of their own), or one runs a compose
`command:` on another port than the image's own CMD. The reason names each service
and its port. The same where a service's compose `command:` reads its port from a
variable fixer cannot resolve (`--port ${PORT}`, set by no `.env`): whether it listens
on the image's port is unknown. The same where the Dockerfile has no CMD or ENTRYPOINT
and its base image's own start is one fixer does not know
(`tiangolo/uvicorn-gunicorn-fastapi` starts gunicorn on port 80; official python, Debian
or Alpine images only a shell or interpreter): a compose `command:` port is one
deployment's, not the image's. A service's `command:` is not the image's business, so an
`EXPOSE` that names the image's own port is no finding (nor the base's own `EXPOSE 80`
where the image starts what its base runs, its sample app when the build copies in no
app, and each service runs a `command:` of its own); but when it names another, no rewrite is
right for all of them: one written for the image's CMD would point traefik and
readers away from the service whose `command:` the old `EXPOSE` described. An
`EXPOSE $PORT` is not judged. A stage built `FROM` another stage of the file keeps that
stage's `EXPOSE`: inherited, the listen port is no finding, and another port is
display-only (the base's `EXPOSE` may be other stages' too). A stage built `FROM` another
app's final stage that has no `EXPOSE` either is left to that stage's finding: one
`EXPOSE` in `runtime`, which `dev` inherits, not one in each.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Container, Iterator
from dataclasses import replace
from functools import partial

from fixer.core.edits import Edit, TextEdit
from fixer.core.envfile import unset_names
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.core.tree_index import named_under
from fixer.facts.image.buildscripts import build_argument_set
from fixer.facts.ports.checkout import unseen_port_env_file
from fixer.facts.ports.claims import own_ports
from fixer.facts.image.images import base_exposes, base_image, starts_idle
from fixer.model.appservice import app_services
from fixer.model.image_paths import in_image
from fixer.model.listen import COMPOSE_KINDS, RUNS_ARGUMENTS
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import App, BuiltService, Service, StageKey, by_stage
from fixer.model.startscript import program_run
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Instruction, chain
from fixer.sources.dockerfile_heredoc import heredocs
from fixer.sources.dockertext import comments_above, escape_char, indentation, line_start
from fixer.sources.launch import SHELL_NAMES

from .listeners import named_in_environment, opened_in_code
from .portfix import (
    beside_the_server,
    extends_doubt,
    image_listen,
    listen_causes,
    nginx_beside_listens,
    starts_a_listener,
)

CODE = "P002"
NAME = "expose-mismatch"
CATEGORY = Category.PORTS
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.DISPLAY)
# After P001, which may move the listen port, and before rules that read EXPOSE.
FIX_ORDER = 11


def detect(ws: Workspace) -> Iterator[Violation]:
    stages = by_stage(app_services(ws))
    for services in stages.values():  # one stage, one finding, however many build it
        if _after_a_judged_stage(services[0].app, stages):
            continue
        report = _check(ws, services)
        if report is not None:
            yield report


def _after_a_judged_stage(app: App, judged: Container[StageKey]) -> bool:
    """The stage is built FROM another stage of the file that is itself an app's final
    stage with no EXPOSE: that stage's own finding (and fix) settles this one, which
    inherits what it exposes (one `EXPOSE` in `runtime`, not one more in `dev`). `judged`
    (the stages by key) is asked as it is: a set made of it for each stage was quadratic."""
    return any((app.dockerfile.path, link.index) in judged and not link.find("EXPOSE")
               for link in chain(app.dockerfile, app.stage)[1:])


def _tcp_ports(exposes: list[Instruction]) -> list[tuple[Instruction, str]]:
    """(instruction, port) for each TCP port exposed; `/udp` ones are another listener's."""
    return [(i, token.split("/")[0]) for i in exposes for token in i.value
            if not token.lower().endswith(("/udp", "/sctp"))]


def _image_port(ws: Workspace, service: BuiltService) -> int | None:
    """The port the image listens on: a compose `command:` or `entrypoint:` override counts
    only when the image starts no server of its own (EXPOSE documents the image, not one
    deployment)."""
    app = service.app
    region = app.listen.region
    if region is None or region.kind not in COMPOSE_KINDS:
        return app.listen.port
    own = image_listen(ws, service)
    return own.port if own.launch is not None else app.listen.port


def _unread_command_port(ws: Workspace, services: list[BuiltService],
                         listen: int) -> str | None:
    """Why EXPOSE is not written for the image's own port: a service's compose `command:`
    replaces the image's CMD with a port fixer cannot read (`--port ${PORT}`, not set), so
    whether its containers listen there too is unknown, as `_split` would say of a port
    it could read."""
    for service in services:
        region = service.app.listen.region
        if region is not None and region.kind in COMPOSE_KINDS and \
                service.app.listen.port is None:
            return (f"{service.name}'s compose `{_compose_key(service, region.kind)}:` listens "
                    f"{_listens_on(ws, service)}, the image's own CMD on {listen}: whether "
                    "the containers built from it listen on one port is unknown")
    return None


def _files_doubt(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not written for the port a compose `command:` sets: which port that is
    depends on the compose files run (the base file's `uvicorn` on 8000, a
    `docker-compose.prod.yml` loaded with `-f` binding :80), and EXPOSE documents the image
    whichever runs."""
    for service in services:
        region = service.app.listen.region
        if region is None or region.kind not in COMPOSE_KINDS:
            continue
        found = ws.without_a_file(service)
        if found is not None:
            doc, port = found
            alone = f"on {port}" if port is not None else "on a port fixer cannot tell"
            return (f"{service.name} listens {_listens_on(ws, service)} with {doc.path} and "
                    f"{alone} without it: which port the image documents is the author's call")
    return None


def _listens_on(ws: Workspace, service: BuiltService) -> str:
    """Where the service listens, for a message: `on 8000`, or the port as written when
    it cannot be resolved (`on `${API_PORT}` (not set)`: a variable neither a `.env` nor
    the service's environment sets)."""
    listen = service.app.listen
    if listen.port is not None:
        return f"on {listen.port}"
    token = listen.launch.port_token if listen.launch is not None else None
    if token is None:
        return "on a port fixer cannot tell"
    env = {**service.environment(ws.tree), **service.stack.dotenv}
    return f"on `{token}`" + (" (not set)" if unset_names(token, env) else "")


def _environment_doubt(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not rewritten to the port the containers listen on: compose's
    `environment` sets the port variable, and the image has a value of its own
    (`ENV PORT=8000`). EXPOSE documents the image: a stack run without that setting (the
    base file without its override file) would expose a port nothing listens on."""
    moved = _moved_by_environment(ws, services)
    if moved is None:
        return None
    service, own = moved
    listen = service.app.listen
    app = service.app
    exposed = {p for link in chain(app.dockerfile, app.stage)
               for _, p in _tcp_ports(link.find("EXPOSE"))}
    documents = ", which its EXPOSE documents" if str(own) in exposed else ""
    return (f"the image's own port is {own}{documents}; compose sets "
            f"{_setting(ws, service)} for {service.name}, which moves it to {listen.port}: "
            "whether EXPOSE, which tools read as the image's port (`docker run -P`, a proxy "
            "that routes to the exposed port), should follow one deployment is the author's "
            "call")


def _unseen_env_doubt(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not rewritten to the port the app listens on by default: the variable
    it reads its port from may be set by an env_file the repository does not hold, which
    each deployment writes; the port EXPOSE names may be that one."""
    for service in services:
        unseen = unseen_port_env_file(ws, service)
        if unseen is not None:
            listen = service.app.listen
            return (f"{service.name} reads its port from {listen.variable or listen.reads}, "
                    f"which its env_file {unseen} (not in the repository) may set: the port "
                    "EXPOSE names may be the one it sets")
    return None


def _setting(ws: Workspace, service: BuiltService) -> str:
    """What compose sets that moves the port, for the message: the variable itself
    (`PORT=9000`, in `environment` or an `env_file`), or the build argument the stage's
    `ENV PORT=${APP_PORT}` takes it from (`the build argument APP_PORT=9000`)."""
    listen = service.app.listen
    variable = listen.variable or ""
    if variable in service.environment(ws.tree):
        return f"{variable}={listen.port}"
    args = service.build_args()
    for link in chain(service.app.dockerfile, service.app.stage):
        for instruction in link.find("ENV"):
            pairs = dict(zip(instruction.value[0::2], instruction.value[1::2]))
            named = re.findall(r"\$\{?(\w+)", pairs.get(variable, ""))
            given = next((n for n in named if args.get(n) is not None), None)
            if given is not None:
                return (f"the build argument {given}={args[given]} (the image's ENV "
                        f"{variable}={pairs[variable]})")
    return f"{variable}={listen.port}"


def _only_compose_sets(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not written: the app reads its port from a variable the image leaves
    unset (`--bind 0.0.0.0:$PORT` and no `ENV PORT`), which only compose's `environment`
    gives; a platform that sets it (Heroku, Cloud Run) runs the image on its own port."""
    for service in services:
        listen = service.app.listen
        if listen.variable is None or listen.region is None or \
                listen.region.kind in COMPOSE_KINDS or \
                listen.variable not in service.environment(ws.tree):
            continue
        if image_listen(ws, service).port is None:
            return (f"the image sets no {listen.variable}; {service.name}'s compose "
                    f"`environment` gives it {listen.port}, and where the image runs without "
                    "compose its port is the platform's: which port EXPOSE documents is the "
                    "author's call")
    return None


def _interpolated_port(services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not written: compose's command takes the port from a variable Compose
    substitutes (`--port ${PORT:-8000}`), which each checkout's .env or shell may set: one
    value of it, written into the image, differs from one checkout to the next."""
    for service in services:
        listen = service.app.listen
        token = listen.launch.port_token if listen.launch is not None else None
        # a start script the command runs expands its own `$PORT` from the container's
        # environment: Compose substitutes only its own text
        if listen.region is not None and listen.region.kind in COMPOSE_KINDS and \
                not listen.region.script and token and "$" in token.replace("$$", ""):
            return (f"{service.name}'s compose `{_compose_key(service, listen.region.kind)}:` "
                    f"listens on `{token}`, which each checkout's .env or shell may set: "
                    "which port EXPOSE documents is the author's call")
    return None


def _release_build_doubt(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not written: the port comes from a build argument (`ENV PORT=${PORT}`
    after `ARG PORT=8000`) that a build script of the repository sets (`--build-arg
    PORT=8080`, a workflow's `build-args:`, `args` of a `docker-bake.hcl` target), so the
    image it releases listens elsewhere than compose's build."""
    app = services[0].app
    variable = app.listen.variable or app.listen.reads
    if variable is None:
        return None
    arguments = {name for link in chain(app.dockerfile, app.stage) for i in link.find("ARG")
                 for name in (v.split("=", 1)[0] for v in i.value)}
    names = {variable} & arguments | {
        name for link in chain(app.dockerfile, app.stage) for i in link.find("ENV")
        for key, value in zip(i.value[0::2], i.value[1::2]) if key == variable
        for name in re.findall(r"\$\{?(\w+)", value) if name in arguments}
    for name in sorted(names):
        found = build_argument_set(ws, name, app.dockerfile.path)
        if found is not None:
            return (f"{found[0]}:{found[1]} builds the image with the build argument {name} "
                    f"set, which moves the port the image listens on: which port EXPOSE "
                    "documents is the author's call")
    return None


def _moved_by_environment(ws: Workspace,
                          services: list[BuiltService]) -> tuple[BuiltService, int] | None:
    """A service whose port variable compose sets (`environment` or an `env_file`) over the
    image's own value, and that value."""
    for service in services:
        listen = service.app.listen
        if listen.variable is None or listen.region is None or \
                listen.region.kind in COMPOSE_KINDS:
            continue
        own = image_listen(ws, service).port
        if own is not None and own != listen.port:
            return service, own
    return None


def _compose_key(service: BuiltService, kind: str) -> str:
    """The compose key the server's command is written under, as the user reads it: an
    empty `entrypoint: ""` only clears the image's, and `command:` is all that runs."""
    given = service.entrypoint()
    if kind == "entrypoint" and given is not None and given[2] is not None and \
            not any(word.strip() for word in given[2]) and service.command() is not None:
        return "command"
    return kind


# what an image runs that starts no server: a shell or an interpreter with no arguments
_IDLE = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "python", "python3"})


def _unread_image_command(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is not written for the port a compose `command:` sets: the image's own
    CMD or ENTRYPOINT runs something fixer cannot read (`/opt/run.sh`), which may start the
    server elsewhere. EXPOSE documents the image, not one deployment's command."""
    for service in services:
        region = service.app.listen.region
        if region is None or region.kind not in COMPOSE_KINDS or \
                image_listen(ws, service).launch is not None:
            continue
        own = _image_command(ws, service.app)
        if own is not None:
            return (f"the image's own {own.cmd} runs `{' '.join(own.value)}`, "
                    f"{_unread_because(ws, list(own.value))}; {service.name}'s "
                    f"`{_compose_key(service, region.kind)}:` listens on "
                    f"{service.app.listen.port}: which port EXPOSE documents is the author's "
                    "call")
        base = _unread_base_start(service.app)
        if base is not None:
            return (f"the image starts what its base image {base} runs (the Dockerfile has no "
                    f"CMD or ENTRYPOINT), which fixer cannot read; {service.name}'s "
                    f"`{_compose_key(service, region.kind)}:` listens on "
                    f"{service.app.listen.port}: which port "
                    "EXPOSE documents is the author's call")
    return None


def _unread_because(ws: Workspace, argv: list[str]) -> str:
    """Why fixer reads no port in what the image runs: a script the repository holds
    nowhere (`bash start-api.sh` where no start-api.sh is committed) or one it cannot read a
    port in."""
    program = program_run(argv)
    if posixpath.splitext(program)[1] in (".sh", ".py") and \
            not named_under(ws.tree, "", posixpath.basename(program)):
        return "a script the repository does not hold"
    return "in which fixer finds no port"


def _started_by_base(ws: Workspace, services: list[BuiltService]) -> bool:
    """The image starts what its base image runs (no CMD or ENTRYPOINT of its own; its sample
    app where the build puts none of the service's), and every service runs a compose
    `command:` of its own over it: their ports are deployments', not the image's."""
    return _unread_base_start(services[0].app) is not None and all(
        s.app.listen.region is not None and s.app.listen.region.kind in COMPOSE_KINDS and
        image_listen(ws, s).launch is None for s in services)


def _unread_base_start(app: App) -> str | None:
    """The base image, when the stage and those it is built from set no CMD or ENTRYPOINT
    and the base is one whose own start fixer does not know (`tiangolo/uvicorn-gunicorn-
    fastapi` starts gunicorn on 80; a python or Debian image only a shell or interpreter:
    `starts_idle`)."""
    if any(link.last("CMD") or link.last("ENTRYPOINT")
           for link in chain(app.dockerfile, app.stage)):
        return None
    image = base_image(app.dockerfile, app.stage)
    return None if starts_idle(image) else image


def _other_programs(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is the author's call: a service that is no app builds the same image and
    runs another server on it (`mlflow server --port 5000`; not a worker, which listens on
    nothing): EXPOSE documents every container built from the image."""
    key = services[0].app.stage_key
    names = {s.name for s in services}
    # each server another service runs: (its name, its command, the script that starts it)
    runs: list[tuple[str, list[str], str | None]] = []
    for other in ws.services():
        app = other.app
        if app is None or other.name in names or app.stage_key != key:
            continue
        found = other.command()
        if found is None:
            continue
        script = _listening_script(ws, app, found[2])
        if script is not None or starts_a_listener(" ".join(found[2])) or \
                _publishes_another_port(other, services):
            runs.append((other.name, found[2], script))
    if not runs:
        return None
    # a script given a word (`celery.sh worker`, `celery.sh flower`) may start its server
    # for one of them: the service whose word a line starting one names is the one to name
    name, argv, script = next((r for r in runs if _word_starts_it(ws, r[2], r[1])), runs[0])
    started = "" if script is None else f" ({script} starts a server)" if len(argv) < 2 \
        else f" ({script} starts a server for some of its arguments)"
    return (f"{name} builds the same image and runs `{' '.join(argv)}`{started}: which "
            "port EXPOSE documents is the author's call")


def _publishes_another_port(other: Service, services: list[BuiltService]) -> bool:
    """The service's compose `ports:` or `expose:` names a container port none of the app
    services listen on (`python app/ws_server.py` with `ports: ["3001:3001"]`), or one a
    variable no file of the repository sets gives (`${WS_PORT}:${WS_PORT}`): its command
    runs a server of its own there, whatever fixer reads of the command."""
    listens = {s.app.listen.port for s in services}
    return any(p.kind in ("ports", "expose") and not p.udp and
               (p.port if p.port is not None else p.resolved) not in listens
               for p in own_ports(other))


def _word_starts_it(ws: Workspace, script: str | None, argv: list[str]) -> bool:
    """A word the command gives its script picks a branch that starts a server (`flower` of
    `celery.sh flower`, beside `elif [[ "$1" == "flower" ]]; then celery -A app flower`), or,
    where no branch tests it, is on a line of the script that starts one (`exec celery -A
    app flower`)."""
    file = ws.tree.peek(script) if script is not None else None
    words = {w for w in argv[1:] if len(w) > 2 and not w.startswith("-")}
    if file is None or not words:
        return False
    lines = [line.strip() for line in file.text.splitlines()]
    named = [i for i, line in enumerate(lines) if _BRANCH_TEST.match(line)
             and any(re.search(rf"\b{re.escape(w)}\b", line) for w in words)]
    if named:   # the first command of each branch its word picks
        return any(starts_a_listener(next((line for line in lines[i + 1:] if line and
                                           not line.startswith(("#", "then"))), ""))
                   for i in named)
    return any(starts_a_listener(line) and
               any(re.search(rf"\b{re.escape(w)}\b", line) for w in words) for line in lines)


# a line that tests for a branch (`if [[ "$1" == flower ]]; then`, `elif [ ... ]`, `flower)`)
_BRANCH_TEST = lazy_compile(r"^(?:(?:el)?if\b|[\w|\"' -]+\)\s*$)")


def _listening_script(ws: Workspace, app: App, argv: list[str]) -> str | None:
    """The script of the repository the command runs in the image (`/start-flower`, from
    `scripts/start-flower`) when it starts a server (`exec celery -A app flower`), as an
    inline command would; None otherwise."""
    program = program_run(argv)
    path = in_image(ws.tree, app.folder, app.dockerfile, app.stage, program) \
        if program else None
    file = ws.tree.peek(path) if path is not None else None
    return path if file is not None and starts_a_listener(file.text) else None


def _second_server(ws: Workspace, services: list[BuiltService]) -> str | None:
    """Why EXPOSE is the author's call: the command starts another server beside the app
    (`uvicorn ... --port 1337 & exec nginx`), whose port may be the one the image offers."""
    found = next((d for s in services if (d := beside_the_server(ws, s)) is not None), None)
    return None if found is None else f"{found}: which port EXPOSE documents is the author's call"


def _image_command(ws: Workspace, app: App) -> Instruction | None:
    """The CMD or ENTRYPOINT the image runs as built (the stage's own, else the nearest
    stage it is built from), when it runs more than a bare shell or interpreter. An
    ENTRYPOINT script that only runs its arguments (`exec "$@"`), with no CMD to give it
    any, starts nothing of its own."""
    for link in chain(app.dockerfile, app.stage):
        found = link.last("ENTRYPOINT") or link.last("CMD")
        if found is not None:
            words = found.value
            if not words or (len(words) == 1 and words[0] in _IDLE) or \
                    _passes_on_nothing(ws, app, found):
                return None
            return found
    return None


def _passes_on_nothing(ws: Workspace, app: App, found: Instruction) -> bool:
    """`ENTRYPOINT ["/app/entrypoint.sh"]` (or `["sh", "./entrypoint.sh"]`), a script that
    ends in `exec "$@"`, with no CMD
    in the stage or those it is built from: the compose `command:` is what it runs."""
    if found.cmd != "ENTRYPOINT" or not found.json or \
            any(link.last("CMD") for link in chain(app.dockerfile, app.stage)):
        return False
    words = list(found.value)
    if len(words) > 1 and posixpath.basename(words[0]) in SHELL_NAMES and \
            not words[1].startswith("-"):
        words = words[1:]   # `["sh", "./scripts/start.sh"]`: the shell runs the script file
    path = in_image(ws.tree, app.folder, app.dockerfile, app.stage, words[0])
    script = ws.read(path) if path is not None else None
    return script is not None and RUNS_ARGUMENTS.search(script.text) is not None


def _check(ws: Workspace, services: list[BuiltService]) -> Violation | None:
    app = services[0].app
    listens = sorted({p for p in (_image_port(ws, s) for s in services) if p is not None})
    ports = _tcp_ports(app.stage.find("EXPOSE"))
    # a stage built FROM another of the file keeps what that one exposes
    inherited = [(i, p) for link in chain(app.dockerfile, app.stage)[1:]
                 for i, p in _tcp_ports(link.find("EXPOSE"))]
    from_base = base_exposes(base_image(app.dockerfile, app.stage))
    written = [p for _, p in ports + inherited] + list(from_base)
    if not listens or any(str(listen) in written for listen in listens):
        return None
    if not ports and not inherited and from_base and _started_by_base(ws, services):
        return None   # the base's EXPOSE documents the start the image takes from it
    if {str(p) for s in services for p in nginx_beside_listens(ws, s)} & set(written):
        return None   # the image exposes the port of the nginx it runs in front of the app
    if any(not p.isdigit() for p in written):
        return None  # a variable in EXPOSE cannot be judged
    report, title = _problem(app, ports, listens[0], _listening(ws, services, listens, ports))
    report = replace(report, service=services[0].name, causes=_causes(ws, services),
                     port_services=tuple(s.name for s in services) if len(services) > 1
                     else ())
    split = _split(ws, services, listens)
    if split is not None:
        return replace(report, reason=split)
    if len(ports) > 1:
        return replace(report, reason="several ports are exposed; which one is the app's "
                                      "is unclear")
    if not ports and inherited:
        return replace(report, reason=f"the stage inherits `EXPOSE {inherited[0][1]}` from "
                                      f"line {inherited[0][0].line}, which other stages may "
                                      "share: which to change is the author's call")
    if not ports and from_base:
        return replace(report, reason=(
            f"the base image {base_image(app.dockerfile, app.stage)} exposes "
            f"{' '.join(from_base)}, which no EXPOSE here removes: one for {listens[0]} beside "
            "it leaves the image two ports, and tools that take the only one (traefik) need "
            "a label naming it"))
    doubt = next((d for d in map(extends_doubt, services) if d), None) or \
        (_explained_omission(app, listens[0]) if not ports else None) or \
        (_named_elsewhere(ws, services, ports[0][1], listens[0]) if ports else None) or \
        _environment_doubt(ws, services) or _unseen_env_doubt(ws, services) or \
        _only_compose_sets(ws, services) or \
        _release_build_doubt(ws, services) or _files_doubt(ws, services) or \
        _unread_command_port(ws, services, listens[0]) or \
        _unread_image_command(ws, services) or _interpolated_port(services) or \
        _second_server(ws, services) or \
        _other_programs(ws, services)
    if doubt is not None:
        return replace(report, reason=doubt)
    return replace(report, fix=Fix(title, Safety.SAFE, partial(_edits, app, ports, listens[0])))


def _named_elsewhere(ws: Workspace, services: list[BuiltService], exposed: str,
                     listen: int) -> str | None:
    """Why the stale-looking EXPOSE is not rewritten: the app's own code, or a variable
    compose gives its container, names the exposed port, which may be a second server of
    the app (a gRPC server its start-up hook starts on 50051, a metrics endpoint) that
    EXPOSE rightly documents; a rewrite would drop it."""
    port = number(exposed)
    for service in services:
        found = opened_in_code(ws, service, [port]) or named_in_environment(ws, service, [port]) \
            if port is not None else None
        if found is not None:
            return (f"{found}; whether EXPOSE should name {listen} instead of {exposed} or "
                    "beside it is the author's call")
    return None


def _edits(app: App, ports: list[tuple[Instruction, str]], listen: int) -> list[Edit]:
    """The one EXPOSE rewritten to the port the app listens on, or one added before the CMD."""
    return [_rewritten(app, *ports[0], listen)] if ports else [_added(app, listen)]


def _causes(ws: Workspace, services: list[BuiltService]) -> tuple[Location, ...]:
    """The other side of EXPOSE: the stage's own CMD/ENTRYPOINT, and where each container
    built from it takes its listen port from (a compose `command:`, the flag, `ENV` or
    `environment` value that sets the port)."""
    app = services[0].app
    own = [Location(app.dockerfile.path, i.line, i.end_line) for i in app.stage.instructions
           if i.cmd in ("CMD", "ENTRYPOINT")]
    found = own + [place for s in services for place in listen_causes(ws, s)]
    return tuple(dict.fromkeys(found))


def _split(ws: Workspace, services: list[BuiltService], listens: list[int]) -> str | None:
    """Why no one EXPOSE fits every container built from the stage: its services listen
    on different ports (a compose `command:` or `environment` of their own), or one runs a
    compose `command:` on another port than the image's CMD. A rewrite for one of them
    would be wrong for another (traefik, for one, routes to the single exposed port)."""
    heard = _listeners(ws, services, listens)
    if len({port for _, port, _ in heard}) < 2:
        return None
    parts = [f"{who} on {port} ({origin})" if origin else f"{who} on {port}"
             for who, port, origin in heard]
    return f"the containers built from it listen on different ports: {', '.join(parts)}"


def _listeners(ws: Workspace, services: list[BuiltService],
               listens: list[int]) -> list[tuple[str, int, str]]:
    """(who, port, where it comes from) for each container built from the stage that
    listens on a known port, then the image's own CMD where no container uses its port.
    A service that listens there only with one of its compose files says which
    (`api with docker-compose.prod.yml`)."""
    # once each: two stacks' files define one service (`docker-compose.production.yml`
    # beside `docker-compose.yml`), which the reader counts once
    heard = list(dict.fromkeys((_who(ws, s), s.app.listen.port, s.app.listen.origin)
                               for s in services if s.app.listen.port is not None))
    ports = {port for _, port, _ in heard}
    return heard + [("the image's own CMD", port, "") for port in listens if port not in ports]


def _who(ws: Workspace, service: BuiltService) -> str:
    found = ws.without_a_file(service)
    return service.name if found is None else f"{service.name} with {found[0].path}"


def _with_file(ws: Workspace, services: list[BuiltService]) -> str:
    """` with docker-compose.prod.yml (8000 without it)`: the port is the one the app
    listens on only where that file is loaded (`-f`)."""
    for service in services:
        found = ws.without_a_file(service)
        if found is not None:
            doc, alone = found
            return f" with {doc.path}" + (f" ({alone} without it)" if alone is not None else "")
    return ""


def _listening(ws: Workspace, services: list[BuiltService], listens: list[int],
               ports: list[tuple[Instruction, str]]) -> str:
    """`the app listens on 8000`, or with several ports `its containers listen on 8000
    (alpha) and 8001 (beta)`: the headline names every port EXPOSE would have to fit. Where
    EXPOSE names one of them, a compose `command:`'s, it first says what EXPOSE is judged
    by, the image's own CMD (`EXPOSE 8000 but its containers listen on 8000 (api)` reads as
    no fault)."""
    by_port: dict[int, list[str]] = {}
    for who, port, _ in _listeners(ws, services, listens):
        by_port.setdefault(port, []).append(who)
    if len(by_port) < 2:
        return f"the app listens on {listens[0]}{_with_file(ws, services)}"
    containers = "its containers listen on " + " and ".join(
        f"{port} ({', '.join(who)})" for port, who in sorted(by_port.items()))
    if any(number(exposed) in by_port for _, exposed in ports):
        return f"the image's own CMD listens on {listens[0]}; {containers}"
    return containers


def _problem(app: App, ports: list[tuple[Instruction, str]], listen: int,
             listening: str) -> tuple[Violation, str]:
    """The report (with no fix yet) and the title of the fix that would fix it."""
    path = app.dockerfile.path
    if ports:
        message = f"EXPOSE {' '.join(p for _, p in ports)} but {listening}"
        return (Violation(message, path, ports[0][0].line, subject="expose",
                          writes_port=True),
                f"Set EXPOSE to {listen}")
    anchor = _anchor(app)
    line = anchor.line if anchor else app.stage.instructions[-1].end_line
    inherited = [p for link in chain(app.dockerfile, app.stage)[1:]
                 for _, p in _tcp_ports(link.find("EXPOSE"))]
    from_base = base_exposes(base_image(app.dockerfile, app.stage))
    what = "exposes no TCP port" if app.stage.find("EXPOSE") else \
        f"inherits EXPOSE {' '.join(inherited)}" if inherited else \
        f"inherits EXPOSE {' '.join(from_base)} from its base image" if from_base else \
        "has no EXPOSE"
    message = f"{app.stage_named} {what}; {listening}"
    verb = "Uncomment" if _commented(app, listen) else "Add"
    return (Violation(message, path, line, subject="expose", writes_port=True),
            f"{verb} EXPOSE {listen}")


def _commented(app: App, listen: int) -> re.Match[str] | None:
    """A commented-out `# EXPOSE <listen>` line in the final stage: the author's own line,
    which the fix uncomments rather than adding another beside it."""
    text = app.dockerfile.file.text
    line = re.compile(rf"^[ \t]*(#[ \t]*)EXPOSE[ \t]+{listen}(?:/tcp)?[ \t]*\r?$",
                      re.M | re.I)
    inside = [(i.start, i.end) for i in app.stage.instructions]   # a heredoc's body is text
    return next((m for m in line.finditer(text, app.stage.instructions[0].start,
                                          _stage_end(app))
                 if not any(start <= m.start() < end for start, end in inside)), None)


def _stage_end(app: App) -> int:
    """Where the final stage's text ends: at the next stage's FROM, else at the end of the
    file (the comments below its last instruction are the stage's: `# EXPOSE 8000` last)."""
    stages = app.dockerfile.stages
    after = app.stage.index + 1
    return stages[after].instructions[0].start if after < len(stages) else \
        len(app.dockerfile.file.text)


# a comment about EXPOSE, and one that only comments an instruction out (`# EXPOSE 80/tcp`)
_EXPOSE_REMARK = lazy_compile(r"^[ \t]*#(?=[^\n]*\bEXPOSE\b)([^\n]*?)\r?$", re.M)
_BARE_EXPOSE = lazy_compile(r"\s*EXPOSE(?:\s+(?:\d+(?:-\d+)?(?:/\w+)?|\$\{?\w+(?::?-\d+)?\}?))*\s*",
                            re.I)
# a comment that speaks of exposing the port (`# Expose port 8000 and run FastAPI`): the
# EXPOSE it introduces goes below it
_EXPOSE_WORD = lazy_compile(r"\bexpos(?:e|es|ed|ing)\b", re.I)


def _explained_omission(app: App, listen: int) -> str | None:
    """Why adding EXPOSE may undo a choice: a comment of the final stage speaks of EXPOSE
    and says more than a commented-out line the fix would uncomment (`# EXPOSE 8000 only in
    dev; prod sits behind the socket proxy`)."""
    if _commented(app, listen):
        return None
    text = app.dockerfile.file.text
    remarks = _EXPOSE_REMARK.finditer(text, app.stage.instructions[0].start, _stage_end(app))
    match = next((m for m in remarks if not _BARE_EXPOSE.fullmatch(m.group(1))), None)
    about = "EXPOSE"
    if match is None:
        match, about = _PORTS_IN_COMPOSE.search(
            text, app.stage.instructions[0].start, _stage_end(app)), "the ports compose sets"
    if match is None:   # only commented-out lines (`# EXPOSE 80`): no reason is given
        return None
    line = text.count("\n", 0, match.start()) + 1
    return (f"line {line} comments on {about} (`#{match.group(1).rstrip()}`): leaving EXPOSE "
            "out may be the author's choice")


# a comment that says compose sets the ports (`# Runtime config (ports, command, env) is
# specified in docker-compose.yml`): the Dockerfile leaves them to it on purpose
_PORTS_IN_COMPOSE = lazy_compile(r"^[ \t]*#([^\n]*\bports?\b[^\n]*\bcompose\b[^\n]*?|"
                                 r"[^\n]*\bcompose\b[^\n]*\bports?\b[^\n]*?)\r?$",
                                 re.M | re.I)


def _anchor(app: App) -> Instruction | None:
    """The first of the final stage's CMD and ENTRYPOINT in force (each the last of its
    kind): EXPOSE conventionally comes just before them, not before a CMD that a later
    one replaces (`CMD ["alembic", "upgrade", "head"]` above the server's CMD)."""
    in_force = [found for kind in ("CMD", "ENTRYPOINT")
                if (found := app.stage.last(kind)) is not None]
    return min(in_force, key=lambda i: i.start) if in_force else None


def _open_ended(text: str, last: Instruction) -> bool:
    """The file's last instruction still open at its end: a continuation that runs to the
    end of the file (`&& echo done \\` then a blank line), which a line below would join,
    or a heredoc, after which hadolint parses no instruction."""
    line_end = text.find("\n", last.start)
    first_line = text[last.start:line_end if line_end >= 0 else len(text)]
    return bool(heredocs(first_line)) or \
        text[last.start:last.end].rstrip().endswith(escape_char(text))


def _rewritten(app: App, instruction: Instruction, old: str, listen: int) -> TextEdit:
    text = app.dockerfile.file.text
    pattern = re.compile(rf"(?<![\w$:-]){old}(?=/|\s|$)")
    match = pattern.search(text, instruction.start + len("EXPOSE"), instruction.end)
    assert match is not None
    return TextEdit(app.dockerfile.path, match.start(), match.end(), str(listen))


def _added(app: App, listen: int) -> TextEdit:
    commented = _commented(app, listen)
    if commented is not None:
        return TextEdit(app.dockerfile.path, commented.start(1), commented.end(1), "")
    text, newline = app.dockerfile.file.text, app.dockerfile.file.newline
    anchor = _anchor(app)
    if anchor is None:  # compose `command:` starts the app: after the stage's last line
        last = app.stage.instructions[-1]
        if _open_ended(text, last):   # above it: below, EXPOSE would be part of it
            at = text.rfind("\n", 0, last.start) + 1
            return TextEdit(app.dockerfile.path, at, at, f"{indentation(text, last.start)}"
                            f"{app.dockerfile.keyword('EXPOSE')} {listen}{newline}")
        # in a paragraph of its own where a blank line sets the last instruction apart, with
        # the comment lines that introduce it (`# copy project` above `COPY . .`)
        head = comments_above(text, line_start(text, last.start))
        apart = newline if _blank_lines_above(text, head) else ""
        return TextEdit(app.dockerfile.path, last.end, last.end,
                        f"{newline}{apart}{indentation(text, last.start)}"
                        f"{app.dockerfile.keyword('EXPOSE')} {listen}")
    start = line_start(text, anchor.start)
    at = comments_above(text, start)   # the comment lines that introduce the CMD stay by it
    line = f"{indentation(text, anchor.start)}{app.dockerfile.keyword('EXPOSE')} {listen}"
    if _speaks_of_exposing(text[at:start]):   # `# Expose 8000 and run`: EXPOSE below it
        return TextEdit(app.dockerfile.path, start, start, line + newline)
    heading = _empty_exposing_heading(app, anchor, at)
    if heading is not None:   # `# Expose port` over a blank line: EXPOSE under it
        return TextEdit(app.dockerfile.path, heading, heading, line + newline)
    # Above a commented CMD that stands in a paragraph of its own, EXPOSE gets one too: glued
    # to the comment, it would read as part of what the comment introduces. Where several
    # blank lines set the CMD or its comment apart, EXPOSE goes between them; else one is
    # added below a comment.
    blanks = _blank_lines_above(text, at)
    if len(blanks) > 1:
        at = blanks[(len(blanks) - 1) // 2]
    # Where a blank line sets every instruction of the file apart, EXPOSE is one more
    # paragraph above a bare CMD.
    own_paragraph = at < start and len(blanks) == 1 or (
        at == start and blanks != [] and _every_instruction_apart(app))
    return TextEdit(app.dockerfile.path, at, at,
                    line + newline + (newline if own_paragraph else ""))


def _empty_exposing_heading(app: App, anchor: Instruction, at: int) -> int | None:
    """Where the line below a heading that speaks of exposing and heads nothing starts
    (`# Expose port`, then a blank line), among the comments between the stage's last
    instruction above the CMD and the comment lines that introduce the CMD: the EXPOSE that
    was once there goes back under it. None where there is no such heading."""
    text = app.dockerfile.file.text
    above = [i for i in app.stage.instructions if i.end <= anchor.start]
    if not above:
        return None
    offset = text.find("\n", above[-1].end) + 1
    lines = text[offset:at].splitlines(keepends=True)
    for line, below in zip(lines, [*lines[1:], ""]):
        offset += len(line)
        if line.lstrip().startswith("#") and _speaks_of_exposing(line) and not below.strip():
            return offset
    return None


def _every_instruction_apart(app: App) -> bool:
    """A blank line between each instruction of the Dockerfile and the next."""
    text = app.dockerfile.file.text
    instructions = [i for stage in app.dockerfile.stages for i in stage.instructions]
    return all(any(not line.strip() for line in text[one.end:after.start].splitlines()[1:])
               for one, after in zip(instructions, instructions[1:]))


def _speaks_of_exposing(comments: str) -> bool:
    """A line of the comments says what is exposed (not one that comments an instruction
    out, `# EXPOSE 80`, which stays below the line added)."""
    return any(_EXPOSE_WORD.search(line) and not _BARE_EXPOSE.fullmatch(line.lstrip("# \t"))
               for line in comments.splitlines())


def _blank_lines_above(text: str, at: int) -> list[int]:
    """The starts of the blank lines that run right above the line that starts at `at`,
    nearest first."""
    blanks: list[int] = []
    while at > 0:
        above = line_start(text, at - 1)
        if text[above:at].strip():
            break
        blanks.append(above)
        at = above
    return blanks

