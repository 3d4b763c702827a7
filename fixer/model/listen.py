"""The port an app service listens on, and where it is written.

First match wins: compose `entrypoint:` (with `command:` as its arguments; the image's CMD
then never runs), compose `command:`, the final stage's CMD then ENTRYPOINT (its own, else
those it inherits from the stage it is built FROM), the server a `#!` shell script that
one of these runs starts (`startscript`), `uvicorn.run(port=N)` in the script the command
runs, then the server's default. An image that sets no command, built on tiangolo's
uvicorn-gunicorn images, runs their own start (`basestart`): gunicorn on PORT, 80 by
default; a compose `command:` naming one of its scripts (`/start-reload.sh`) runs that. A
variable the command reads is the container's: the image's ENV, compose's `environment`
and `env_file`, never a build's ARG alone.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.core.tree import Tree
from fixer.core.tree_index import named_under
from fixer.model.basestart import (
    BASE_PORT,
    START_SCRIPTS,
    BaseStart,
    base_start,
    start_words,
)
from fixer.model.image_paths import in_image, mounted_at
from fixer.model.services import Service
from fixer.model.startscript import (
    MOVES,
    PASSING_ON,
    assigns,
    program_run,
    script_start,
    script_value,
)
from fixer.sources.compose import ComposeDoc, Value
from fixer.sources.compose_words import compose_words
from fixer.sources.console_scripts import console_script_module
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, cmd_in_force, entrypoint
from fixer.sources.launch import (
    DEFAULT_PORT,
    LOOPBACK_HOSTS,
    PORT_OPTIONS,
    SHELL_NAMES,
    Launch,
    find_launch,
    option_values,
    prefix_length,
    resolve_token,
)
from fixer.sources.portsites import (
    Addition,
    Site,
    StageEnv,
    Word,
    build_only,
    flag_words,
    json_addition,
    json_words,
    run_env,
    token_sites,
    yaml_addition,
    yaml_words,
)
from fixer.sources.scriptport import Served, not_found, script_port

__all__ = ["ListenPort", "Region", "Site", "resolve"]


@dataclass(frozen=True)
class Region:
    """The text a command was read from: a compose `command:` or a Dockerfile instruction."""

    path: str
    start: int
    end: int
    kind: str                       # "command", "CMD", "ENTRYPOINT"
    instruction: Instruction | None = None
    # the command runs a start script that starts the server: `path` is that script, from
    # its start to the end of the server's line, and `kind` the command that runs it
    script: bool = False
    # that script's commands on its way to the server, its line last (`ScriptStart`)
    commands: tuple[tuple[str, ...], ...] = ()
    # what a shell runs before that script, as the container's command writes it
    # (`/wait && sleep 5` of `sh -c "/wait && sleep 5 && /start.sh"`): another file's text
    lead: str = ""

    def run_text(self, text: str) -> str:
        """What the container runs on its way to the server, `text` being the file's: the
        steps before a start script, then the region's own text."""
        own = text[self.start:self.end]
        return f"{self.lead}\n{own}" if self.lead else own


@dataclass(frozen=True)
class ListenPort:
    port: int | None
    origin: str
    sites: tuple[Site, ...] = ()
    launch: Launch | None = None
    region: Region | None = None
    reason: str = ""
    variable: str | None = None     # the variable whose value is the port, when it is set
    addition: Addition | None = None  # where a port flag goes when the server ran on its default
    reads: str | None = None        # the variable the port is read from, set or not
    serves: Served | None = None    # the app a script's `uvicorn.run("app.main:app")` names

    @property
    def known(self) -> bool:
        return self.port is not None


# The kinds of region that are compose keys (the others are Dockerfile instructions): what
# they start overrides the image's own command for one deployment.
COMPOSE_KINDS = frozenset(("command", "entrypoint"))


@dataclass(frozen=True)
class _Found:
    region: Region
    launch: Launch
    words: list[Word] | None        # the argv as written (exec form / YAML list), else None
    addition: Addition | None
    # compose's `command:` read as the arguments of the image's exec-form ENTRYPOINT, which
    # is the server (`ENTRYPOINT ["uvicorn"]`): nothing drops the command
    through_entrypoint: bool = False


