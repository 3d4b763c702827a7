"""Making an app listen on another port: the Dockerfile (or compose `command:`) side.

Shared by the port rules: rewrite every place the old port is written (the CMD or
ENTRYPOINT flag, the ENV/ARG or compose `environment` value it reads, EXPOSE,
HEALTHCHECK URLs), or add a port flag where the server ran on its default. A fix is
planned as a `PortMove` (positions only), judged on those positions, and rendered into
edits only when the engine applies it.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.envfile import references
from fixer.core.lazyre import lazy_compile
from fixer.facts.health.slowstart import entrypoint_prefix
from fixer.facts.ports.claims import LOCAL_URL, heard
from fixer.facts.ports.proxyconf import is_proxy_config
from fixer.facts.ports.references import service_claims
from fixer.model.listen import COMPOSE_KINDS, ListenPort, Region
from fixer.model.listen import resolve as resolve_listen
from fixer.model.rule import Location
from fixer.model.services import BuiltService, Service, bind_mount_folders
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, mapping_or_list, scalar, string_list
from fixer.sources.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    chain,
    heir_beside,
    stage_at,
)
from fixer.sources.portsites import Addition, Site, number_sites
from fixer.sources.python import parse
from fixer.sources.scriptport import port_digits, uvicorn_runs


@dataclass(frozen=True)
class PortMove:
    """A port fix as positions: the text a missing port flag adds, then the digits at each
    site, all set to `port`. Detection judges it from `spans` alone (which file, inside a
    shared YAML anchor); `edits` renders it when the fix is applied, and cannot fail."""

    port: int
    sites: tuple[Site, ...] = ()
    addition: Addition | None = None

    def spans(self) -> list[Site]:
        """Where each edit lands, in the order `edits` makes them."""
        head = [] if self.addition is None else [self.addition.site]
        return [*head, *self.sites]

    def edits(self) -> list[Edit]:
        """The edits, rendered when the fix is applied: positions and a port, no judgement."""
        head = [] if self.addition is None else [self.addition.edit(self.port)]
        return [*head, *(site.edit(self.port) for site in self.sites)]

    def also(self, sites: Sequence[Site]) -> PortMove:
        """The move with more sites rewritten after its own."""
        return replace(self, sites=(*self.sites, *sites))


def app_side_move(ws: Workspace, service: BuiltService, target: int,
                  builders: list[BuiltService] | None = None) -> tuple[PortMove | None, str | None]:
    """Where to make the app listen on `target`, or the reason it cannot be moved.

    `builders`: the built services that build the same Dockerfile stage, app services or
    not (default: found in `ws`; a rule that checks every service passes them to stay
    linear)."""
    move, reason = _listen_move(ws, service, target)
    if move is None:
        return None, reason
    shared = _other_target(service, move) or \
        _sharing(ws, builders or list(ws.apps()), service, target, move)
    if shared is not None:   # the app's side is another image's too; compose's is its own
        # where the service's own server is in a folder it mounts, moving compose's side
        # would make a healthcheck of the image's other app pass
        way_out = _own_server(ws, service, target) or \
            "compose's side may move instead (`--port-source dockerfile`)"
        return None, f"{shared}; {way_out}"
    return move, None


def _own_server(ws: Workspace, service: BuiltService, target: int) -> str | None:
    """Why the service may lack a `command:` of its own: a module in a repository folder it
    mounts serves on `target`, the port compose expects (`uvicorn.run(app, port=8002)` in
    services/task-service/main.py), while the image's command runs another service's app.
    Moving compose's side would then make a healthcheck of the wrong app pass."""
    for folder in bind_mount_folders(service) or []:
        if not folder:
            continue   # the whole repository: its modules say nothing of this service's own
        for path in tree_index.files_under(ws.tree, folder):
            file = ws.scan(path) if path.endswith(".py") else None
            module = parse(file) if file is not None and "uvicorn" in file.text else None
            if module is not None and any(_serves_on(call, target)
                                          for call in uvicorn_runs(module)):
                return (f"{path}, in a folder {service.name} mounts, serves on {target} itself "
                        f"(`uvicorn.run`): {service.name} may lack a `command:` that runs it")
    return None


