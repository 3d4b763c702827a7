"""Property 1 of the stack check: a `depends_on` with `condition: service_healthy` waits on a
service whose healthcheck can pass (its tool is in the final stage, it probes the port the
service listens on, an HTTP probe asks for a path the app serves)."""

from __future__ import annotations

import posixpath

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.envfile import Reference, references
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.facts.builds.stops import never_serves
from fixer.facts.database.brokerstart import broker_doubt
from fixer.facts.database.images import ships_probe
from fixer.facts.database.probes import (
    needs_a_stopped_database, probe_fails, probe_unsure, resolved_image, stops_every_start,
    stops_uninitialised)
from fixer.facts.database.unmadetables import unmade_tables
from fixer.facts.envvars.documented import environment_doubt
from fixer.facts.envvars.examples import documented_values
from fixer.facts.health.healthchecks import (
    Health,
    compose_health,
    compose_test,
    health,
    nearest_healthcheck,
    one_shot,
    worker_command,
    written_health,
)
from fixer.facts.health.healthroute import served_app, streams
from fixer.facts.health.probes import (
    dockerfile_test,
    fallback_tools,
    head_request,
    healthcheck_commands,
    shell_in_argument,
    spaced_program,
    tool_of,
    unused_shell_words,
    words_run,
)
from fixer.facts.health.mountedfile import missing_mounted_file
from fixer.facts.health.serverflags import ipv6_bind, named_bind
from fixer.facts.health.slowstart import slow_start
from fixer.facts.health.staticdir import static_dir_doubt
from fixer.facts.image.images import (
    HEALTH_TOOLS, TOOLS, base_image, classify, family_of, tool_status)
from fixer.facts.image.installs import installs
from fixer.facts.pydeps.dependency_sources import Declared, declared
from fixer.facts.pydeps.server_needs import server_doubt
from fixer.facts.ports.urls import LOCAL_HOSTS, URL
from fixer.model.appservice import is_app_service
from fixer.model.depends import HEALTHY, dependencies
from fixer.model.image_builders import image_builder
from fixer.model.image_paths import in_image
from fixer.model.services import BuiltService, Service, Stack, bind_mounts, \
    env_file_entries
from fixer.model.stacks import is_auto_override
from fixer.model.workspace import Workspace, without_files
from fixer.sources.compose import ComposeDoc, Value, get, scalar
from fixer.sources.dockerfile import chain
from fixer.sources.fastapi_routes import UNKNOWN as UNREAD
from fixer.sources.fastapi_routes import AppRoutes, typed_rejection
from fixer.stackcheck.verdicts import GATE, Fact, Verdict, listen_port, worst

# A probe URL's path ends where a quote, a query, or the `}` of a `${VAR:-http://...}` default
# does (and a backslash: `\"` in a YAML double-quoted string, as the file writes it).
_URL_PATH = lazy_compile(r"/[^\s\"'?#,;)}\\]*")


@dataclass(frozen=True)
class LocalProbe:
    """An HTTP(S) URL on the container itself: its port, and its path as text[start:end]
    (an empty span where the URL has no path, which asks for `/`)."""

    port: int
    path: str
    start: int
    end: int
    tls: bool = False   # `https://`
    host: str = ""      # as written: `localhost`, `127.0.0.1`
    # where the port's digits are written; None where the URL names none (the scheme's),
    # or one fixer cannot read (`local_probes(unread=True)`: a `${PORT}`, port 0 here)
    digits: tuple[int, int] | None = None


def gate_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    for service in stack.services.values():
        for dep in dependencies(service):
            if dep.condition != HEALTHY:
                continue
            target = stack.services.get(dep.name)
            verdict, why = can_pass_in(ws, target, dep.doc) if target is not None else \
                (Verdict.UNKNOWN, "")
            yield Fact(GATE, (GATE, stack.name, service.name, dep.name), dep.doc.path,
                       dep.doc.line(dep.node.node), (dep.name, service.name),
                       f"{service.name} waits for {dep.name} to be healthy", verdict,
                       f"but {why}")


# per workspace: C001 and C003 ask it for each service that waits, the stack check again
# (a service compares by identity: a view of it built for another question is not it)
_CAN_PASS: Memo[dict[Service, tuple[Verdict, str]]] = Memo("healthcheck can pass")


def can_pass(ws: Workspace, target: Service) -> tuple[Verdict, str]:
    """Whether the target's healthcheck can pass, and why not ("api has no healthcheck").
    Holds only when fixer has judged all of it: a database or broker image running its own
    probe (`pg_isready` in `postgres`), or HTTP probes of the container itself whose tool,
    port and path all hold. Anything else it cannot break is unknown."""
    known = ws.derived.get(_CAN_PASS, dict)
    if target not in known:
        known[target] = _can_pass(ws, target)
    return known[target]


# per workspace: (service, compose file) -> the verdict on a gate that file writes, where
# it runs without Compose's override file
_CAN_PASS_IN: Memo[dict[tuple[Service, str], tuple[Verdict, str]]] = \
    Memo("healthcheck can pass without the override file")