def resolve(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
            command: tuple[ComposeDoc, Value, list[str]] | None,
            env: dict[str, str], env_sites: dict[str, Site],
            build_args: Mapping[str, str | None] | None = None,
            entrypoint: tuple[ComposeDoc, Value, list[str] | None] | None = None,
            interpolation: Mapping[str, str] | None = None,
            templated: Mapping[str, str] | None = None,
            mounts: Sequence[tuple[str, str]] = ()) -> ListenPort:
    """`env` is the service's compose environment; `env_sites` where its values are written;
    `build_args` compose's `build.args`, which set the stage's ARGs; `entrypoint` compose's
    `entrypoint:`, which replaces the image's ENTRYPOINT and CMD. A port read there has no
    site a fix may edit: fixer rewrites no compose `entrypoint:` (a start script it runs is
    read as one `command:` runs). `mounts`: the service's bind mounts, which the base image's
    own start script finds its module through (`basestart.py`). `interpolation` is what
    Compose substitutes `${VAR}` of a compose `command:` from (the stack's `.env`);
    `templated` the variables an env file the repository does not hold most likely sets,
    each with where (its template sets it)."""
    # what a start script's `case "$SERVICE_TYPE" in` picks its branch by
    running = {**run_env(dockerfile, stage, build_args).values, **env}
    doubled = _server_given_a_program(dockerfile, stage, command) if entrypoint is None \
        else None
    if doubled is not None:
        return ListenPort(None, "none", reason=doubled)
    found = (_entrypoint_launch(*entrypoint, command) if entrypoint is not None else
             _launch(dockerfile, stage, command)) or \
        _script_launch(tree, folder, dockerfile, stage, command, entrypoint, running) or \
        _passed_on_by_entrypoint(tree, folder, dockerfile, stage, entrypoint, command) or \
        _console_script_launch(tree, folder, dockerfile, stage, command, entrypoint)
    if found is None and entrypoint is None:
        # a CMD or `command:` that starts nothing (`--reload`), given to an ENTRYPOINT
        # script that never runs its arguments: that script is what runs
        dropped = _cmd_dropped(tree, folder, dockerfile, stage)
        program = _program_given(dockerfile, stage, command) if dropped is not None else None
        if dropped is not None and program is not None:
            return ListenPort(None, "none", reason=f"{dropped}, though it names a program of "
                                                   f"its own (`{program}`): which one the "
                                                   "author meant to run is unknown")
        found = _entrypoint_script_launch(tree, folder, dockerfile, stage, running) \
            if dropped is not None else None
    script = "/start.sh" if command is None else \
        (command[2][0] if len(command[2]) == 1 and command[2][0] in START_SCRIPTS else None)
    if found is None and script is not None and entrypoint is None:
        started = base_start(tree, folder, dockerfile, stage, running, script, mounts)
        if started is not None:
            return _base_port(tree, started, dockerfile, stage, build_args, env, env_sites,
                              templated or {})
    if found is None:
        return ListenPort(None, "none", reason="no uvicorn, gunicorn, fastapi or hypercorn "
                                               "command found")
    # compose's `command:` replaces the CMD: the image's ENTRYPOINT gets it all the same
    what = {"CMD": "the CMD", "command": "compose's command"}.get(found.region.kind)
    dropped = _cmd_dropped(tree, folder, dockerfile, stage, what) \
        if what and not found.through_entrypoint else None
    if dropped is not None:
        # the ENTRYPOINT script runs alone: where the command it drops runs that very script
        # (`command: ["./entrypoint.sh"]`), the server it starts is the container's; where
        # the command names a server of its own, which one the author meant is unknown
        alone = _entrypoint_script_launch(tree, folder, dockerfile, stage, running)
        if alone is None or not (found.region.script and found.region.path == alone.region.path):
            return ListenPort(None, "none", reason=dropped)
        found = alone
    if found.region.kind == "command" and not found.region.script and \
            found.launch.port_token is not None and "$" in found.launch.port_token:
        interpolated = _compose_port(tree, found, interpolation or {})
        if interpolated is not None:
            return interpolated
    # the container's environment: a build's ARG is gone by the time the command runs
    container = run_env(dockerfile, stage, build_args)
    port = _resolve(tree, folder, dockerfile, stage, found, container, env, env_sites,
                    templated or {})
    if found.region.script:
        return _script_port(tree, found, port, {**container.values, **env})
    return replace(port, sites=(), addition=None) if found.region.kind == "entrypoint" \
        else port


# `BIND` of tiangolo's gunicorn configuration: `host:port`
_BIND = lazy_compile(r"(?:[\w.-]*|\[[0-9A-Fa-f:.]*\]):(\d+)")


def _base_port(tree: Tree, started: BaseStart, dockerfile: Dockerfile, stage: Stage,
               build_args: Mapping[str, str | None] | None, env: dict[str, str],
               env_sites: dict[str, Site], templated: Mapping[str, str]) -> ListenPort:
    """The port the base image's own start listens on (`basestart`): `BIND`'s, else `PORT`'s,
    else 80. The region is the FROM line that names the image, and what the image runs first
    (its prestart script) leads it. `BIND` is written as `host:port`, no site a port edit
    may rewrite whole; `PORT`'s value is. Where an env file the repository does not hold
    sets either, as its template shows, the port is each checkout's to choose."""
    first = started.origin
    lead = tree.read(started.prestart).text if started.prestart is not None else ""
    region = Region(dockerfile.path, first.start, first.end, "FROM", lead=lead)
    launch = find_launch(start_words(started.target or "main:app", started.script))
    if started.target is None or launch is None:   # the image's sample app: not the service's
        return ListenPort(None, "none", reason=started.reason)
    own = run_env(dockerfile, stage, build_args)
    merged = {**own.values, **env}
    # the configuration binds HOST, 0.0.0.0 unless set: not gunicorn's own 127.0.0.1
    host = merged.get("HOST") or "0.0.0.0"
    launch = replace(launch, host=host, loopback=f"HOST={host}" if host in LOOPBACK_HOSTS else "")
    if started.reason:
        return ListenPort(None, "FROM", (), launch, region, started.reason)
    origin = f"{started.image}'s own start" if started.script == "/start.sh" else \
        f"{started.image}'s {started.script}"
    chosen = next((var for var in ("BIND", "PORT") if var not in merged and var in templated),
                  None)
    if chosen is not None:
        return ListenPort(None, "FROM", (), launch, region,
                          f"{origin} reads its port from {chosen}, which the env_file "
                          f"{templated[chosen]}")
    if started.script == "/start.sh" and cmd_args_binds(merged):   # over its configuration
        given = _cmd_args_port(launch, merged)
        return ListenPort(given, "--bind of GUNICORN_CMD_ARGS", (), launch, region) \
            if given is not None else \
            ListenPort(None, "FROM", (), launch, region,
                       "GUNICORN_CMD_ARGS binds what fixer cannot read as one host:port")
    bind = merged.get("BIND", "") if started.script == "/start.sh" else ""   # gunicorn's
    if bind:
        bound = _BIND.fullmatch(bind)
        return ListenPort(int(bound.group(1)), f"BIND read by {origin}", (), launch, region,
                          reads="BIND") if bound else \
            ListenPort(None, "FROM", (), launch, region,
                       f"{origin} binds BIND (`{bind}`), which fixer cannot read as host:port")
    value = merged.get("PORT", "")
    port = number(value) if value else BASE_PORT
    if port is None:
        return ListenPort(None, "FROM", (), launch, region,
                          f"{origin} reads its port from PORT (`{value}`), which fixer cannot "
                          "resolve")
    if value:
        return ListenPort(port, f"PORT read by {origin}",
                          _variable_sites("PORT", env, own, env_sites), launch, region,
                          variable="PORT", reads="PORT")
    return ListenPort(port, f"{origin}, by default", (), launch, region, reads="PORT")