def _serves_on(call: ast.Call, port: int) -> bool:
    """The call's `port=` is `port`, written as a number or a string of digits."""
    given = next((k.value for k in call.keywords if k.arg == "port"), None)
    return port_digits(given) == str(port)


def python_source_doubt(ws: Workspace, spans: Sequence[Site]) -> str | None:
    """Why app-side edits that land in Python source are not safe. A port set in Python
    (`uvicorn.run(port=...)`, often under `if __name__ == "__main__"`) is usually the
    developer's local runner: the module also runs outside the container, where that
    port is meant, and other commands serve the same app on the image's port. P001's
    app-side edits are CMD/ENTRYPOINT, EXPOSE, HEALTHCHECK and `ENV PORT` (`fixer explain
    P001`); Python source is not among them."""
    span = next((s for s in spans if s.path.endswith(".py")), None)
    if span is None:
        return None
    line = ws.tree.read(span.path).line_of(span.start)
    # the rewrite is the fix `--unsafe-fixes` makes: say what it also moves, and what else
    # is to be had by hand, not that the rewrite itself is to be done by hand
    return (f"the port is set in Python source, {span.path}:{line}, which also runs outside "
            f"the container: the rewrite moves that run's port too, and Python code that "
            f"calls the old port is not read; or set the port in the command by hand")


def listen_causes(ws: Workspace, service: BuiltService) -> list[Location]:
    """Where the app's listen port comes from: the command (compose `command:`, CMD,
    ENTRYPOINT) and each place its port is written (a flag, an `ENV`, a compose
    `environment` value, `uvicorn.run(port=...)`). A change there moves the listen port."""
    listen = service.app.listen
    places = [(s.path, s.start, s.end) for s in listen.sites]
    if listen.region is not None:
        places.insert(0, (listen.region.path, listen.region.start, listen.region.end))
    return [Location.of_text(ws.tree.read(path), start, end) for path, start, end in places]


def stage_causes(dockerfile: Dockerfile, stage: Stage) -> list[Location]:
    """The EXPOSE and HEALTHCHECK lines of the final stage and of the stages it inherits
    them from: they carry the app's port too."""
    return [Location(dockerfile.path, i.line, i.end_line) for link in chain(dockerfile, stage)
            for i in link.instructions if i.cmd in ("EXPOSE", "HEALTHCHECK")]


def _listen_move(ws: Workspace, service: BuiltService,
                 target: int) -> tuple[PortMove | None, str | None]:
    """Where the port is written (or where a flag goes), then EXPOSE and HEALTHCHECK."""
    app = service.app
    listen = app.listen
    sites = list(listen.sites)
    if listen.variable is not None and not sites:
        site, reason = compose_env_site(service, listen.variable, listen.port)
        if site is None:
            return None, reason
        sites.append(site)
    addition = None
    if not sites:
        if listen.region is not None and listen.region.script:
            return None, (f"the port is set in the start script {listen.region.path}, which "
                          "fixer does not edit: change it there, or move compose's side "
                          "(`--port-source dockerfile`)")
        if listen.addition is None:
            return None, f"no place to set the port ({listen.origin}{_where(listen.reason)})"
        addition = listen.addition
    move = PortMove(target, tuple(sites), addition)
    from_compose = listen.region is not None and listen.region.kind in COMPOSE_KINDS
    if from_compose and image_listen(ws, service).launch is not None:
        return move, None  # the Dockerfile's own CMD does not run: leave its EXPOSE alone
    taken = {(s.path, s.start) for s in move.spans()}
    return move.also([s for s in _stage_mentions(app.dockerfile, app.stage, listen.port)
                      if (s.path, s.start) not in taken]), None


def image_listen(ws: Workspace, service: BuiltService) -> ListenPort:
    """What the image's own CMD/ENTRYPOINT listens on, with no compose `command:` or
    `environment`. When it starts no server (`launch` is None), the image's EXPOSE and
    HEALTHCHECK describe the compose `command:` and move with it."""
    app = service.app
    return resolve_listen(ws.tree, app.folder, app.dockerfile, app.stage, None, {}, {})