def can_pass_in(ws: Workspace, target: Service, held_in: ComposeDoc) -> tuple[Verdict, str]:
    """`can_pass` for a gate written in the compose file `held_in`. Compose loads its own
    override file only when no `-f` is given, so a `-f` overlay (`docker compose -f
    compose.yaml -f compose.prod.yaml up`) runs without it: where that file changes the
    target's listen port or its healthcheck, the gate is judged on the service the other
    files define. Even then it never holds: a `-f` run may name the override file too."""
    rival = rival_without_test(ws, target, held_in)
    if rival is not None:
        verdict, why = can_pass(ws, target)
        return (verdict, why) if verdict is Verdict.BROKEN else (Verdict.UNKNOWN, rival)
    left_out = ws.left_out_by_overlays(target.stack)
    overrides = [d for d, _v in target.definitions if any(d is o for o in left_out)]
    if not overrides or held_in is target.stack.docs[0] or any(held_in is o for o in left_out):
        return can_pass(ws, target)
    known = ws.derived.get(_CAN_PASS_IN, dict)
    key = (target, held_in.path)
    if key not in known:
        known[key] = _can_pass_without(ws, target, overrides, held_in)
    return known[key]


# per workspace: service name -> the compose files that define it (an image or a build) with
# no healthcheck test of their own
_UNCHECKED_DEFINERS: Memo[dict[str, list[ComposeDoc]]] = Memo("definitions with no healthcheck")


def rival_without_test(ws: Workspace, target: Service, held_in: ComposeDoc) -> str | None:
    """Why a gate on the target that `held_in` writes may stop the stack: the file relies on
    the target without defining it, and a compose file of another stack in its folder (or
    its base's) defines a service of that name with no healthcheck (`db` of a prod file, a
    proxy to a managed database, beside the dev file's postgres): `-f` with that file
    instead, Compose stops at the gate."""
    if target.name in held_in.services or is_auto_override(held_in, target.stack.docs[0]):
        return None   # it defines the target, or runs only with the base file (Compose's own)
    definers = ws.derived.get(_UNCHECKED_DEFINERS, lambda: _unchecked_definers(ws))
    own = {id(doc) for doc in target.stack.docs}
    # a file beside the one that writes the gate, or beside the stack's base: what a `-f` run
    # of these files may name instead (a stack in another folder is a project of its own)
    near = {posixpath.dirname(held_in.path), posixpath.dirname(target.stack.docs[0].path)}
    rival = next((doc for doc in definers.get(target.name, []) if id(doc) not in own and
                  posixpath.dirname(doc.path) in near), None)
    if rival is None:
        return None
    return (f"{rival.path} also defines {target.name}, with no healthcheck, and "
            f"{held_in.path} may run with it instead: Compose would stop at the gate there")


def _unchecked_definers(ws: Workspace) -> dict[str, list[ComposeDoc]]:
    """Per service name, the compose files that define it (an image, a build, `extends:`)
    with no healthcheck test that runs: none, `test: ["NONE"]`, or `disable: true`."""
    found: dict[str, list[ComposeDoc]] = {}
    for doc in ws.compose_docs.values():
        for name, value in doc.services.items():
            if all(get(value, key) is None for key in ("image", "build", "extends")):
                continue
            if _extends_itself(value, name):
                continue   # `extends: {file: compose.yaml, service: db}`: db's healthcheck
            check = get(value, "healthcheck")
            if written_health([check] if check is not None else []) is not Health.CHECKED \
                    and not _image_checks(ws, doc, name):
                found.setdefault(name, []).append(doc)
    return found


def _image_checks(ws: Workspace, doc: ComposeDoc, name: str) -> bool:
    """The service `name` as the stacks `doc` belongs to build it has a healthcheck of its
    image (its Dockerfile's HEALTHCHECK, `Dockerfile.local` installing curl and probing):
    the definition is checked though its compose entry sets none."""
    return any(isinstance(service, BuiltService) and health(service) is Health.CHECKED
               for stack in ws.stacks if any(d is doc for d in stack.docs)
               for service in [stack.services.get(name)] if service is not None)


def _extends_itself(value: Value, name: str) -> bool:
    """A service defined only by `extends:` of a service of its own name (in another file):
    it has that one's healthcheck, which is the one the gate relies on."""
    extends = get(value, "extends")
    if extends is None or get(value, "image") is not None or get(value, "build") is not None:
        return False
    return (scalar(extends) or scalar(get(extends, "service")) or "") == name


def _can_pass_without(ws: Workspace, target: Service, overrides: list[ComposeDoc],
                      held_in: ComposeDoc) -> tuple[Verdict, str]:
    override = overrides[0].path
    alone = without_files(target, overrides)
    if not alone.definitions:
        return Verdict.BROKEN, (f"{target.name} is defined only in {override}, which "
                                f"{held_in.path} runs without")
    runs = ""   # how the override runs the target differently, for the reason
    if isinstance(target, BuiltService):   # where it listens without the override
        alone = BuiltService(alone.name, alone.stack, alone.definitions,
                             replace(target.app, listen=ws.listen_of(alone, target.app)))
        port, merged = alone.app.listen.port, target.app.listen.port
        if port != merged:
            runs = f"on {_port_named(merged)}, and {held_in.path} without it on " \
                f"{_port_named(port)}"
    if not runs and health_command(alone) == health_command(target):
        return can_pass(ws, target)
    verdict, why = _can_pass(ws, alone)
    if verdict is not Verdict.HOLDS:
        return verdict, (f"{why} (where {held_in.path} runs, without {override}, which "
                         "Compose loads only when no -f is given)")
    return Verdict.UNKNOWN, (f"fixer cannot tell whether {target.name}'s healthcheck passes "
                             f"where {held_in.path} runs: {override} runs {target.name} "
                             f"{runs or 'with another healthcheck'}, and a -f run may name "
                             "that file too")