def through_mount(tree: Tree, service: Service, dockerfile: Dockerfile, stage: Stage,
                  port: ListenPort) -> ListenPort:
    """A script the command runs that no COPY of the build brings, and a bind mount of the
    service does (`./src/api.py:/usr/src/app/service.py`): the port stays unknown, since
    fixer reads no port through a mount, and the reason says where the script comes from
    rather than that it is missing."""
    target = port.launch.target if port.launch is not None else None
    if port.port is not None or not target or port.reason != not_found(target) or \
            target.startswith("-m "):
        return port
    source = mounted_at(tree, service, dockerfile, stage, target)
    return port if source is None else replace(
        port, reason=f"{target} is bind-mounted from {source}, which fixer does not read for "
                     "the port")


def _moves_before(region: Region) -> bool:
    """The start script changes folder before its last command (`cd src`, then `exec python
    serve.py`): the program it runs is found from there, not from the working directory."""
    return any(command[0] in MOVES for command in region.commands[:-1])


# a port written as one variable: `$PORT`, `${PORT}`, `${PORT:-8000}`
_TOKEN_VARIABLE = lazy_compile(r"^\$\{?(\w+)(?::?-[^}]*)?\}?$")


def _script_port(tree: Tree, found: _Found, port: ListenPort,
                 env: Mapping[str, str]) -> ListenPort:
    """The port a start script's server listens on, with no place in the script a fix may
    edit: fixer rewrites no shell script, and a variable the script sets itself is not the
    one the container's environment gives. A variable it reads and leaves alone is the
    environment's, as in a `sh -c` command: compose's `environment` may set it, and moves
    the port for that deployment only. The Python module it runs (`exec python serve.py`,
    whose `uvicorn.run(port=8001)` sets the port) is edited as when the CMD runs it."""
    launch = found.launch
    server_reads = _PORT_VARIABLES.get(launch.server or "") if launch.port_token is None \
        else None
    text = tree.read(found.region.path).text[:found.region.end]
    written = _TOKEN_VARIABLE.match(launch.port_token or "") if port.port is None else None
    read = next((v for v in (port.reads, port.variable, server_reads,
                             written.group(1) if written else None)
                 if v is not None and assigns(text, v)), None)
    if read is not None:
        # `PORT=${PORT:-80}`: the environment's value, else the script's default; `PORT=80`
        # the script's own. Read, never edited: the script is no file fixer rewrites
        value = script_value(text, read, env)
        if value is not None and value.isdigit():
            return ListenPort(int(value), f"{port.origin} in {found.region.path}", (),
                              port.launch, port.region)
        return ListenPort(None, port.origin, (), port.launch, port.region,
                          f"{found.region.path} sets {read} itself before the server reads it")
    script = found.region.path   # places in the Python module it runs stay editable
    return replace(port, sites=tuple(site for site in port.sites if site.path != script),
                   addition=port.addition if port.addition is not None and
                   port.addition.path != script else None,
                   origin=f"{port.origin} in {script}")