# the commands of a chain: `a & b`, `a && b`, `a; b`, one per line
_COMMANDS = lazy_compile(r"&&|\|\||;|\n|(?<![&<>])&(?![&>])")
# a port a command names: `--port 8001`, `--server.port=8501`, `-p 9000`
_PORT_OPTION = lazy_compile(r"(?:port|-p)[= ]+(\d{2,5})\b")
# programs that call a port another container listens on (a wait for the database, a
# probe): a port they name is no listener of this one
_CLIENTS = lazy_compile(r"(?<![\w-])(?:pg_isready|nc|netcat|ncat|wait-for-it(?:\.sh)?|"
                        r"wait-for(?:\.sh)?|dockerize|mysqladmin|redis-cli|psql|mongosh|"
                        r"curl|wget)(?![\w-])")
# servers a command may start beside the app, with the port they listen on untold
_DEFAULT_PORTS = {"streamlit": 8501, "gradio": 7860, "jupyter": 8888, "vllm": 8000,
                  "ollama": 11434, "mlflow": 5000, "tensorboard": 6006, "flower": 5555}
# servers whose ports their configuration sets (`listen 8080;`), which run beside the app
# in front of it (`uvicorn ... & exec nginx`, `service nginx start && exec uvicorn ...`)
_CONFIGURED = ("nginx", "caddy", "httpd", "apache2", "haproxy", "envoy", "supervisord")


def started_untold(command: str) -> tuple[str, int] | None:
    """The server a command starts, by its first word or as `python -m` its module, and the
    port it listens on by default, where the command names no port (`jupyter lab
    --ip=0.0.0.0`: 8888); None for any other command."""
    words = command.split()
    if len(words) > 2 and posixpath.basename(words[0]).startswith("python") and \
            words[1] == "-m":
        words = words[2:]
    program = posixpath.basename(words[0]) if words else ""
    if program not in _DEFAULT_PORTS or _PORT_OPTION.search(command):
        return None
    return program, _DEFAULT_PORTS[program]


def starts_a_listener(command: str) -> bool:
    """Whether a command names a port (`--port 5000`) or starts a server that listens on
    one untold (`mlflow server`, `streamlit run`, `nginx`): a worker's does neither."""
    return bool(_PORT_OPTION.search(command)) or any(
        re.search(rf"(?<![\w-]){name}(?![\w-])", command)
        for name in (*_DEFAULT_PORTS, *_CONFIGURED))


# a line of its own that is a comment (`\t# trust the ingress`), its line break included
_COMMENT_LINE = lazy_compile(r"^[ \t]*#[^\n]*(?:\n|\Z)", re.M)


def beside_the_server(ws: Workspace, service: BuiltService,
                      claimed: list[int] | None = None) -> str | None:
    """Why the claimed port may be another server's: the command starts another process
    beside the app that names that port (`vllm ... --port 8001 & uvicorn ...`), listens
    there untold (`streamlit run dash.py &`: 8501), or reads its ports from its own
    configuration (`... & exec nginx`, `service nginx start && ...`). A worker that names
    no port (`celery worker & uvicorn ...`) is no listener. With no `claimed`, any port
    another command names, and any server it starts, count."""
    for segment in _other_commands(ws, service):
        if _CLIENTS.search(segment):
            continue   # `until pg_isready -h db -p 5432`: it calls another's port
        named = [p for p in claimed if re.search(rf"(?<![\w.]){p}(?![\w.])", segment)] \
            if claimed is not None else [int(m) for m in _PORT_OPTION.findall(segment)]
        program = next((name for name in (*_DEFAULT_PORTS, *_CONFIGURED)
                        if re.search(rf"(?<![\w-]){name}(?![\w-])", segment)), None)
        untold = [p for name, p in _DEFAULT_PORTS.items() if name == program
                  and (claimed is None or p in claimed)]
        if program in _CONFIGURED:
            return (f"the command also starts {program}, which listens on the ports its "
                    "configuration sets: it may be what compose's port reaches")
        if named or untold:
            return (f"the command also starts {program or 'another process'}, which may be "
                    f"what listens on {(named or untold)[0]}")
    return None