def _port_named(port: int | None) -> str:
    return f"port {port}" if port is not None else "a port fixer cannot tell"


def _can_pass(ws: Workspace, target: Service) -> tuple[Verdict, str]:
    state = health(target)
    if state is Health.DISABLED:
        return Verdict.BROKEN, f"{target.name}'s healthcheck is disabled"
    if state is not Health.CHECKED:
        return _no_healthcheck(target)
    job = one_shot(ws, target)
    if job is not None:
        return Verdict.BROKEN, (f"{target.name} runs `{job}` and exits: its healthcheck never "
                                "passes (wait for it with `condition: "
                                "service_completed_successfully`)")
    crash = never_serves(ws, target) or stops_every_start(ws, target)
    if crash is not None:   # no container answers its probe: none is built, or it stops
        return Verdict.BROKEN, f"{target.name}'s healthcheck cannot pass: {crash}"
    found = health_command(target)
    if found is None:
        return _cannot_tell(target)
    tool, text, fallbacks, test = found
    bare = _bare_tool(list(test)) or shell_in_argument(test) or spaced_program(test)
    if bare is not None:
        return Verdict.BROKEN, f"{target.name}'s healthcheck cannot pass: {bare}"
    probes = list(local_probes(text))
    worker = worker_command(ws, target) if probes else None
    if worker is not None:   # a celery worker built from the API's image, its probe copied
        return Verdict.BROKEN, (f"{target.name}'s healthcheck cannot pass: it probes port "
                                f"{probes[0].port}, and {target.name} runs `{worker}`, which "
                                "serves no HTTP")
    # each part with the rule whose fix repairs it when it breaks (None: no rule's does; the
    # D003 finding on the image another service builds is that service's)
    parts = [(_tool_verdict(ws, target, tool, fallbacks),
              "D003" if target.app is not None else None),
             (_method_verdict(ws, target, test), None),
             (_module_verdict(ws, target, test), None),
             *((_port_verdict(target, probe.port), "P001") for probe in probes),
             *([(_bind_verdict(ws, target), None)] if probes else []),
             (_busybox_localhost_verdict(target, tool, fallbacks, probes), None),
             *((path_verdict(ws, target, probe.path), "H002") for probe in probes)]
    verdict, why = worst(part for part, _code in parts)
    if verdict is Verdict.BROKEN:
        if _note_repairs(ws, target, parts):
            ws.derived.get(_ONCE_REPAIRED, dict)[target] = \
                _once_repaired(ws, target, parts, tool, text, probes)
        return verdict, f"{target.name}'s healthcheck cannot pass: {why}"
    return _unbroken(ws, target, verdict, why, tool, text, probes)


def _unbroken(ws: Workspace, target: Service, verdict: Verdict, why: str, tool: str,
              text: str, probes: list[LocalProbe]) -> tuple[Verdict, str]:
    """What fixer says of a healthcheck none of whose parts is broken (`verdict`, `why`:
    the worst of them): today's, and, for one other fixes repair, once they are in."""
    unknown = _unknown(ws, target, why, tool, text, probes)
    if unknown is not None:
        return Verdict.UNKNOWN, unknown
    if ships_probe(_image(target), tool):
        fails = probe_fails(ws, target, text)
        if fails is not None:
            return Verdict.BROKEN, f"{target.name}'s healthcheck cannot pass: {fails}"
        unsure = probe_unsure(target, text)
        if unsure is not None:
            return Verdict.UNKNOWN, f"fixer cannot tell whether {target.name}'s healthcheck " \
                f"passes: {unsure}"
        return Verdict.HOLDS, ""
    if verdict is Verdict.HOLDS and probes:
        return _in_time(ws, target)
    # a probe fixer does not read, or a port it cannot see
    return _cannot_tell(target, "" if probes else
                        f"the URL its `{tool}` asks is not one it reads" if tool in HEALTH_TOOLS
                        else f"its test runs `{tool}`, whose answer fixer does not judge")


# per workspace: the rules whose fixes repair a healthcheck that cannot pass today, for the
# services where nothing else stands in its way
_REPAIRED_BY: Memo[dict[Service, tuple[str, ...]]] = Memo("healthchecks other fixes repair")


def _note_repairs(ws: Workspace, target: Service,
                  parts: list[tuple[tuple[Verdict, str], str | None]]) -> bool:
    """Notes the rules whose fixes repair the parts that break the healthcheck, where a
    rule's fix repairs each: whether it did."""
    codes = [code for (verdict, _why), code in parts if verdict is Verdict.BROKEN]
    if None in codes:
        return False
    ws.derived.get(_REPAIRED_BY, dict)[target] = tuple(sorted(set(c for c in codes if c)))
    return True


# per workspace: for a healthcheck other fixes repair (`_REPAIRED_BY`), what fixer still
# cannot tell of it once they are in ("" where nothing)
_ONCE_REPAIRED: Memo[dict[Service, str]] = Memo("doubt once the repairs are in")


def _once_repaired(ws: Workspace, target: Service,
                   parts: list[tuple[tuple[Verdict, str], str | None]], tool: str, text: str,
                   probes: list[LocalProbe]) -> str:
    """Why fixer cannot tell that the healthcheck passes once the fixes that repair its
    broken parts are in (its route, which fixer cannot read, stays in doubt): what
    `_can_pass` would say of it then."""
    verdict, why = worst(part for part, _code in parts if part[0] is not Verdict.BROKEN)
    return _unbroken(ws, target, verdict, why, tool, text, probes)[1]


