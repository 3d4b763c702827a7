"""The stack check (RULES.md, "Trust: what safe means"): what a fix round must not break.

Four properties are judged on a workspace, each subject as holding, broken or unknown:
1. healthcheck gate: a `depends_on` with `condition: service_healthy` waits on a service
   whose healthcheck can pass (its tool is in the final stage, it probes the port the
   service listens on, an HTTP probe asks for a path the app serves);
2. reference: a published port, an `expose`, a URL or a proxy target reaches the port its
   service listens on;
3. network: a service shares a network with every service that names it;
4. import: the Python files on an app service's import path compile, and their relative
   imports resolve.
`regressions` compares the facts before and after a round on the stacks the round changed:
only a subject that was not broken before (or did not exist) and is broken after is a
regression. Where fixer cannot tell, the verdict is unknown, never broken: a fix is
refused only for what fixer can show.
"""

from __future__ import annotations

import ast
import posixpath
import re
import weakref
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from fixer import appmodule
from fixer.appservice import is_app_service
from fixer.database.networks import service_networks
from fixer.depends import HEALTHY, dependencies
from fixer.health.healthchecks import Health, compose_health, health
from fixer.health.healthroute import served_app
from fixer.image.images import chain, family_of, tools_present
from fixer.image.installs import installs
from fixer.ports.references import references
from fixer.ports.urls import URL
from fixer.services import Service, Stack, env_file_paths
from fixer.sources.compose import Value, get, key_node, string_list
from fixer.sources.compose_edit import Unfixable
from fixer.sources.dockertext import commands, tokenize
from fixer.sources.fastapi_routes import UNKNOWN as UNREAD
from fixer.sources.python import absolute_module, package_of, parse
from fixer.sources.python_modules import Modules
from fixer.sources.relative_imports import import_problem, written
from fixer.textfile import TextFile
from fixer.tree import Tree
from fixer.tree_index import is_folder
from fixer.workspace import Workspace

GATE, REFERENCE, NETWORK, IMPORT = "healthcheck gate", "reference", "network", "import"
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0")
_URL_PATH = re.compile(r"/[^\s\"'?#,;)]*")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_IMPORT_LIMIT = 2_000  # files followed per app: a bound, not a budget any real app reaches


class Verdict(str, Enum):
    HOLDS = "holds"
    BROKEN = "broken"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Fact:
    """One subject of one property, judged on one workspace."""

    prop: str
    key: tuple[str | int, ...]   # identity across before/after (no line numbers)
    path: str
    line: int
    services: tuple[str, ...]    # the services involved, the one it is about first
    subject: str                 # as shown: the reference's text, "web waits for api"
    verdict: Verdict
    why: str = ""                # what fails, when broken


StackFacts = dict[tuple[str | int, ...], Fact]


@dataclass(frozen=True)
class Breakage:
    """A property that held before a round and fails after it."""

    prop: str
    subject: str
    path: str
    line: int
    services: tuple[str, ...]
    why: str

    @property
    def service(self) -> str:
        return self.services[0]

    @property
    def message(self) -> str:
        return f"breaks the stack check ({self.prop}): {self.path}:{self.line} " \
               f"{self.subject} {self.why}"


def regressions(before_ws: Workspace, after_ws: Workspace, stacks: Collection[str],
                paths: Collection[str] = ()) -> list[Breakage]:
    """What the round broke on `stacks` (and in the reference files of `paths`)."""
    before = facts(before_ws, stacks, paths)
    found: list[Breakage] = []
    for key, fact in facts(after_ws, stacks, paths).items():
        old = before.get(key)
        if fact.verdict is Verdict.BROKEN and (old is None or old.verdict is not Verdict.BROKEN):
            found.append(Breakage(fact.prop, fact.subject, fact.path, fact.line, fact.services,
                                  fact.why))
    return found