def _resolve(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage, found: _Found,
             own: StageEnv, env: dict[str, str], env_sites: dict[str, Site],
             templated: Mapping[str, str]) -> ListenPort:
    merged = {**own.values, **env}
    region, launch = found.region, found.launch
    if launch.runs_script and region.script and _moves_before(region):
        return ListenPort(None, region.kind, (), launch, region,
                          f"{region.path} changes folder before it runs `{launch.target}`, "
                          "and fixer reads that file from the working directory only")
    if launch.runs_script:
        pipenv = re.search(r"\bpipenv[\s\"',]+run\b", tree.read(region.path).text[
            region.start:region.end]) is not None   # pipenv loads the project's `.env`
        root = posixpath.join(folder, launch.module_root) if launch.module_root else folder
        script = script_port(tree, root, launch.target or "", merged,
                             lambda path: in_image(tree, folder, dockerfile, stage, path),
                             pipenv)
        sites = script.sites + _variable_sites(script.variable, env, own, env_sites)
        launch = replace(launch, loopback=script.loopback) if script.loopback else launch
        return ListenPort(script.port, script.origin, sites, launch, region, script.reason,
                          script.variable, script.addition, script.reads, script.serves)
    if launch.joined is not None:
        return ListenPort(None, region.kind, (), launch, region,
                          f"`{launch.joined}` is one argument: {launch.server} reads it as an "
                          "option it does not know and does not start")
    if launch.foreign is not None:
        return ListenPort(None, region.kind, (), launch, region,
                          f"`{launch.foreign}` is no option of {launch.server}, which refuses "
                          "it and does not start")
    if launch.socket:
        return ListenPort(None, region.kind, (), launch, region,
                          "the server binds a Unix socket or a file descriptor, no TCP port")
    if launch.unread_bind:
        return ListenPort(None, region.kind, (), launch, region,
                          f"{launch.server} binds `{launch.unread_bind}`, which fixer cannot "
                          "read as host:port (a variable holding both)")
    if launch.host_bind:   # no addition: a `--bind` beside it would be a second one
        return ListenPort(DEFAULT_PORT, f"{launch.server}'s default port, bound to "
                          f"`{launch.host_bind}` with none", (),
                          launch, region)
    if launch.binds:
        return ListenPort(None, region.kind, (), launch, region,
                          f"{launch.server} binds {' and '.join(launch.binds)}: it listens on "
                          "each, and fixer reads one port only")
    if launch.port_token is None:
        bound = _cmd_args_port(launch, merged)
        if bound is not None:   # over gunicorn.conf.py, which gunicorn reads first
            return ListenPort(bound, "--bind of GUNICORN_CMD_ARGS", (), launch, region)
        implicit = _implicit_gunicorn_config(tree, folder, launch, merged)
        if implicit is not None:
            return ListenPort(None, region.kind, (), launch, region, implicit)
        return _default(found, merged, env, own, env_sites, templated)
    if "$" in launch.port_token and region.instruction is not None and \
            region.instruction.json and not launch.via_shell:
        return ListenPort(None, region.kind, (), launch, region,
                          f"`{launch.port_token}` in an exec-form {region.kind}: no shell "
                          f"expands it, so {launch.server or 'the server'} is given "
                          f"`{launch.port_token}` as its port and does not start")
    port, var = resolve_token(launch.port_token, merged)
    reads = var
    if port is None and var is not None and var not in env and \
            build_only(dockerfile, stage, var):
        return ListenPort(None, region.kind, (), launch, region,
                          f"`{launch.port_token}` reads the build arg {var}, which the "
                          f"container does not have (add `ENV {var}=${{{var}}}`): the "
                          f"server gets an empty port and does not start")
    if port is None:
        return ListenPort(None, region.kind, (), launch, region,
                          f"port `{launch.port_token}` cannot be resolved")
    if var is not None and merged.get(var, "") == "":
        var = None  # unset: the `${VAR:-N}` default is the port
    if var is not None:  # the variable's value runs; a `${VAR:-N}` default does not
        sites = _variable_sites(var, env, own, env_sites)
    else:
        sites = tuple(token_sites(region.path, tree.read(region.path).text, found.words,
                                  (region.start, region.end), launch, port))
    origin = f"{var} in {region.kind}" if var else region.kind
    return ListenPort(port, origin, sites, launch, region, variable=var, reads=reads)


# a shell script that runs its arguments: `exec "$@"`, `"$@"`, `$*`
RUNS_ARGUMENTS = lazy_compile(r"\$(?:@|\*|\{@\}|\{\*\})")


# `sh -c '…; exec "$0" "$@"'`: the shell's own script ends by running the CMD it is given
# (`$0` its first word), itself or through gosu/su-exec and a user, or an init
_EXECS_ITS_ARGUMENTS = lazy_compile(
    r'(?:^|[;&\n]\s*)exec\s+(?:(?:gosu|su-exec)\s+\S+\s+|(?:tini|dumb-init)\s+(?:--\s+)?)?'
    r'"\$0"\s+"\$@"\s*;?\s*$')


def _shell_passes_on(argv: list[str]) -> bool:
    """An exec-form ENTRYPOINT `["sh", "-c", "chown … && exec gosu app \"$0\" \"$@\""]`:
    the CMD's words become `$0` and `$@` of the script, which ends by exec'ing them."""
    return len(argv) == 3 and posixpath.basename(argv[0]) in SHELL_NAMES and \
        argv[1] == "-c" and _EXECS_ITS_ARGUMENTS.search(argv[2]) is not None