def _unknown(ws: Workspace, target: Service, why: str, tool: str, text: str,
             probes: list[LocalProbe]) -> str | None:
    """Why fixer cannot tell whether a healthcheck none of whose parts is broken passes
    (`why`: what its parts leave unknown), or None: a variable Compose leaves empty, a
    database it needs that stops, the environment, TLS, an import of the probe, a static
    folder, tables its start-up queries that nothing creates."""
    unset = _unset_variables(ws, target)
    if unset is not None:
        return _unset_reason(ws, target, unset)
    doubt = start_doubt(ws, target) or \
        stops_uninitialised(ws, target) or missing_mounted_file(ws, target) or \
        _tls_doubt(probes) or _import_doubt(ws, target, tool, text) or why or None
    return f"fixer cannot tell whether {target.name}'s healthcheck passes: {doubt}" \
        if doubt is not None else None


def start_doubt(ws: Workspace, service: Service) -> str | None:
    """Why fixer cannot tell whether the service starts, which makes a gate on it unsafe
    (and C004's healthcheck, where a service waits for it with a plain entry): a database it
    needs that stops first (sure, where the rest are doubts: it goes first, so the reason
    names what surely stands in the way), a variable of its environment nothing defines, a
    StaticFiles folder it may lack, tables its start-up queries that nothing creates, a
    server package only a requirement fixer cannot read through may bring, a broker of the
    stack its start-up connects to before anything holds it back until the broker is ready."""
    return needs_a_stopped_database(ws, service) or environment_doubt(ws, service) or \
        static_dir_doubt(ws, service) or unmade_tables(ws, service) or \
        server_doubt(ws, service) or broker_doubt(ws, service)


def doubt_once_repaired(ws: Workspace, target: Service, held_in: ComposeDoc) -> str:
    """For a healthcheck `repaired_by` names fixes for: what fixer still cannot tell of it
    once they are in ("fixer cannot tell whether auth's healthcheck passes: ..."), or ""."""
    if not repaired_by(ws, target, held_in):
        return ""
    return ws.derived.get(_ONCE_REPAIRED, dict).get(target, "")


def repaired_by(ws: Workspace, target: Service, held_in: ComposeDoc) -> tuple[str, ...]:
    """The rules whose fixes let the target's healthcheck pass, when they are all that
    stands in its way: its tool (D003), the port it probes (P001), the path it asks for
    (H002). Empty when it passes, when something no fix repairs breaks it (a one-shot
    command, a crash at start-up, BusyBox's wget on localhost), and for a gate in a `-f`
    overlay judged without the override file."""
    verdict = can_pass_in(ws, target, held_in)
    if verdict[0] is not Verdict.BROKEN or verdict != can_pass(ws, target):
        return ()
    return ws.derived.get(_REPAIRED_BY, dict).get(target, ())


def _tls_doubt(probes: list[LocalProbe]) -> str | None:
    """An `https://` probe: whether the app serves TLS on that port, and with a certificate
    the probe trusts, is more than fixer reads (a plain-HTTP uvicorn fails every handshake;
    `curl -f` refuses a self-signed certificate). C004 reads the app's own TLS settings to
    write no `http://` probe of it; here the probe is someone else's."""
    if any(p.tls for p in probes):
        return "it probes https://: the app may serve plain HTTP, or a certificate the probe " \
            "does not trust"
    return None


# `import requests`, `from httpx import get` in a `python -c` probe
_PROBE_IMPORT = lazy_compile(r"(?:^|[;\s\"'])(?:import|from)\s+([A-Za-z_]\w*)")


def _import_doubt(ws: Workspace, target: Service, tool: str, text: str) -> str | None:
    """A Python probe that imports a package beyond the standard library (`requests`),
    which the image may not have: the probe then fails on ImportError. One the image's
    requirements or pyproject name (`httpx` listed) is there."""
    if not tool.startswith("python"):
        return None
    outside = sorted({m for m in _PROBE_IMPORT.findall(text) if m not in sys.stdlib_module_names})
    app = target.app if isinstance(target, BuiltService) else None
    if outside and app is not None:
        listed = declared(ws, app.folder, app.dockerfile, app.stage, app.args)
        outside = [m for m in outside if not _installed(listed, m)]
    return f"its Python probe imports {outside[0]}, which the image may lack" if outside else None


def _installed(listed: Declared, name: str) -> bool:
    """The image installs `name`: a requirement, and every file the requirements were read
    from is one the Dockerfile installs (the build context's requirements.txt or pyproject
    counts as declared even where no command installs it: not here, where it would vouch
    for a probe that fails)."""
    files = [*listed.requirement_files, *([listed.pyproject] if listed.pyproject else [])]
    return listed.provides(name) and all(path in listed.locations for path in files)


def _bare_tool(test: list[str]) -> str | None:
    """Why `["CMD-SHELL", "curl", "-f", URL]` never passes: Docker runs it as `sh -c curl -f
    URL`, whose script is the bare `curl` (the words after it are the shell's `$0`, `$1`...),
    and curl or wget with no URL fails."""
    unused = unused_shell_words(test)
    commands = healthcheck_commands(test) if unused else []
    if len(commands) != 1 or len(commands[0]) != 1 or tool_of(commands[0]) not in HEALTH_TOOLS:
        return None
    tool = commands[0][0]
    return (f"its test runs a bare `{tool}`: Docker runs [\"CMD-SHELL\", ...] as `sh -c` with "
            f"the first word as the script, and the words after it (`{' '.join(unused)}`) "
            f"are the shell's $0, $1..., not {tool}'s arguments (write the command as one "
            "string)")