def started_by_the_image(ws: Workspace, service: BuiltService,
                         claimed: list[int]) -> str | None:
    """Why the claimed port may be another server's that the image starts: the ENTRYPOINT
    script names it before it runs the command (`Port 2222` written for the sshd it
    starts), a RUN of the final stage's chain does (`sed -i 's/#Port 22/Port 2222/'
    /etc/ssh/sshd_config`), or the start script that runs the server does elsewhere than on
    the server's line (`export PORT=3000` for the `node server.js &` in front of it); not on
    a line that calls it (`pg_isready -p 5432`)."""
    app = service.app
    runs = [app.dockerfile.file.text[i.start:i.end] for stage in chain(app.dockerfile, app.stage)
            for i in stage.find("RUN")]
    named = re.compile(r"(?<![\w.])(?:%s)(?![\w.])" % "|".join(map(str, claimed)))
    for where, text in (("the image's ENTRYPOINT script", entrypoint_prefix(ws, service)),
                        ("a RUN of the Dockerfile", "\n".join(runs)),
                        *_start_script_rest(ws, service)):
        for match in named.finditer(text):   # most texts name no such port: no line split
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            line = text[start:end if end >= 0 else len(text)]
            if not line.lstrip().startswith("#") and not _CLIENTS.search(line):
                return (f"{where} names port {match[0]} (`{line.strip()[:60]}`): another "
                        "server the image starts may listen there")
    return None


def _start_script_rest(ws: Workspace, service: BuiltService) -> list[tuple[str, str]]:
    """(where, text) of the start script that runs the server, after the server's own line
    (`export PORT=3000` before `node server.js &`, a proxy in front of the app): none where
    the server starts in a compose file or a Dockerfile (`Region.script`), whose other lines
    are other services' and stages'."""
    region = service.app.listen.region
    if region is None or not region.script:
        return []
    # the region runs from the script's start to the server's line: what follows that line
    # is the rest (what comes before it `beside_the_server` reads)
    text = ws.tree.read(region.path).text
    return [(f"the start script {region.path}", text[region.end:])]


# per service: the commands its command line starts beside the app's server
_OTHER_COMMANDS: Memo[list[str]] = Memo("commands beside the app's server")


def _other_commands(ws: Workspace, service: BuiltService) -> list[str]:
    """The commands the app's command line starts beside the app's server (`uvicorn ... &
    exec nginx -g 'daemon off;'`: the nginx one); split once per service, as P001 and P002
    each ask twice (what starts beside the server, and whether nginx does)."""
    return service.derived.get(_OTHER_COMMANDS, lambda: _commands_beside(ws, service))


def _commands_beside(ws: Workspace, service: BuiltService) -> list[str]:
    region, launch = service.app.listen.region, service.app.listen.launch
    # the server's program, or the script that runs it (`exec python run.py`, whose
    # `uvicorn.run` sets the port)
    started = launch and (launch.server or (launch.target if launch.runs_script else None))
    if region is None or not started:
        return []
    written = _compose_command(service, region)
    if written is None:
        written = ws.tree.read(region.path).text[region.start:region.end]
    # comment lines inside a continued instruction are dropped (Docker does, and so does
    # a shell), then a line continued with `\` (or a Dockerfile's escape character) is one
    # command
    text = re.sub(r"[\\`][ \t]*\r?\n", " ", _COMMENT_LINE.sub("", written))
    server = re.compile(rf"(?<![\w-]){re.escape(started)}(?![\w-])")
    segments = _COMMANDS.split(text)
    read = {name for segment in segments if server.search(segment)
            for name in (ref.name for ref in references(segment))}
    return [segment for segment in segments if not server.search(segment)
            and not _feeds_the_server(segment, read)]