def _passed_on_by_entrypoint(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                             given: tuple[ComposeDoc, Value, list[str] | None] | None,
                             command: tuple[ComposeDoc, Value, list[str]] | None
                             ) -> _Found | None:
    """The server compose's `command:` starts where compose's `entrypoint:` only runs its
    arguments: a script of the repository that ends in `exec "$@"` (`entrypoint: /bin/sh
    /app/entrypoint.sh`), an init (`tini --`), or `sh -c '... exec "$0" "$@"'`. The image's
    own ENTRYPOINT and CMD are replaced then, so nothing of the image drops the command."""
    if given is None or command is None or given[2] is None:
        return None
    argv = _unescaped(as_run(given[1], given[2]))
    words = [w for w in argv if not w.startswith("-")]
    if not words:
        return None
    if not all(posixpath.basename(w) in PASSING_ON for w in words) and \
            not _shell_passes_on(argv):
        script = in_image(tree, folder, dockerfile, stage, program_run(argv))
        file = tree.read(script) if script is not None and tree.exists(script) else None
        if file is None or not RUNS_ARGUMENTS.search(file.text):
            return None
    found = _compose_launch(*command)
    return replace(found, through_entrypoint=True) if found is not None else None


def _console_script_launch(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                           command: tuple[ComposeDoc, Value, list[str]] | None,
                           given: tuple[ComposeDoc, Value, list[str] | None] | None
                           ) -> _Found | None:
    """A console script of the project the image installs (`serve`, `poetry run serve`,
    with `serve = "app.main:run"` in pyproject.toml) whose function runs uvicorn: read as
    `python -m app.main`, which reads the same `uvicorn.run` (`console_script_module`)."""
    run = run_words(dockerfile, stage, command, given)
    skipped = prefix_length(run[1]) if run is not None else None   # `poetry run`, `exec`
    words = run[1][skipped:] if run is not None and skipped is not None else []
    module = console_script_module(tree, folder, words[0]) \
        if words and "/" not in words[0] and not words[0].endswith(".py") else None
    if run is None or module is None:
        return None
    region = _command_region(dockerfile, stage, command, given, run[0])
    launch = Launch(None, f"-m {module.module}", None, runs_script=True,
                    module_root=module.root)
    return _Found(region, launch, None, None) if region is not None else None


def _command_region(dockerfile: Dockerfile, stage: Stage,
                    command: tuple[ComposeDoc, Value, list[str]] | None,
                    given: tuple[ComposeDoc, Value, list[str] | None] | None,
                    kind: str) -> Region | None:
    """Where the container's command (`run_words`) is written."""
    written = given if kind == "entrypoint" else command if kind == "command" else None
    if written is not None:
        node = written[1].node
        return Region(written[0].path, node.start_mark.index, node.end_mark.index, kind)
    instruction = cmd_in_force(dockerfile, stage) if kind == "CMD" else \
        entrypoint(dockerfile, stage)
    return None if instruction is None else Region(
        dockerfile.path, instruction.start, instruction.end, instruction.cmd, instruction)


def _entrypoint_script_launch(tree: Tree, folder: str, dockerfile: Dockerfile,
                              stage: Stage, env: Mapping[str, str] | None = None
                              ) -> _Found | None:
    """The server the image's exec-form ENTRYPOINT script starts by itself (`exec uvicorn
    ...` in a script that never runs its arguments), read where the CMD or compose's
    `command:` it is given does not run."""
    given = entrypoint(dockerfile, stage)
    found = script_start(tree, folder, dockerfile, stage, list(given.value), env) \
        if given is not None and given.json and given.value else None
    if found is None:
        return None
    return _Found(Region(found.path, 0, found.end, "ENTRYPOINT", script=True,
                         commands=found.commands, lead=found.lead), found.launch, None, None)


def _program_given(dockerfile: Dockerfile, stage: Stage,
                   command: tuple[ComposeDoc, Value, list[str]] | None) -> str | None:
    """The command compose's `command:` (else the CMD) gives an ENTRYPOINT script that never
    runs it, when it names a program other than that script (`celery -A app worker`: the
    service is meant to be a worker, and the container runs the script's server instead);
    None for one that starts nothing (`--reload`) or runs the script itself."""
    if command is not None:
        words = _unescaped(as_run(command[1], command[2]))
    else:
        cmd = cmd_in_force(dockerfile, stage)
        words = [] if cmd is None else list(cmd.value) if cmd.json else \
            _split(" ".join(cmd.value))
    given = entrypoint(dockerfile, stage)
    script = program_run(list(given.value)) if given is not None and given.json else ""
    program = program_run(words)
    if not program or program.startswith("-") or \
            posixpath.basename(program) == posixpath.basename(script):
        return None
    return " ".join(words)


def _cmd_dropped(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                 what: str = "the CMD") -> str | None:
    """Why the image's CMD (or compose's `command:`, `what`, which replaces it) may not be
    what runs: a shell-form ENTRYPOINT ignores it, and an exec-form one that is a script
    of the repository runs it only if the script runs its arguments (`exec "$@"`). A
    script that ends in `exec uvicorn ... --port 8001` is the server fixer would have to
    read, not the CMD. The ENTRYPOINT is the stage's own or inherited."""
    found = entrypoint(dockerfile, stage)
    if found is None:
        return None
    if not found.json:
        return f"the shell-form ENTRYPOINT ignores {what}"
    argv = list(found.value)
    if not argv or find_launch(argv) is not None or \
            posixpath.basename(argv[0]) in PASSING_ON or _shell_passes_on(argv):
        return None
    program = program_run(argv)
    script = in_image(tree, folder, dockerfile, stage, program)
    file = tree.read(script) if script is not None else None
    if file is None:
        return f"the ENTRYPOINT {program} gets {what} as arguments, and fixer cannot read it"
    if RUNS_ARGUMENTS.search(file.text):
        return None
    return (f"the ENTRYPOINT {script} never runs its arguments (no \"$@\"): {what} does "
            "not run")