def _unset_variables(ws: Workspace, target: Service) -> str | None:
    """A variable the compose healthcheck reads that Compose would substitute empty: no
    default, and the stack's `.env` does not set it."""
    if compose_health(target) is not Health.CHECKED:
        return None   # the image's HEALTHCHECK: its shell reads the container's environment
    return _unset_in(ws, target, list(compose_test(target) or []))


def unset_in_probe(ws: Workspace, target: Service, test: list[str]) -> str | None:
    """Why a compose healthcheck `test` (one fixer would write) may not pass: a variable it
    reads that Compose would substitute empty, as C003 judges one written already."""
    unset = _unset_in(ws, target, test)
    return _unset_reason(ws, target, unset) if unset is not None else None


def _unset_in(ws: Workspace, target: Service, written: list[str]) -> str | None:
    test = words_run(written)   # not the words the probe never reads
    documented: dict[str, str] | None = None
    for at, word in enumerate(test):
        for reference in references(word):   # `$$VAR` is the container shell's, not one
            if not reference.bare or reference.name in target.stack.dotenv or \
                    _empty_user(test, at, reference):
                continue
            if documented is None:
                documented = _required_dotenv_template(ws, target.stack)
            if reference.name not in documented:
                return reference.name
    return None


def _required_dotenv_template(ws: Workspace, stack: Stack) -> dict[str, str]:
    """The values the stack's example files give, where the repository holds no project
    `.env` and a service of the stack loads that very file as a required `env_file`:
    Compose refuses to run the stack without it, so the `.env` it runs with is one made
    from its template (`.env.example`), which sets them. Else nothing."""
    dotenv = stack.dotenv_path
    if ws.tree.exists(dotenv) or not any(
            path == dotenv and required for service in stack.services.values()
            for doc, value in service.all("env_file")
            for path, required in env_file_entries(doc, value, stack.dotenv, stack.folder)):
        return {}
    return documented_values(ws, stack)


# `pg_isready -U "$POSTGRES_USER"`, `--username='${PGUSER}'`, `-d "$POSTGRES_DB"`: the user
# or the database, quoted
_QUOTED_USER = lazy_compile(r"\bpg_isready\b[^;&|]*\s(?:-[Ud]\s*|--(?:username|dbname)[=\s]\s*)"
                            r"([\"'])$")
# the options of pg_isready whose value does not change its answer
_ANY_VALUE = ("-U", "--username", "-d", "--dbname")


def _empty_user(test: list[str], at: int, reference: Reference) -> bool:
    """A variable that, empty, leaves pg_isready's probe as it was: the `-U` user or the
    `-d` database, one argument even when empty (`-U ""`), and pg_isready passes once the
    server accepts connections whatever the user and database. So is it where the exec
    form names it as a whole argument (Compose passes an empty one); an unquoted `-U
    $POSTGRES_USER` in a shell loses its argument instead, and takes the next word as the
    user."""
    word = test[at]
    if test[:1] == ["CMD"]:
        return word == reference.text and at >= 2 and "pg_isready" in test[1] and \
            test[at - 1] in _ANY_VALUE
    quoted = _QUOTED_USER.search(word, 0, reference.start)
    end = reference.start + len(reference.text)
    return test[:1] != ["NONE"] and quoted is not None and \
        word[end:end + 1] == quoted.group(1)


def _unset_reason(ws: Workspace, target: Service, name: str) -> str:
    """Why `${name}` in the healthcheck may be empty: the project's `.env` does not set it,
    or the repository has none (each deployment supplies its own, which fixer cannot read)."""
    dotenv = target.stack.dotenv_path
    loads = any(True for _doc, _value in target.all("env_file"))
    said = (f"{target.name}'s healthcheck reads ${{{name}}}, which Compose substitutes from "
            "the shell or the project's .env only" + (" (an env_file does not count)"
                                                     if loads else ""))
    if not ws.tree.exists(dotenv):
        return f"{said}; the repository has no .env, so fixer cannot tell whether the one " \
            f"the stack runs with sets {name}"
    return f"{said}, and the .env does not set it"


def _in_time(ws: Workspace, target: Service) -> tuple[Verdict, str]:
    """A healthcheck that passes once the app listens: unknown when the app loads a model,
    which may take longer than the healthcheck waits (`facts/health/slowstart.py`)."""
    why = slow_start(ws, target) if is_app_service(ws, target) else None
    if why is None:
        return Verdict.HOLDS, ""
    return Verdict.UNKNOWN, (f"fixer cannot tell whether {target.name} starts before its "
                             f"healthcheck gives up: {why}")


def _no_healthcheck(target: Service) -> tuple[Verdict, str]:
    """A built service on a known base has none at all; an image may have its own."""
    app = target.app
    if app is not None and family_of(app.dockerfile, app.stage, target.build_args()).known:
        return Verdict.BROKEN, f"{target.name} has no healthcheck"
    return _cannot_tell(target)


def _cannot_tell(target: Service, why: str = "") -> tuple[Verdict, str]:
    return Verdict.UNKNOWN, f"fixer cannot tell whether {target.name}'s healthcheck passes" + \
        (f": {why}" if why else "")


def _image(service: Service) -> str:
    """The image the service runs: its final stage's base image, else compose `image`."""
    if service.app is not None:
        return base_image(service.app.dockerfile, service.app.stage, service.build_args())
    return service.scalar("image") or ""