def _feeds_the_server(segment: str, read: set[str]) -> bool:
    """The command only sets variables the server's line reads (`ARGS="app.main:app --port
    8000"` before `exec uvicorn $ARGS`): it starts nothing, and the port it names is the
    server's."""
    if not _ASSIGNS_ONLY.fullmatch(segment):
        return False
    return all(name in read for name in _ASSIGNED.findall(segment))


_ASSIGNED = lazy_compile(r"([A-Za-z_]\w*)=")
# a command that only sets variables (`ARGS="app.main:app --port 8000"`, `export PORT=8000`)
_ASSIGNS_ONLY = lazy_compile(r"\s*(?:(?:export|readonly|local|declare)\s+)?"
                             r"(?:[A-Za-z_]\w*=(?:\"[^\"]*\"|'[^']*'|[^\s;&|]*)\s*)+")


def _compose_command(service: BuiltService, region: Region) -> str | None:
    """A compose `command:` or `entrypoint:` as YAML reads it: a plain or quoted scalar
    written over several lines is one line (`bash -c "` / `uvicorn ...` / `--port 8000`
    is one command), a literal block (`|`) keeps its line breaks, a list is its words.
    None for a Dockerfile instruction, whose text is read as written."""
    if region.kind not in COMPOSE_KINDS:
        return None
    for doc, value in service.all(region.kind):
        if doc.path == region.path and value.node.start_mark.index == region.start:
            words = string_list(value)
            return None if words is None else " ".join(words)
    return None


def nginx_beside_listens(ws: Workspace, service: BuiltService) -> set[int]:
    """The ports an nginx the app's command starts beside it listens on (`uvicorn ... --port
    8001 & exec nginx`): the `listen` directives of the nginx configuration files in the
    build context. Compose's port is nginx's there, in front of the app."""
    if not any(re.search(r"(?<![\w-])nginx(?![\w-])", c) for c in _other_commands(ws, service)):
        return set()
    folder = service.app.folder
    found: set[int] = set()
    for path in tree_index.files_under(ws.tree, folder):
        file = ws.tree.peek(path) if is_proxy_config(path) else None
        for listen in _NGINX_LISTEN.finditer(file.text if file is not None else ""):
            found.add(int(listen.group(1)))
    return found


# `listen 8000;`, `listen 0.0.0.0:8000 default_server;`, `listen [::]:8000;`
_NGINX_LISTEN = lazy_compile(r"^[ \t]*listen[ \t]+(?:\S*:)?(\d{2,5})\b", re.M)


def extends_doubt(service: Service) -> str | None:
    """Why no port is moved: the service `extends:` another, whose `command:`, `ports` and
    healthcheck Compose merges in, and fixer does not follow `extends:`."""
    found = service.get("extends")
    if found is None:
        return None
    named = scalar(found[1]) or scalar(get(found[1], "service")) or "another service"
    return (f"{service.name} extends {named}, whose command and ports Compose merges in; "
            "fixer does not follow `extends:`")


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
    if variable in service.build_args():
        return None, (f"{variable} is a build argument compose's `build.args` sets, which "
                      "fixer does not rewrite")
    return None, f"{variable} is set in an env_file or .env, not in compose `environment`"