def _compose_port(tree: Tree, found: _Found, dotenv: Mapping[str, str]) -> ListenPort | None:
    """A compose `command:` port that reads a variable: Compose substitutes `${PORT}` itself,
    from the stack's `.env` (and its shell), never from the service's `environment`; `$$PORT`
    reaches the command as `$PORT`, which only a shell (`sh -c`) expands, from the
    container's environment (None: `_resolve` reads that). Written both ways: unknown."""
    launch, region = found.launch, found.region
    token = launch.port_token or ""
    raw = tree.read(region.path).text[region.start:region.end]
    escaped = "$" + token in raw
    plain = token in raw.replace("$" + token, "")
    if escaped and not plain:
        return None if launch.via_shell else ListenPort(
            None, region.kind, (), launch, region,
            f"`$${token[1:]}` in compose's command reaches the server as `{token}`, which no "
            "shell expands: it is not a port")
    if escaped:
        return ListenPort(None, region.kind, (), launch, region,
                          f"port `{token}` is written both escaped and not")
    port, var = resolve_token(token, dict(dotenv))
    if port is None:
        return ListenPort(None, region.kind, (), launch, region,
                          f"port `{token}`: Compose substitutes it from .env or its shell, "
                          "and no .env sets it")
    if var is not None and dotenv.get(var, "") != "":
        # the value is in .env, which fixer does not edit
        return ListenPort(port, f"{var} from .env in {region.kind}", (), launch, region,
                          variable=var)
    sites = tuple(token_sites(region.path, tree.read(region.path).text, found.words,
                              (region.start, region.end), launch, port))
    return ListenPort(port, region.kind, sites, launch, region)


def _cmd_args_port(launch: Launch, merged: dict[str, str]) -> int | None:
    """The port of the one `--bind HOST:PORT` that GUNICORN_CMD_ARGS gives a gunicorn
    command with none of its own (`--bind 0.0.0.0:9000`, `-b :9000`, `--bind=[::]:9000`);
    None for none, several, a variable, a socket or a host with no port."""
    if launch.server != "gunicorn" or launch.configured:
        return None
    binds = cmd_args_binds(merged)
    if len(binds) != 1 or "$" in binds[0] or binds[0].startswith(("unix:", "fd://")):
        return None
    _host, colon, port = binds[0].rpartition(":")
    return int(port) if colon and port.isdigit() and 0 < int(port) < 65536 else None


def cmd_args_binds(env: Mapping[str, str]) -> list[str]:
    """The addresses GUNICORN_CMD_ARGS binds, as written (`0.0.0.0:9000`)."""
    options = env.get("GUNICORN_CMD_ARGS", "").strip().strip("\"'").split()
    return [value for value, _at in option_values(options, PORT_OPTIONS["gunicorn"])]


def _implicit_gunicorn_config(tree: Tree, folder: str, launch: Launch,
                              merged: dict[str, str]) -> str | None:
    """Why a gunicorn command with no `--bind` may bind elsewhere than its default: it
    reads GUNICORN_CMD_ARGS (a `--bind`, or a `-c` config file), and `./gunicorn.conf.py`
    of its working directory, untold.
    Any such file in the build context may be the one (where COPY puts it is not judged
    here): the port is then unknown, never a guess."""
    if launch.server != "gunicorn" or launch.configured:   # a file it is given (`_default`)
        return None
    # a Dockerfile's ENV value keeps its quotes here
    options = merged.get("GUNICORN_CMD_ARGS", "").strip().strip("\"'").split()
    if any(o == "-b" or o.startswith(("--bind", "-b")) for o in options):
        return "gunicorn reads its bind from GUNICORN_CMD_ARGS"
    if any(o == "-c" or o.startswith(("--config", "-c")) for o in options):
        return "gunicorn reads its bind from the config file GUNICORN_CMD_ARGS names"
    configs = named_under(tree, folder, "gunicorn.conf.py")
    if configs:
        return f"gunicorn reads ./gunicorn.conf.py from its working directory ({configs[0]})"
    return None


# the variable a server reads its port from when its command gives none: uvicorn's options
# fall back to UVICORN_*, granian's to GRANIAN_*; gunicorn binds to $PORT when it is set
_PORT_VARIABLES = {"uvicorn": "UVICORN_PORT", "gunicorn": "PORT", "granian": "GRANIAN_PORT"}