def local_probes(text: str, start: int = 0, end: int | None = None,
                 unread: bool = False) -> Iterator[LocalProbe]:
    """The HTTP(S) URLs on the container itself in text[start:end]; a port written as `${VAR}`
    is no URL here, so fixer judges neither its port nor its path (with `unread`, such a URL
    comes as port 0 with no digits, for a caller that must know all of them)."""
    stop = len(text) if end is None else end
    for url in URL.finditer(text, start, stop):
        scheme = url.group("scheme").lower()
        if url.group("host") not in LOCAL_HOSTS or scheme not in ("http", "https"):
            continue
        written = number(url.group("port")) if url.group("port") else None
        port = written if url.group("port") else (443 if scheme == "https" else 80)
        path = _URL_PATH.match(text, url.end(), stop)
        at, until = path.span() if path else (url.end(), url.end())
        if url.group("var") or port is None:   # `${AUTH_PORT:-8000}`, or digits no port has
            if unread:
                yield LocalProbe(0, path.group(0) if path else "/", at, until,
                                 scheme == "https", url.group("host"))
            continue
        yield LocalProbe(port, path.group(0) if path else "/", at, until, scheme == "https",
                         url.group("host"), url.span("port") if written is not None else None)



class HealthCommand(NamedTuple):
    """The healthcheck that runs: the tool of its first command (`curl` for `["CMD", "sh",
    "-c", "curl ..."]`), the test as one text, and what it falls back on after `||`."""

    tool: str
    text: str
    fallbacks: tuple[str, ...]
    test: tuple[str, ...] = ()


def health_command(service: Service) -> HealthCommand | None:
    """The healthcheck that runs: compose's, else the image's."""
    app = service.app
    if compose_health(service) is Health.CHECKED:
        test = compose_test(service) or []
    else:
        check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
        test = dockerfile_test(check.value, check.json) if check is not None else []
    if not test:
        return None
    # `echo 'db...ping' | mongo ...`: an echo answers 0 whatever happens, the command after
    # it is the probe
    found = [argv for argv in healthcheck_commands(test) if tool_of(argv) not in _SAYS_ONLY] \
        or healthcheck_commands(test)
    return HealthCommand(tool_of(found[0] if found else []), " ".join(words_run(test)),
                         fallback_tools(test), tuple(test))


_SAYS_ONLY = frozenset({"echo", "printf"})


def _tool_verdict(ws: Workspace, target: Service, tool: str,
                  fallbacks: tuple[str, ...] = ()) -> tuple[Verdict, str]:
    """Judged from the final stage's base image (the known images of `fixer.facts.image.images`)
    and what the stage installs: the target's own, or for an image-only service the stage of
    the service that builds its tag (`fixer.model.image_builders`), or for another
    image-only service the image it pulls (`_pulled_tool_verdict`). An image the table does
    not know or a tool it says nothing about (python on `node`) is unknown. A missing tool
    with a fallback after `||` is judged by the fallback."""
    built = image_builder(ws, target)
    if tool not in TOOLS:
        return Verdict.UNKNOWN, ""
    if built is None:
        return _pulled_tool_verdict(target, tool, fallbacks)
    app, args = built.app, built.build_args()
    present = tool_status(app.dockerfile, app.stage, tool, args)
    if present is None:
        return Verdict.UNKNOWN, ""
    if present:
        return Verdict.HOLDS, ""
    if fallbacks:
        return _tool_verdict(ws, target, fallbacks[0], fallbacks[1:])
    label = family_of(app.dockerfile, app.stage, args).label
    if built is not target:
        return Verdict.BROKEN, (f"it runs {tool}, which {built.name}'s final stage ({label}), "
                                "the image it runs, lacks")
    return Verdict.BROKEN, f"it runs {tool}, which its final stage ({label}) lacks"


def _pulled_tool_verdict(target: Service, tool: str,
                         fallbacks: tuple[str, ...] = ()) -> tuple[Verdict, str]:
    """An image-only service no service of the stack builds: judged from the image, where
    the table knows it (`node:18-slim` has no curl) and the service's own command and
    entrypoint name neither the tool nor a system package manager, which may add it before
    the probe runs (`apt-get install -y curl && ...`)."""
    image = resolved_image(target) if target.get("build") is None else None
    present = classify(image).has(tool) if image else None
    words = " ".join(word for found in (target.entrypoint(), target.command()) if found
                     for word in found[2] or ())
    if present is None or present or tool in words or _INSTALLS_WORD.search(words):
        return Verdict.UNKNOWN, ""
    if fallbacks:
        return _pulled_tool_verdict(target, fallbacks[0], fallbacks[1:])
    return Verdict.BROKEN, f"it runs {tool}, which its image ({image}) lacks"


# the system package managers a command may install a tool with before its server starts
# (`npm install -g firebase-tools` brings no curl)
_INSTALLS_WORD = lazy_compile(r"(?<![\w-])(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)(?![\w-])")