def _sharing(ws: Workspace, builders: list[BuiltService], service: BuiltService, target: int,
             move: PortMove) -> str | None:
    """Why edits to a Dockerfile (or build context) that other services build are wrong
    for one of them. One that reads its port from the same place moves with the app:
    it must be called on `target`. One that keeps its port (its own compose `command:`
    or `environment`) and listens on the port the app leaves shares the image's CMD,
    EXPOSE and HEALTHCHECK with it: after the edits they would describe the app alone
    (its healthcheck would probe a port it does not listen on)."""
    app = service.app
    if all(span.path in ws.compose_docs for span in move.spans()):
        return None  # only the service's own compose lines change
    for other in builders:
        if other is service or other.app is None or other.app.stage is not app.stage:
            continue
        mine, theirs = app.listen, other.app.listen
        where = f" of {other.stack.name}" if other.stack.name != service.stack.name else ""
        built_by = f"{app.dockerfile.path} is also built by {other.name}{where}"
        if theirs.region == mine.region and theirs.sites == mine.sites:
            if (theirs.port, theirs.variable) != (mine.port, mine.variable):
                # the same command, its port set elsewhere (an env_file): an added flag
                # would move it too, and nothing shows where it is called
                return f"{built_by}, which runs the same command on another port"
            called = {p.effective for p in heard(service_claims(ws, other), theirs.port)
                      if p.effective is not None and not p.udp and p.http}
            # called on another port too (its own healthcheck on the old one): the edits
            # move it, and leave that call where nothing listens any more
            stranded = sorted(called - {target})
            if stranded:
                return (f"{built_by}, which moves with it but is called on "
                        f"{'/'.join(map(str, stranded))}")
        elif theirs.port is not None and theirs.port == mine.port:
            return f"{built_by}, which listens on {theirs.port} ({theirs.origin}) and would keep it"
    return None


def _other_target(service: BuiltService, move: PortMove) -> str | None:
    """Why the move is wrong for another image: it edits a stage the final stage is built
    FROM (the CMD it inherits, `base`'s EXPOSE) that another stage of the Dockerfile is
    built FROM too (`worker`), whose image would change with it."""
    app = service.app
    for span in move.spans():
        if span.path != app.dockerfile.path:
            continue
        holder = stage_at(app.dockerfile, span.start)
        if holder is None:   # a global ARG's default, before the first FROM
            found = _global_reader(app.dockerfile, span, app.stage)
            if found is not None:
                return found
            continue
        other = heir_beside(app.dockerfile, holder, app.stage)
        if other is not None:
            return (f"the port is written in stage `{holder.name or holder.index}` of "
                    f"{app.dockerfile.path}, which stage `{other.name or other.index}` is "
                    "also built FROM: the edit would change that image too")
    return None


def _global_reader(dockerfile: Dockerfile, span: Site, final: Stage) -> str | None:
    """Why rewriting the default of a global ARG (`ARG PORT=8000` before the first FROM)
    is wrong for another image: a FROM line reads it (the base image would change), or a
    stage outside the final stage's chain takes it with an `ARG PORT` of its own, or is
    built FROM a stage that does (`FROM base AS worker`)."""
    declared = next((i for i in dockerfile.global_args if i.start <= span.start <= i.end), None)
    if declared is None:
        return None
    names = {a.partition("=")[0] for a in declared.value}
    where = f"the port is written in the global `{dockerfile.text_of(declared)}` of " \
        f"{dockerfile.path}"
    for stage in dockerfile.stages:
        base = stage.instructions[0]
        if any(re.search(rf"\$\{{?{re.escape(n)}\b", dockerfile.text_of(base)) for n in names):
            return f"{where}, which the FROM line of stage `{stage.name or stage.index}` reads"
    mine = chain(dockerfile, final)
    for stage in dockerfile.stages:
        if stage not in mine and any(_takes_global(link, names)
                                     for link in chain(dockerfile, stage)):
            return (f"{where}, which stage `{stage.name or stage.index}` also reads: the "
                    "edit would change that image too")
    return None


def _takes_global(stage: Stage, names: set[str]) -> bool:
    """Whether the stage declares one of `names` with no value (`ARG PORT`), which takes
    the global ARG's default."""
    return any("=" not in a and a in names for i in stage.find("ARG") for a in i.value)


def _stage_mentions(dockerfile: Dockerfile, stage: Stage, old: int | None) -> list[Site]:
    """EXPOSE, HEALTHCHECK URLs and `ENV PORT` that carry the old port in the final stage
    and the stages it is built from, whose EXPOSE and HEALTHCHECK it inherits."""
    if old is None:
        return []
    text = dockerfile.file.text
    return [Site(dockerfile.path, start, end) for link in chain(dockerfile, stage)
            for instruction in link.instructions
            for start, end in _old_port_spans(text, instruction, str(old))]


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