def _default(found: _Found, merged: dict[str, str], env: dict[str, str], own: StageEnv,
             env_sites: dict[str, Site], templated: Mapping[str, str]) -> ListenPort:
    """No port flag: the server's own default, or the variable it reads instead. Where an
    env file the repository does not hold sets that variable, as its template shows, the
    port is each checkout's to choose."""
    launch, region = found.launch, found.region
    if launch.configured:
        return ListenPort(None, region.kind, (), launch, region,
                          f"{launch.server} reads its bind from the config file it is given "
                          f"(`{launch.configured}`), which fixer does not read")
    variable = _PORT_VARIABLES.get(launch.server or "")
    if variable and variable not in merged and variable in templated:
        return ListenPort(None, region.kind, (), launch, region,
                          f"{launch.server} reads its port from {variable}, which the env_file "
                          f"{templated[variable]}")
    value = merged.get(variable or "", "")
    port = number(value) if variable else None
    if variable and value and port is None:
        return ListenPort(None, region.kind, (), launch, region,
                          f"{launch.server} reads its port from {variable} (`{value}`), which "
                          "fixer cannot resolve")
    if variable and port is not None:
        sites = _variable_sites(variable, env, own, env_sites)
        return ListenPort(port, f"{variable} read by {launch.server}", sites, launch,
                          region, variable=variable)
    if launch.server == "fastapi" and merged.get("PORT"):
        return ListenPort(None, region.kind, (), launch, region,
                          f"`fastapi run` with no `--port`, and PORT is set (`{merged['PORT']}`):"
                          " newer fastapi-cli releases listen on it, older ones on 8000")
    return ListenPort(DEFAULT_PORT, f"{launch.server} default", (), launch, region,
                      addition=found.addition)


def _variable_sites(var: str | None, env: dict[str, str], own: StageEnv,
                    env_sites: dict[str, Site]) -> tuple[Site, ...]:
    """Where the variable's value is written: compose's value wins over the Dockerfile's."""
    if var is None:
        return ()
    if var in env:
        return (env_sites[var],) if var in env_sites else ()
    return (own.sites[var],) if var in own.sites else ()


# per Dockerfile text: stage index -> the server its CMD/ENTRYPOINT starts. A fix run
# reloads the workspace after each round, and most Dockerfiles come back unchanged.
_IMAGE_LAUNCH: Memo[dict[int, _Found | None]] = Memo("server the image's command starts")


def _launch(dockerfile: Dockerfile, stage: Stage,
            command: tuple[ComposeDoc, Value, list[str]] | None) -> _Found | None:
    if command is not None:
        return _compose_launch(*command) or _under_image_entrypoint(dockerfile, stage, *command)
    return dockerfile.file.derived.keyed(_IMAGE_LAUNCH, stage.index,
                                         lambda: _image_launch(dockerfile, stage))


def _image_launch(dockerfile: Dockerfile, stage: Stage) -> _Found | None:
    # what the image runs: the stage's own CMD and ENTRYPOINT, else those of the stage it
    # is built FROM (`FROM base AS release` with no CMD runs base's)
    cmd, given = cmd_in_force(dockerfile, stage), entrypoint(dockerfile, stage)
    # The CMD first (an ENTRYPOINT script usually ends in `exec "$@"`), then an exec-form
    # ENTRYPOINT with the exec-form CMD words it receives as arguments.
    for instruction, arguments in ((cmd, None), (given, cmd)):
        if instruction is not None:
            found = _instruction_launch(dockerfile, instruction, arguments)
            if found is not None:
                return found
    return None


def _instruction_launch(dockerfile: Dockerfile, instruction: Instruction,
                        arguments: Instruction | None) -> _Found | None:
    both_exec = arguments is not None and arguments.json and instruction.json
    extra = arguments if both_exec else None
    argv = list(instruction.value) + (list(extra.value) if extra else [])
    launch = find_launch(argv, shell_form=not instruction.json)
    if launch is None:
        return None
    region = Region(dockerfile.path, instruction.start, instruction.end, instruction.cmd,
                    instruction)
    if not instruction.json:
        return _Found(region, launch, None, None)
    text = dockerfile.file.text
    words: list[Word] | None = json_words(text, instruction.start, instruction.end)
    if extra is not None:
        words = (words or []) + json_words(text, extra.start, extra.end)
    if words is None or len(words) != len(argv):
        words = None
    flags = flag_words(launch.server, "{port}")
    addition = None
    if flags and not launch.via_shell:
        addition = json_addition(dockerfile, instruction, flags)
    return _Found(region, launch, words, addition)


def _script_launch(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                   command: tuple[ComposeDoc, Value, list[str]] | None,
                   given: tuple[ComposeDoc, Value, list[str] | None] | None,
                   env: Mapping[str, str] | None = None) -> _Found | None:
    """The server a start script starts that the container runs: the script as the image
    has it. `given` is compose's `entrypoint:` (`entrypoint: ["/app/start.sh"]`), else
    compose's `command:`, else the CMD (`CMD ["/start.sh"]`), else an ENTRYPOINT with no
    CMD, which is then the container's whole command (`ENTRYPOINT ["/start.sh"]`)."""
    run = run_words(dockerfile, stage, command, given)
    found = script_start(tree, folder, dockerfile, stage, run[1], env) \
        if run is not None else None
    if run is None or found is None:
        return None
    return _Found(Region(found.path, 0, found.end, run[0], script=True,
                         commands=found.commands, lead=found.lead), found.launch, None, None)