def _module_verdict(ws: Workspace, target: Service, test: tuple[str, ...]) -> tuple[Verdict, str]:
    """A test that runs `python -m pkg.health` where the image's working directory holds the
    repository's regular package `pkg` (its `__init__.py`) but no `pkg/health.py`: Python
    looks for the submodule only in that package's folder, so the test fails each time.
    Holding otherwise: whether the test passes is for the other parts to say."""
    if not isinstance(target, BuiltService) or target.get("working_dir") is not None \
            or bind_mounts(target):
        return Verdict.HOLDS, ""
    for argv in healthcheck_commands(test):
        module = _module_run(argv)
        if module is None or "." not in module:
            continue
        parts = module.split(".")
        app = target.app
        found = partial(in_image, ws.tree, app.folder, app.dockerfile, app.stage)
        package = found(f"{parts[0]}/__init__.py")
        path = "/".join(parts)
        if package is not None and found(f"{path}.py") is None \
                and found(f"{path}/__main__.py") is None:
            return Verdict.BROKEN, (f"its test runs `python -m {module}`, and the image's "
                                    f"`{parts[0]}` package ({posixpath.dirname(package)}/ of "
                                    f"the repository) holds no such module")
    return Verdict.HOLDS, ""


def _module_run(argv: Sequence[str]) -> str | None:
    """`pkg.health` of `python -m pkg.health`: a module name, as Python reads one."""
    if tool_of(argv) != "python":
        return None
    at = 1
    while at < len(argv) and argv[at].startswith("-") and argv[at] != "-m":
        if argv[at] == "-c":   # a program given as text, no module
            return None
        at += 2 if argv[at] in ("-W", "-X") else 1   # those two take a value of their own
    if at + 1 >= len(argv) or argv[at] != "-m":
        return None
    return argv[at + 1] if _MODULE_NAME.fullmatch(argv[at + 1]) else None


_MODULE_NAME = lazy_compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _method_verdict(ws: Workspace, target: Service, test: tuple[str, ...]) -> tuple[Verdict, str]:
    """A probe that sends HEAD (`curl -I`, GNU wget's `--spider`) of a FastAPI app: its
    `@app.get` routes answer 405, unless a route takes HEAD too, which fixer does not
    read. Unknown, never holding."""
    if not is_app_service(ws, target):
        return Verdict.HOLDS, ""
    head = head_option(target, test)
    if head is None:
        return Verdict.HOLDS, ""
    return Verdict.UNKNOWN, (f"`{head}` sends HEAD, which FastAPI answers 405 on a route "
                             "added with `@app.get`")


def head_option(service: Service, test: Sequence[str]) -> str | None:
    """The option as written when the built service's healthcheck test sends HEAD (`curl
    -I`, GNU wget's `--spider`: Alpine's wget is BusyBox's, whose `--spider` sends GET; the
    wget of an image fixer does not know may be either, and is not judged)."""
    if service.app is None:
        return None
    return head_request(test, busybox=not _gnu_wget(service))


def _busybox_wget(service: Service) -> bool:
    """Alpine's wget is BusyBox's, unless the image installs the `wget` package (GNU's)."""
    app = service.app
    return app is not None and \
        family_of(app.dockerfile, app.stage, service.build_args()).manager == "apk" and \
        not _installs_wget(service)


def _gnu_wget(service: Service) -> bool:
    """The image's wget is surely GNU's: it installs the `wget` package, or its base is a
    Debian or Ubuntu image of the table (`images.py`)."""
    app = service.app
    if app is None:
        return False
    family = family_of(app.dockerfile, app.stage, service.build_args())
    return _installs_wget(service) or (family.known and family.manager == "apt")


def _installs_wget(service: Service) -> bool:
    app = service.app
    return app is not None and any("wget" in install.names()
                                   for link in chain(app.dockerfile, app.stage)
                                   for install in installs(app.dockerfile, link))


# the addresses of a server that takes IPv4 connections only
_IPV4_ONLY = ("0.0.0.0", "127.0.0.1")


def _busybox_localhost_verdict(target: Service, tool: str, fallbacks: tuple[str, ...],
                               probes: list[LocalProbe]) -> tuple[Verdict, str]:
    """BusyBox's wget asks for `localhost` at the first address musl resolves it to, `::1`
    in a container (its /etc/hosts names both), and never tries 127.0.0.1 after it: a
    server bound to an IPv4 address only refuses that probe on every run. GNU wget, curl
    and Python fall back to 127.0.0.1 (why C004 writes 127.0.0.1 for BusyBox)."""
    app = target.app
    launch = app.listen.launch if app is not None else None
    if tool != "wget" or fallbacks or launch is None or launch.host not in _IPV4_ONLY or \
            not any(probe.host == "localhost" for probe in probes) or \
            not _busybox_wget(target):
        return Verdict.HOLDS, ""
    return Verdict.BROKEN, (f"it runs BusyBox's wget, which asks for localhost at ::1 only, "
                            f"and {target.name} binds {launch.host}, an IPv4 address (probe "
                            "127.0.0.1 instead)")


def _port_verdict(target: Service, port: int) -> tuple[Verdict, str]:
    listen = listen_port(target)
    if listen is None:   # an image's own port goes unsaid: fixer reads none of it
        return Verdict.UNKNOWN, "" if target.app is None else (
            f"it probes port {port}, and fixer cannot tell which port {target.name} "
            "listens on")
    if port == listen:
        return Verdict.HOLDS, ""
    return Verdict.BROKEN, f"it probes port {port}, and {target.name} listens on {listen}"