def changed_stacks(ws: Workspace, paths: Collection[str]) -> set[str]:
    """The stacks whose compose files, .env files, env_files or build contexts hold a path."""
    return {stack.name for stack in ws.stacks if any(_touches(stack, ws.tree, p) for p in paths)}


def _touches(stack: Stack, tree: Tree, path: str) -> bool:
    if path in {doc.path for doc in stack.docs} or \
            path == posixpath.join(stack.folder, ".env"):
        return True
    for service in stack.services.values():
        if service.app is not None and (path == service.app.build.dockerfile or
                                        _inside(path, service.app.folder)):
            return True
        if any(path in env_file_paths(doc, value, stack.dotenv)
               for doc, value in service.all("env_file")):
            return True
    return False


def _inside(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


# -- facts ---------------------------------------------------------------------------------------

# per tree, the facts of each stack: the engine asks again for the same workspace (a round's
# "after" is the next round's "before")
_FACTS: weakref.WeakKeyDictionary[Tree, dict[str, StackFacts]] = weakref.WeakKeyDictionary()


def facts(ws: Workspace, stacks: Collection[str], paths: Collection[str] = ()) -> StackFacts:
    """Every subject of the four properties on the named stacks."""
    cached = _FACTS.setdefault(ws.tree, {})
    out: StackFacts = {}
    for stack in ws.stacks:
        if stack.name not in stacks:
            continue
        if stack.name not in cached:
            found = [*_gate_facts(ws, stack), *_network_facts(ws, stack),
                     *_import_facts(ws, stack)]
            cached[stack.name] = {f.key: f for f in found}
        out.update(cached[stack.name])
    out.update((f.key, f) for f in _reference_facts(ws, stacks, paths))
    return out


def _service(ws: Workspace, stack_name: str, name: str) -> Service | None:
    stack = next((s for s in ws.stacks if s.name == stack_name), None)
    return stack.services.get(name) if stack is not None else None


def _listen_port(service: Service | None) -> int | None:
    return service.app.listen.port if service is not None and service.app is not None else None


def _worst(verdicts: Iterable[tuple[Verdict, str]]) -> tuple[Verdict, str]:
    """Broken when one part is, holding when all parts hold, else unknown."""
    judged = list(verdicts)
    broken = [why for verdict, why in judged if verdict is Verdict.BROKEN]
    if broken:
        return Verdict.BROKEN, "; ".join(broken)
    if all(verdict is Verdict.HOLDS for verdict, _why in judged):
        return Verdict.HOLDS, ""
    return Verdict.UNKNOWN, ""


# -- 1. healthcheck gates ----------------------------------------------------------------------

def _gate_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    for service in stack.services.values():
        for dep in dependencies(service):
            if dep.condition != HEALTHY:
                continue
            target = stack.services.get(dep.name)
            verdict, why = can_pass(ws, target) if target is not None else (Verdict.UNKNOWN, "")
            yield Fact(GATE, (GATE, stack.name, service.name, dep.name), dep.doc.path,
                       dep.doc.line(dep.node.node), (dep.name, service.name),
                       f"{service.name} waits for {dep.name} to be healthy", verdict,
                       f"but {why}")


def can_pass(ws: Workspace, target: Service) -> tuple[Verdict, str]:
    """Whether the target's healthcheck can pass, and why not ("api has no healthcheck")."""
    state = health(target)
    if state is Health.DISABLED:
        return Verdict.BROKEN, f"{target.name}'s healthcheck is disabled"
    if state is not Health.CHECKED:
        # a built service on a known base has no healthcheck at all; an image may have its own
        known = target.app is not None and family_of(target.app.dockerfile, target.app.stage).known
        return (Verdict.BROKEN, f"{target.name} has no healthcheck") if known \
            else (Verdict.UNKNOWN, "")
    found = health_command(target)
    if found is None:
        return Verdict.UNKNOWN, ""
    tool, text = found
    probes = _probes(text)
    verdict, why = _worst([_tool_verdict(target, tool),
                           *(_port_verdict(target, port) for port, _path in probes),
                           *(_path_verdict(ws, target, path) for _port, path in probes)])
    return verdict, f"{target.name}'s healthcheck cannot pass: {why}"


def _probes(text: str) -> list[tuple[int, str]]:
    """(port, path) of each HTTP URL on the container itself that a healthcheck calls; a port
    written as `${VAR}` is no URL here, so fixer judges neither its port nor its path."""
    found: list[tuple[int, str]] = []
    for url in URL.finditer(text):
        scheme = url.group("scheme").lower()
        if url.group("host") not in _LOCAL_HOSTS or scheme not in ("http", "https"):
            continue
        port = int(url.group("port") or (443 if scheme == "https" else 80))
        path = _URL_PATH.match(text, url.end())
        found.append((port, path.group(0) if path else "/"))
    return found


def health_command(service: Service) -> tuple[str, str] | None:
    """(tool, command text) of the healthcheck that runs: compose's, else the image's."""
    if compose_health(service) is Health.CHECKED:
        test: list[str] = []
        for _doc, value in service.all("healthcheck"):
            test = string_list(get(value, "test")) or test
        if test[:1] == ["CMD"]:
            return _tool(test[1:]), " ".join(test[1:])
        script = " ".join(test[1:]) if test[:1] == ["CMD-SHELL"] else " ".join(test)
        return _script_tool(script), script
    app = service.app
    checks = [s.last("HEALTHCHECK") for s in chain(app.dockerfile, app.stage)] if app else []
    check = next((c for c in checks if c is not None), None)
    if check is None or [v.upper() for v in check.value[:1]] != ["CMD"]:
        return None
    argv = list(check.value[1:])
    return (_tool(argv) if check.json else _script_tool(" ".join(argv))), " ".join(argv)


def _script_tool(script: str) -> str:
    first = next(iter(commands(tokenize(script))), [])
    return _tool([w.value for w in first])


def _tool(argv: list[str]) -> str:
    words = [w for w in argv if w not in ("exec", "env") and not _ASSIGNMENT.match(w)]
    tool = posixpath.basename(words[0]) if words else ""
    return "python" if re.fullmatch(r"python[\d.]*", tool) else tool


def _tool_verdict(target: Service, tool: str) -> tuple[Verdict, str]:
    """Judged from the final stage's image and installs; an image-only service is unknown."""
    app = target.app
    if app is None or tool not in ("curl", "wget", "python"):
        return Verdict.UNKNOWN, ""
    family = family_of(app.dockerfile, app.stage)
    present = tool in tools_present(app.dockerfile, app.stage)
    judged = family.known
    if tool == "python":
        present = present or family.python is not None or any(
            n.startswith("python") for s in chain(app.dockerfile, app.stage)
            for i in installs(app.dockerfile, s) for n in i.names())
        judged = judged and family.name != "distroless"  # python variants: not told apart
    if present:
        return Verdict.HOLDS, ""
    if not judged:
        return Verdict.UNKNOWN, ""
    return Verdict.BROKEN, f"it runs {tool}, which its final stage ({family.label}) lacks"


def _port_verdict(target: Service, port: int) -> tuple[Verdict, str]:
    listen = _listen_port(target)
    if listen is None:
        return Verdict.UNKNOWN, ""
    if port == listen:
        return Verdict.HOLDS, ""
    return Verdict.BROKEN, f"it probes port {port}, and {target.name} listens on {listen}"


def _path_verdict(ws: Workspace, target: Service, path: str) -> tuple[Verdict, str]:
    """Broken only when fixer sees every route of a FastAPI app and none answers GET `path`."""
    if not is_app_service(ws, target):
        return Verdict.UNKNOWN, ""
    found = served_app(ws, target)
    if found is None:
        return Verdict.UNKNOWN, ""
    routes = found[1]
    wanted = path.rstrip("/") or "/"  # a route `/health/` serves `/health` (FastAPI redirects)
    if any(r.get and (r.path.rstrip("/") or "/") == wanted for r in routes.routes):
        return Verdict.HOLDS, ""
    texts = [site.file.text for site in routes.sites]
    if routes.unknown or any(r.path.startswith(UNREAD) for r in routes.routes) or \
            any(".mount(" in t or f'"{path}"' in t or f"'{path}'" in t for t in texts):
        return Verdict.UNKNOWN, ""  # a mounted app, middleware or unread route may serve it
    return Verdict.BROKEN, f"it asks for {path}, which the app does not serve"


# The names C003 first called these by; it should use the public ones.
_can_pass, _health_command = can_pass, health_command


# -- 2. references -----------------------------------------------------------------------------

def _reference_facts(ws: Workspace, stacks: Collection[str],
                     paths: Collection[str]) -> Iterator[Fact]:
    """References are told apart by file, kind, target and their order among those: fixes
    rewrite a reference's text and shift its line, never the order."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for ref in sorted(references(ws), key=lambda r: (r.path, r.line)):
        group = (ref.path, ref.kind, ref.stack, ref.service)
        ordinal = counts[group] = counts.get(group, -1) + 1
        if ref.stack not in stacks and ref.path not in paths:
            continue
        listen = _listen_port(_service(ws, ref.stack, ref.service))
        verdict = Verdict.UNKNOWN if listen is None else \
            Verdict.HOLDS if listen == ref.port else Verdict.BROKEN
        yield Fact(REFERENCE, (REFERENCE, *group, ordinal), ref.path, ref.line, (ref.service,),
                   ref.text, verdict, f"no longer reaches a port {ref.service} listens on "
                                      f"({ref.service} listens on {listen})")


# -- 3. networks -------------------------------------------------------------------------------

def _network_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    by_name = {n: s.name for s in stack.services.values() for n in s.names()}
    for user in stack.services.values():
        for name in sorted({by_name[n] for n in _named(ws, user) if n in by_name} - {user.name}):
            target = stack.services[name]
            verdict, why = _shared(user, target)
            path, line = _definition(target)
            yield Fact(NETWORK, (NETWORK, stack.name, name, user.name), path, line,
                       (name, user.name), name, verdict, why)


def _named(ws: Workspace, service: Service) -> set[str]:
    """The hosts a service calls: its `depends_on` and the hosts of URLs in its environment."""
    names = {dep.name for dep in dependencies(service)}
    for value in service.environment(ws.tree).values():
        names.update(m.group("host") for m in URL.finditer(value))
    return names


def _shared(user: Service, target: Service) -> tuple[Verdict, str]:
    try:
        mine, theirs = set(service_networks(user)), set(service_networks(target))
    except Unfixable:  # host or container networking: fixer cannot tell who resolves whom
        return Verdict.UNKNOWN, ""
    if mine & theirs:
        return Verdict.HOLDS, ""
    return Verdict.BROKEN, (f"shares no network with {user.name}, which names it "
                            f"({user.name}: {', '.join(sorted(mine))}; "
                            f"{target.name}: {', '.join(sorted(theirs))})")


def _definition(service: Service) -> tuple[str, int]:
    """Where the service is first defined: its key's line."""
    doc, value = service.definitions[0]
    services = get(Value(doc.root), "services")
    key = key_node(services, service.name) if services is not None else None
    return doc.path, doc.line(key if key is not None else value.node)


# -- 4. imports --------------------------------------------------------------------------------

def _import_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    for service in stack.services.values():
        if service.app is None or not is_app_service(ws, service):
            continue
        module = appmodule.find(ws, service)
        if module is None:
            continue
        for path, (line, problem) in import_path(ws, module).items():
            yield Fact(IMPORT, (IMPORT, stack.name, service.name, path), path, line,
                       (service.name,), f"a module on {service.name}'s import path",
                       Verdict.BROKEN if problem else Verdict.HOLDS,
                       f"no longer imports: {problem}")


def import_path(ws: Workspace, module: appmodule.AppModule) -> dict[str, tuple[int, str | None]]:
    """The files the app module imports from its import root, transitively (packages'
    `__init__.py` included), each with (line, why it fails to import, or None)."""
    mods = Modules(ws.read, module.root)
    found: dict[str, tuple[int, str | None]] = {}
    frontier = [(module.path, module.package)]
    while frontier and len(found) < _IMPORT_LIMIT:
        path, package = frontier.pop()
        file = ws.read(path) if path not in found else None
        if file is None:
            continue
        scan = _scan(file, package)
        found[path] = scan.problem or _missing(ws.tree, mods, scan.relative) or (1, None)
        frontier.extend((p, package_of(p, module.root) or "") for p in sorted(
            {p for p in map(mods.path_of, scan.names) if p is not None}))
    return found


@dataclass(frozen=True)
class _Scan:
    """What a module's text says about its imports, seen from its package."""

    problem: tuple[int, str] | None        # it does not compile, or a relative import cannot work
    relative: tuple[tuple[int, str, str], ...]  # (line, import as written, absolute target)
    names: tuple[str, ...]                 # the modules its imports run, dotted


# (path, text, package) -> scan: the rounds of a fix run re-read mostly unchanged files
_SCANS: dict[tuple[str, str, str], _Scan] = {}
_SCANS_LIMIT = 20_000


def _scan(file: TextFile, package: str) -> _Scan:
    key = (file.path, file.text, package)
    if key not in _SCANS:
        if len(_SCANS) > _SCANS_LIMIT:
            _SCANS.clear()
        _SCANS[key] = _scan_text(file, package)
    return _SCANS[key]


def _scan_text(file: TextFile, package: str) -> _Scan:
    tree = parse(file)
    if tree is None:
        return _Scan(_syntax_error(file.text, file.path), (), ())
    problem = _compile_problem(tree, file.path)
    relative: list[tuple[int, str, str]] = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(p for a in node.names for p in _prefixes(a.name))
        elif isinstance(node, ast.ImportFrom):
            source = absolute_module(package, node.level, node.module) if node.level \
                else node.module
            if node.level:
                problem = problem or _relative_problem(node, package, file.text)
                relative.append((node.lineno, written(node), source or ""))
            if source is not None:  # `from . import x` at the top level: `import x`
                names.update(_prefixes(source) if source else [])
                names.update(f"{source}.{a.name}" if source else a.name for a in node.names)
    return _Scan(problem, tuple(relative), tuple(sorted(names)))


def _syntax_error(text: str, path: str) -> tuple[int, str]:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        return line, f"{type(exc).__name__}: {getattr(exc, 'msg', None) or exc}"
    return 1, "it does not parse"


def _compile_problem(tree: ast.Module, path: str) -> tuple[int, str] | None:
    """What `ast.parse` lets through and the compiler does not (`return` outside a function)."""
    try:
        compile(tree, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return getattr(exc, "lineno", None) or 1, f"{type(exc).__name__}: {exc}"
    return None


def _relative_problem(node: ast.ImportFrom, package: str, text: str) -> tuple[int, str] | None:
    if not package:
        return node.lineno, f"`{written(node)}` is a relative import in a top-level module"
    problem = import_problem(node, package, text)
    return (node.lineno, problem) if problem is not None else None


def _missing(tree: Tree, mods: Modules, relative: Iterable[tuple[int, str, str]]
             ) -> tuple[int, str] | None:
    """The first relative import whose module is not in the service (a file, a package, or a
    folder Python imports as a namespace package)."""
    for line, shown, target in relative:
        if mods.path_of(target) is None and \
                not is_folder(tree, posixpath.join(mods.root, *target.split("."))):
            return line, f"`{shown}` names no module of the service"
    return None


def _prefixes(name: str) -> list[str]:
    """`a.b.c` -> a, a.b, a.b.c: importing it runs each of them."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