def run_words(dockerfile: Dockerfile, stage: Stage,
               command: tuple[ComposeDoc, Value, list[str]] | None,
               given: tuple[ComposeDoc, Value, list[str] | None] | None
               ) -> tuple[str, list[str]] | None:
    """The kind of region the container's command is written in, and its words: compose's
    `entrypoint:` with `command:` as its arguments (never the image's CMD then), else
    compose's `command:` (behind the image's exec-form ENTRYPOINT where it only gives
    options, `--reload`), else the image's CMD or ENTRYPOINT (the ENTRYPOINT alone under a
    `CMD []`). None when fixer cannot read compose's `entrypoint:`."""
    if given is not None:
        words = _entrypoint_words(*given, command)
        return ("entrypoint", words) if words is not None else None
    if command is not None:
        words = _unescaped(as_run(command[1], command[2]))
        image_entry = entrypoint(dockerfile, stage)
        if words and words[0].startswith("-") and image_entry is not None and image_entry.json:
            # `command: ["--reload"]`: options the image's ENTRYPOINT gets as arguments
            return "ENTRYPOINT", [*image_entry.value, *words]
        return "command", words
    cmd = cmd_in_force(dockerfile, stage)
    if cmd is not None and cmd.json and not cmd.value:
        cmd = None   # `CMD []` hands the ENTRYPOINT no arguments: it alone runs
    run = cmd or entrypoint(dockerfile, stage)
    if run is None:
        return None
    return run.cmd, list(run.value) if run.json else _split(" ".join(run.value))


def _entrypoint_words(doc: ComposeDoc, value: Value, argv: list[str] | None,
                      command: tuple[ComposeDoc, Value, list[str]] | None) -> list[str] | None:
    """What compose's `entrypoint:` runs: its words, then `command:`'s as its arguments
    (Compose runs no shell for them, and never the image's CMD then); None when fixer
    cannot read the `entrypoint:`."""
    if argv is None:
        return None
    return _unescaped([*as_run(value, argv),
                       *(as_run(command[1], command[2]) if command else [])])


def _unescaped(words: list[str]) -> list[str]:
    """`$$` is Compose's escape for `$`: the command sees `${PORT:-8000}` and expands it."""
    return [word.replace("$$", "$") for word in words]


def _entrypoint_launch(doc: ComposeDoc, value: Value, argv: list[str] | None,
                       command: tuple[ComposeDoc, Value, list[str]] | None) -> _Found | None:
    """The server compose's `entrypoint:` starts, with `command:` as its arguments."""
    words = _entrypoint_words(doc, value, argv, command)
    launch = find_launch(words) if words is not None else None
    if launch is None:
        return None
    node = value.node
    return _Found(Region(doc.path, node.start_mark.index, node.end_mark.index, "entrypoint"),
                  launch, None, None)


def as_run(value: Value, argv: list[str]) -> list[str]:
    """The words Compose runs for a `command:` or `entrypoint:`: a list as written, a string
    split as Compose splits it (it runs no shell: `sources/compose_words.py`)."""
    if isinstance(value.node, yaml.SequenceNode) or not argv:
        return argv
    return compose_words(argv[0])


def _split(text: str) -> list[str]:
    """A Dockerfile's shell-form command as the words of the `sh -c` that runs it."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _server_given_a_program(dockerfile: Dockerfile, stage: Stage,
                            command: tuple[ComposeDoc, Value, list[str]] | None) -> str | None:
    """Why the container starts no server: the image's exec-form ENTRYPOINT runs one
    (`["uvicorn", "app.main:app", "--port", "8000"]`), and compose's `command:`, which
    Docker hands it as arguments, names a program of its own (`uvicorn app.main:app ...`
    again): the server takes those words as arguments it does not know and stops."""
    given = entrypoint(dockerfile, stage)
    if command is None or given is None or not given.json or not given.value or \
            find_launch(list(given.value)) is None:
        return None
    words = _unescaped(as_run(command[1], command[2]))
    if not words or words[0].startswith("-") or find_launch(words) is None:
        return None
    return (f"the image's ENTRYPOINT `{' '.join(given.value)}` is given compose's command "
            f"`{' '.join(words)}` as its arguments: the server reads them as its own and "
            "stops at start-up")


def _under_image_entrypoint(dockerfile: Dockerfile, stage: Stage, doc: ComposeDoc,
                            value: Value, argv: list[str]) -> _Found | None:
    """The server an exec-form ENTRYPOINT of the image starts with compose's `command:` as
    its arguments (`ENTRYPOINT ["uvicorn"]`, `command: ["main:app", "--port", "8001"]`):
    Compose replaces only the CMD. The port is read, but no word of it is an edit site:
    its position counts from the ENTRYPOINT's words, which are not in the compose file."""
    given = entrypoint(dockerfile, stage)
    if given is None or not given.json or not given.value:
        return None
    launch = find_launch([*given.value, *_unescaped(as_run(value, argv))])
    if launch is None:
        return None
    node = value.node
    return _Found(Region(doc.path, node.start_mark.index, node.end_mark.index, "command"),
                  replace(launch, port_index=None, script_index=None), None, None,
                  through_entrypoint=True)


def _compose_launch(doc: ComposeDoc, value: Value, argv: list[str]) -> _Found | None:
    """Compose splits a string `command:` like a shell would, but runs no shell."""
    node = value.node
    region = Region(doc.path, node.start_mark.index, node.end_mark.index, "command")
    words: list[Word] | None = yaml_words(doc, value)
    if not words:
        words = None
        argv = as_run(value, argv)
    launch = find_launch(_unescaped(argv))
    if launch is None:
        return None
    if words is None:
        launch = replace(launch, port_index=None, script_index=None)
    flags = flag_words(launch.server, "{port}")
    addition = yaml_addition(doc, value, flags) if flags and not launch.via_shell else None
    return _Found(region, launch, words, addition)