def _bind_verdict(ws: Workspace, target: Service) -> tuple[Verdict, str]:
    """An app server bound to an IPv6 address (`--host ::`) may accept no IPv4 connection
    (uvicorn with one worker sets IPV6_V6ONLY), and a probe of 127.0.0.1 is one: whether
    the probe reaches it differs by server, worker count and the probe's tool. Unknown,
    never holding. One bound to a single address of its network (`--host web`) refuses
    every probe of the loopback: broken."""
    app = is_app_service(ws, target)
    named = named_bind(target) if app else None
    if named is not None:
        return Verdict.BROKEN, (f"{target.name} binds {named} only, where a probe of the "
                                "loopback is refused")
    bound = ipv6_bind(ws, target) if app else None
    if bound is None:
        return Verdict.HOLDS, ""
    return Verdict.UNKNOWN, (f"{target.name} binds {bound}, an IPv6 address, which may "
                             "accept no IPv4 connection from the probe")


def _unread(routes: AppRoutes) -> str:
    """What of the app's routes fixer cannot read, for a reason."""
    if routes.unknown:
        return routes.unknown
    prefixed = next((r.path for r in routes.routes if r.path.startswith(UNREAD)), None)
    if prefixed is not None:
        return "a router's prefix is not a literal"
    return "a mounted app" if routes.mounts_unread() or routes.opaque else \
        "its code names the path where fixer reads no route for it"


# per workspace: the stack check's gates and H002 ask for the same probe of a service
_PATH_VERDICTS: Memo[dict[tuple[Service, str], tuple[Verdict, str]]] = Memo("path verdicts")


def path_verdict(ws: Workspace, target: Service, path: str) -> tuple[Verdict, str]:
    """Broken only when fixer sees every route of a FastAPI app and none answers GET `path`;
    holding only when a route answers it that the app's class cannot have changed. A path
    written with a variable (`/$HEALTH_PATH`) is one fixer cannot read."""
    return ws.derived.keyed(_PATH_VERDICTS, (target, path),
                            lambda: _path_verdict(ws, target, path))


def _path_verdict(ws: Workspace, target: Service, path: str) -> tuple[Verdict, str]:
    if "$" in path:
        return Verdict.UNKNOWN, f"it asks for {path}, a path written with a variable"
    found = served_app(ws, target) if is_app_service(ws, target) else None
    if found is None and target.app is None:
        return Verdict.UNKNOWN, f"{target.name} runs {_image(target) or 'an image'}, whose " \
            "routes fixer does not read"
    if found is None:
        return Verdict.UNKNOWN, f"fixer reads no FastAPI app of {target.name} to tell whether " \
            f"it serves {path}"
    routes = found[1]
    # a route `/health/` serves `/health` (FastAPI redirects); the reasons quote the path as
    # the probe writes it
    wanted = path.rstrip("/") or "/"
    matching = [r for r in routes.routes if r.get and (r.path.rstrip("/") or "/") == wanted]
    answering = [r for r in matching if not r.direct or routes.doubt_for(wanted) is None]
    refused = routes.refusal_for(wanted)
    if answering and refused:   # a router's route too: the middleware comes first
        return Verdict.UNKNOWN, refused
    if answering and all(streams(r.function) for r in answering):
        return Verdict.UNKNOWN, (f"it asks for {path}, which the app answers with a stream "
                                 "that may never end: the probe would time out")
    if any(not r.refusal() and not r.error_answer() for r in answering):
        return Verdict.HOLDS, ""
    refusing = [why for r in answering if (why := routes.refuses_anonymous(r))]
    if answering and len(refusing) == len(answering):   # a probe sends no credentials
        return Verdict.BROKEN, f"it asks for {path}, which the app refuses: {refusing[0]}"
    if answering:   # `dependencies=[Depends(require_api_key)]` on the route or its router,
        route = answering[0]   # or a handler answering 503 until a model loads
        return Verdict.UNKNOWN, f"GET {path} may be refused: " \
            f"{route.refusal() or route.error_answer()}"
    if matching and routes.doubt_for(wanted):
        return Verdict.UNKNOWN, routes.doubt_for(wanted) or ""
    if matching or wanted in routes.unsure:   # `@app.get` on a class that redefines how
        # routes are added; `/docs` that may be off
        return Verdict.UNKNOWN, (f"GET {path} may not be served as the code writes it"
                                 + (f": {routes.doubt}" if matching and routes.doubt else
                                    " (added on some runs or settings only)"))
    shadow = routes.shadowing(wanted)
    rejected = typed_rejection(shadow, wanted) if shadow is not None else None
    if shadow is not None and rejected and not (routes.unseen or routes.opaque_over(wanted)):
        return Verdict.BROKEN, (f"it asks for {path}, which the app's route {shadow.path} "
                                f"answers first: {rejected}")
    if shadow is not None:   # `/health/{component}` answers `/health/db`, if its handler
        return Verdict.UNKNOWN, f"GET {path} may be answered by the route {shadow.path}"
    # the path written where fixer read no route for it: a route it missed may serve it (a
    # POST-only `/health` explains its own literal)
    if routes.under_root_path(wanted):   # `root_path=settings.ROOT_PATH`
        return Verdict.UNKNOWN, (f"it asks for {path}, a route of the app below the root path "
                                 "it is given, which Starlette may or may not take off a "
                                 "request before routing")
    if routes.unseen or routes.opaque_over(wanted) or \
            routes.prefixed_may_answer(wanted) or \
            routes.mounts_unread(wanted) or routes.names_unread(path):
        # a mounted app, middleware or unread route may serve it
        return Verdict.UNKNOWN, f"fixer sees no route for GET {path}, but some of the " \
            f"app's routes are unread ({_unread(routes)}), and one may serve it"
    return Verdict.BROKEN, f"it asks for {path}, which the app does not serve"
