"""What a finding type breaks in this repository: the report's "Impact" lines and the
ranking of its critical issues.

A rule's "Why is this bad?" says what the defect does in general. Some of it is a claim
about the repository ("every service that waits for it never starts", "the healthcheck
fails"); the report says such a claim only where the repository bears it out, and names
the services it is about. The rest of the text is kept as the rule's docs say it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from fixer.core.derived import Memo
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_under
from fixer.facts.database import dbusage
from fixer.facts.database.naming import names_dependency
from fixer.facts.database.selfwait import waits_on_its_own
from fixer.facts.envvars.examples import documented_values
from fixer.facts.database.unchecked import unchecked
from fixer.facts.health.healthchecks import has_healthcheck
from fixer.facts.ports.claims import heard
from fixer.facts.ports.references import service_claims
from fixer.facts.ports.side import http_claims
from fixer.formats.report.scores import APP_ONLY
from fixer.formats.report.text import inline
from fixer.model import appmodule
from fixer.model.appservice import app_services, is_app_service
from fixer.model.depends import HEALTHY, dependencies
from fixer.model.rule import Finding, Rule, Severity
from fixer.model.services import Service, locate_build, runs_the_image
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, items, scalar

# The clause of a rule's docs that claims services wait on the broken one, and the text
# that goes with it: only the clause goes, never the claims written before it.
_CLAUSE = (r"(?:[Ee]very service that|[Ww]hatever) waits for (?:it|the service)"
           r"(?: \([^)]*\)| with `[^`]*`)? never starts")
_WAITERS_CLAUSE = lazy_compile(
    rf",? and {_CLAUSE}"                              # the last item: "a, and every …."
    rf"|(?:^|(?<=\. ))(?:So |Then )?{_CLAUSE}\.\s*"  # a sentence of its own
    rf"|{_CLAUSE}, ")                                # an item amid others: "a, every …, and b."
# Rules whose finding leaves the container unhealthy (or never started) while a
# healthcheck exists: a service waiting for it to be healthy never starts.
_BREAK_WAITERS = {"D003", "H001", "H002", "P001", "S001", "S003", "S004", "I001", "I003"}
_C001_SUBJECT = lazy_compile(r"^host (?P<host>.+) in (?P<stack>.+)$")


@dataclass(frozen=True)
class Facts:
    """What the impact text may claim, read from the workspace once."""

    ws: Workspace
    services: Mapping[str, Service]          # by name (the first stack's, on a clash)
    waiters: Mapping[str, frozenset[str]]    # service -> services awaiting it healthy
    # the repository as the run found it, where `ws` is a tree earlier fixes changed (a
    # branch's later commit): what the repository's own convention is, fixer's edits aside
    base: Workspace | None = None

    @classmethod
    def of(cls, ws: Workspace, base: Workspace | None = None) -> Facts:
        services: dict[str, Service] = {}
        waiters: dict[str, set[str]] = {}
        for service in ws.services():
            services.setdefault(service.name, service)
            for dependency in dependencies(service):
                if dependency.condition == HEALTHY:
                    waiters.setdefault(dependency.name, set()).add(service.name)
        return cls(ws, services, {k: frozenset(v) for k, v in waiters.items()}, base)

    def waiting_on(self, names: Iterable[str]) -> set[str]:
        """Every service that waits, directly or through others, for one of `names` to be
        healthy: none of them starts while it is not."""
        found: set[str] = set()
        todo = list(names)
        while todo:
            for waiter in self.waiters.get(todo.pop(), frozenset()) - found:
                found.add(waiter)
                todo.append(waiter)
        return found


# -- ranking -------------------------------------------------------------------------------

def broken_services(facts: Facts, findings: Sequence[Finding]) -> dict[str, int]:
    """Code -> how many services its findings break (errors) or touch (warnings)."""
    hit: dict[str, set[str]] = {}
    for finding in findings:
        hit.setdefault(finding.code, set()).update(_broken_by(finding, facts))
    return {code: len(names) for code, names in hit.items()}


def _broken_by(finding: Finding, facts: Facts) -> set[str]:
    service = finding.service
    names = {s.name for s in concerned(facts.ws, finding)}
    if service and (not names or finding.code in _REFUSES_THE_PROJECT):
        names.add(service)   # a project Compose refuses starts the finding's service neither
    if finding.rule.severity is not Severity.ERROR or not _leaves_unhealthy(finding, facts):
        return names   # a D003 whose image HEALTHCHECK compose replaces: nobody waits on it
    if finding.code == "C001":
        names |= _database_users(finding, facts)
    found = facts.services.get(service or "")
    if finding.code == "C002" and found is not None:
        # compose refuses the whole stack: "depends on undefined service"
        names |= set(found.stack.services)
    return names | facts.waiting_on(names)


def _database_users(finding: Finding, facts: Facts) -> set[str]:
    """The services whose PostgreSQL URL names the host C001 reports missing."""
    match = _C001_SUBJECT.match(finding.subject)
    if match is None:
        return set()
    stacks = [s for s in facts.ws.stacks if s.name == match["stack"]]
    return {use.service.name for stack in stacks for use in dbusage.postgres_uses(facts.ws, stack)
            if use.host == match["host"]}


# -- impact text ---------------------------------------------------------------------------

def impacts(facts: Facts, findings: Sequence[Finding]) -> dict[str, str]:
    """Code -> the report's impact line for its findings in this repository."""
    groups: dict[str, tuple[Rule, list[Finding]]] = {}
    for finding in findings:
        groups.setdefault(finding.code, (finding.rule, []))[1].append(finding)
    return {code: impact_text(rule, group, facts) for code, (rule, group) in groups.items()}


def impact_text(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """The rule's general impact with only the claims this repository bears out, then the
    services that wait in vain, named."""
    general = _SPECIFIC.get(rule.code, _from_docs)(rule, findings, facts)
    waiting = _waiting(rule, findings, facts)
    if not waiting:
        general = without_waiters(general)
    return " ".join(part for part in (general, waiting) if part)


def without_waiters(text: str) -> str:
    """`text` without its claim that services waiting for the broken one never start."""
    return _WAITERS_CLAUSE.sub("", text).strip()


def doc_impact(rule: Rule) -> str:
    """The first paragraph of the rule's "Why is this bad?", on one line."""
    section = rule.doc_section("Why is this bad?") or ""
    return " ".join(section.split("\n\n")[0].split())


def _from_docs(rule: Rule, _findings: Sequence[Finding], _facts: Facts) -> str:
    return inline(doc_impact(rule))


def _waiting(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """"`a` waits for `b` to be healthy and never starts", for the services that do."""
    if rule.code not in _BREAK_WAITERS:
        return ""
    broken = sorted({f.service for f in findings if f.service
                     and _leaves_unhealthy(f, facts)})
    pairs = [(waiter, name) for name in broken
             for waiter in sorted(facts.waiters.get(name, frozenset()))]
    if not pairs:
        return ""
    said = ", ".join(f"`{waiter}` (waits for `{name}`)" for waiter, name in pairs)
    further = len(facts.waiting_on(broken) - {waiter for waiter, _name in pairs})
    more = f", and {further} more that wait on those" if further else ""
    return f"Here every service that waits for it to be healthy never starts: {said}{more}."


def _leaves_unhealthy(finding: Finding, facts: Facts) -> bool:
    """A P001 finding leaves the container unhealthy only when its healthcheck probes the
    wrong port, a D003 one unless compose's healthcheck replaces the image's; the other
    rules of `_BREAK_WAITERS` always do, where a healthcheck exists."""
    service = _service_of(finding, facts)
    if service is None:
        return False
    if finding.code == "P001":
        return "healthcheck" in _wrong_claims(service, facts)
    # the image's HEALTHCHECK fails, but compose's own replaces it for every service
    return not (finding.code == "D003" and _REPLACED_IN_COMPOSE in finding.message)


# -- rule-specific claims ------------------------------------------------------------------

def _wrong_claims(service: Service, facts: Facts) -> set[str]:
    """The kinds of container ports (ports, healthcheck, peer, ...) that miss the app."""
    if service.app is None or service.app.listen.port is None:
        return set()
    listen = service.app.listen.port
    known = [p for p in heard(service_claims(facts.ws, service), listen)
             if not p.udp and p.effective]
    return {p.kind for p in http_claims(known, listen) if p.effective != listen}


def _p001(_rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    kinds: set[str] = set()
    for finding in findings:
        service = _service_of(finding, facts)
        kinds |= _wrong_claims(service, facts) if service else set()
    parts = [text for kind, text in _P001_PARTS if kind & kinds]
    if not parts:
        return "Traffic that names the container port goes to a port nobody listens on."
    text = "; ".join(parts)
    # no word on the app itself: it may stop at start-up for a reason of its own (I001, I003)
    return f"{text[:1].upper()}{text[1:]}."


_P001_PARTS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"ports"}), "published ports forward to nothing"),
    (frozenset({"expose"}), "the exposed port reaches nothing"),
    (frozenset({"healthcheck"}), "the healthcheck fails, so the container never turns healthy"),
    (frozenset({"peer", "proxy", "traefik"}),
     "services and proxies that call it on that port get connection refused"),
)


def _d003(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """Where compose's healthcheck replaces the image's failing HEALTHCHECK for every
    service, the stack's containers do become healthy: the image's probe fails only where
    it runs without compose."""
    if findings and all(_REPLACED_IN_COMPOSE in f.message for f in findings):
        return ("The image's own HEALTHCHECK fails on every run, its tool not found, wherever "
                "the image runs without compose's healthcheck (`docker run`, another "
                "orchestrator): there its containers never become healthy.")
    return inline(doc_impact(rule))


# D003's message where compose gives every service that builds the image its own healthcheck
_REPLACED_IN_COMPOSE = "compose's healthcheck replaces it for"


def _h001(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """"The probe gets 404" only where a healthcheck probes the app."""
    probed = any(has_healthcheck(s) for s in _services(findings, facts))
    return _drop_sentences(rule, lambda s: probed or "probe" not in s)


def _s001(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """The case-insensitive checkout explains the finding only where a file differing in
    case exists."""
    differs = any(s.app is not None and s.app.name_case_differs
                  for s in _services(findings, facts))
    text = _drop_sentences(rule, lambda s: differs or "only in case" not in s)
    gone = [f for f in findings if _NO_CONTEXT.match(f.reason or "")]
    if not gone:
        return text
    # a missing folder stops the build before any Dockerfile is read
    said = ("`docker compose build` fails before it reads a Dockerfile where the build "
            "context folder does not exist (\"unable to prepare context: path ... not "
            "found\")")
    if len(gone) == len(findings):
        return said + "."
    return f"{said}, and elsewhere with \"failed to read dockerfile: open ...: no such file " \
        "or directory\"."


# S001's reason where the build context folder itself is missing
_NO_CONTEXT = lazy_compile(r"the build context .+? does not exist")


def _s002(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """"The fleet's convention" only where most of the repository's other app packages are
    regular packages, as the run found them (not those earlier commits of a branch made
    regular); and of the docs' claims, those true of the package the fix makes regular
    (`_s002_clauses`)."""
    missing = {f.service for f in findings}
    found = facts.base or facts.ws
    kinds = [_is_regular_package(found, s) for s in app_services(found)
             if s.name not in missing and _package(found, s) is not None]
    regular = sum(kinds) * 2 > len(kinds)
    text = _drop_sentences(rule, lambda s: regular or "convention" not in s)
    services = _services(findings, facts)
    packages = {p for p in (_package(facts.ws, s) for s in services) if p}
    relative = any(_imports_relatively(facts.ws, s) for s in services)
    return text.replace(_S002_CLAUSES, _s002_clauses(packages, relative)) if packages else text


# the docs' claims about a namespace package, said of a top-level `app`
_S002_CLAUSES = ("any other `app` folder on `sys.path` merges into it, tools (pytest, mypy, "
                 "setuptools' `find_packages`) skip or misname it, and relative imports "
                 "inside it depend on how it happened to be found")
# what the folders above a package are, within its import root
Above = Literal["none", "regular", "namespace", "mixed"]


def _s002_clauses(packages: set[tuple[str, Above]], relative: bool) -> str:
    """The claims true of each package (its path from the import root, and what the folders
    above it are). Like folders merge into a top-level one (`app` on any `sys.path` entry)
    or one below namespace folders only (`src/app` under any entry); not below a regular
    package, whose one folder is all Python searches. Tools skip it only while it is the
    one folder that is no package: a `src/` without `__init__.py` stays skipped after the
    fix. Relative imports only where a module of it has one (the last claim standing where
    no other is true)."""
    names = {name for name, _above in packages}
    kinds = {above for _name, above in packages}
    name = next(iter(names))
    merges = None if len(names) > 1 or len(kinds) > 1 else \
        f"any other `{name}` folder on `sys.path` merges into it" if kinds == {"none"} else \
        f"any other `{name}` folder under a `sys.path` entry merges into it" \
        if kinds == {"namespace"} else None
    tools = "tools (pytest, mypy, setuptools' `find_packages`) skip or misname it" \
        if kinds <= {"none", "regular"} else None
    said = [c for c in (merges, tools) if c]
    said += ["relative imports inside it depend on how it happened to be found"] \
        if relative or not said else []
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + ", and " + said[-1]


# a relative import statement, `from . import x`, `from .models import y`
_RELATIVE_IMPORT = lazy_compile(r"^[ \t]*from[ \t]*\.", re.M)


def _imports_relatively(ws: Workspace, service: Service) -> bool:
    """A module of the app's package imports relatively."""
    found = appmodule.find(ws, service)
    if found is None or found.script or "." not in found.module:
        return False
    return any(_RELATIVE_IMPORT.search(ws.tree.read(path).text)
               for path in files_under(ws.tree, posixpath.dirname(found.path))
               if path.endswith(".py"))


def _package(ws: Workspace, service: Service) -> tuple[str, Above] | None:
    """The app's package as a path from its import root (`src/app`), and what the folders
    above it within that root are."""
    found = appmodule.find(ws, service)
    if found is None or found.script or "." not in found.module:
        return None
    parts = found.module.split(".")[:-1]
    folder, regular = posixpath.dirname(found.path), []
    for _part in parts[:-1]:   # one folder up per package above the app's own
        folder = posixpath.dirname(folder)
        regular.append(ws.tree.exists(posixpath.join(folder, "__init__.py")))
    above: Above = "none" if not regular else "regular" if all(regular) else \
        "namespace" if not any(regular) else "mixed"
    return "/".join(parts), above


def _is_regular_package(ws: Workspace, service: Service) -> bool:
    found = appmodule.find(ws, service)
    if found is None or found.script or "." not in found.module:
        return False
    return ws.tree.exists(posixpath.join(posixpath.dirname(found.path), "__init__.py"))


def _service_of(finding: Finding, facts: Facts) -> Service | None:
    """The service a finding is about, from the stack whose compose file holds the finding
    (two stacks may each define `api`, one with a restart policy); by name where the finding
    is in no compose file (a Dockerfile, a module)."""
    for stack in facts.ws.stacks:
        if finding.service in stack.services and any(d.path == finding.path for d in stack.docs):
            return stack.services[finding.service]
    return facts.services.get(finding.service or "")


# findings Compose refuses the whole project for (a required env_file it cannot read):
# every service of the stack is one that does not start
_REFUSES_THE_PROJECT = frozenset({"C007"})


def concerned(ws: Workspace, finding: Finding) -> list[Service]:
    """The services a finding counts against beside its own: every service of its stack
    for one that makes Compose refuse the project (C007), else those it says it stops
    (`Violation.stops`). A finding on a
    database: C005, reported at the image of a database with no healthcheck, is about the
    app services (and the jobs they await) that cannot wait for it, whose `depends_on` its
    fix gates. A finding in a Dockerfile that several services build to the same stage is
    about each of their images (three replicas that all lack the EXPOSE P002 reports once).
    Empty otherwise."""
    if finding.service is None:
        return []
    if finding.code in _REFUSES_THE_PROJECT:   # `docker compose up` starts none of them
        return [service for stack in ws.stacks if any(d.path == finding.path for d in stack.docs)
                for name, service in stack.services.items() if name != finding.service]
    if finding.violation.stops:   # every service it names (S004: each that imports it)
        return [service for stack in ws.stacks if any(d.path == finding.path for d in stack.docs)
                for name, service in stack.services.items()
                if name in finding.violation.stops and name != finding.service]
    if finding.code != "C005":
        return _image_builders(ws, finding)
    found = [unchecked(ws, stack).get(finding.service) for stack in ws.stacks
             if any(doc.path == finding.path for doc in stack.docs)]
    return list({id(owner): owner for target in found if target is not None
                 for owner, _entry in target.dependents if owner.name in target.apps}.values())


# per workspace, each built service's image: (service, Dockerfile, stage, build context)
_BUILDERS: Memo[list[tuple[Service, str, str | None, str]]] = Memo("Dockerfile builders")


def _image_builders(ws: Workspace, finding: Finding) -> list[Service]:
    """The services that build the image a finding is in, when more than one does: the
    Dockerfile's (to the stage its service builds), or a file of the build context (the
    app's module, in a folder two replicas build alike). A compose file's finding is about
    its own service's entry."""
    builders = ws.derived.get(_BUILDERS, lambda: _dockerfile_builders(ws))
    # a Dockerfile's finding is about the images built from it, not every image whose
    # context holds it (`Dockerfile.dev` in the context of the image `Dockerfile.prod` builds)
    in_dockerfile = any(finding.path == dockerfile for _s, dockerfile, _t, _c in builders)
    own = {(dockerfile, target, context) for service, dockerfile, target, context in builders
           if service.name == finding.service and (finding.path == dockerfile if in_dockerfile
                                                   else _inside(finding.path, context))}
    if any(doc.path == finding.path for stack in ws.stacks for doc in stack.docs):
        return []
    sharing = [service for service, dockerfile, target, context in builders
               if (dockerfile, target, context) in own or finding.path == dockerfile
               and any((dockerfile, target) == (d, t) for d, t, _c in own)]
    if finding.path.endswith(".py"):
        # a module is about the apps that import it, not each image of a shared context
        # (`services/b/app/main.py` beside `services/a/app/`, each mounted into its own)
        sharing = [s for s in sharing if s.name == finding.service
                   or finding.path in _app_modules(ws, s)]
    elif not in_dockerfile and any(finding.path in s.env_files() for s in sharing):
        # an env file is about the services that load it (`env_file:`), not each image
        # whose context holds it
        sharing = [s for s in sharing if finding.path in s.env_files()]
    if finding.rule.app_only or finding.rule.category in APP_ONLY:
        # the app's rules judge app services only: not a test runner of the same image
        sharing = [s for s in sharing if is_app_service(ws, s)]
    kind = finding.message.split(" ", 1)[0]   # D002's `CMD in shell form: …`
    if finding.code == "D002" and kind in _REPLACED_BY:
        # a service whose compose `command:` (or `entrypoint:`) replaces the instruction
        # never runs it: the finding is not about its container
        sharing = [s for s in sharing if s.name == finding.service or runs_the_image(s, kind)]
    return sharing if len({s.name for s in sharing}) > 1 else []


def _app_modules(ws: Workspace, service: Service) -> list[str]:
    """The files on the import path of the service's app; none where fixer finds no app."""
    found = appmodule.find(ws, service)
    return appmodule.import_path(ws, found) if found is not None else []


def _inside(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def _dockerfile_builders(ws: Workspace) -> list[tuple[Service, str, str | None, str]]:
    found: list[tuple[Service, str, str | None, str]] = []
    for service in ws.services():
        try:
            build = locate_build(ws.tree, service) if service.get("build") is not None else None
        except InputError:   # reported by the rules that read it
            continue
        if build is not None:
            found.append((service, build.dockerfile, build.target, build.context))
    return found


def _services(findings: Sequence[Finding], facts: Facts) -> list[Service]:
    found = (_service_of(f, facts) for f in findings)
    return [service for service in found if service is not None]


def _drop_sentences(rule: Rule, keep: Callable[[str], bool]) -> str:
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z`])", doc_impact(rule))
    return inline(" ".join(s for s in sentences if keep(s)))


def _p002(rule: Rule, findings: Sequence[Finding], _facts: Facts) -> str:
    """"A stale one points them at a dead port" only where an EXPOSE names a port (its own,
    or one the stage inherits); where none does, what a missing one costs."""
    if not all(" has no EXPOSE; " in f.message for f in findings):
        return inline(doc_impact(rule))
    return _drop_sentences(rule, lambda s: "stale" not in s) + (
        " Without one, `docker run -P` publishes no port, and a reader has to work out which"
        " port the app listens on.")


# D002's claim about a web server, and what is true of a process that serves no requests
_DROPPED_REQUESTS = ("The server never shuts down gracefully; it is killed after the stop "
                     "timeout, dropping in-flight requests.")


def _d002(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """"Dropping in-flight requests" only where each service the findings are about runs a
    server fixer finds (a Celery worker serves none: its running tasks are cut short); and
    where every service built from the Dockerfile replaces the instruction (compose
    `command:` for a CMD, `entrypoint:` for an ENTRYPOINT), that it matters only where the
    image runs without them."""
    text = inline(doc_impact(rule))
    services = _services(findings, facts)
    if findings and all(_HANDS_OVER in f.message for f in findings):
        text = ("Shell form runs the command through a shell, which here gets out of the way "
                "only by that shell's own choice: another shell, or a second command added "
                "to the line, would put it back between `docker stop` and the process.")
    elif not services or not all(_runs_server(s) for s in services):
        servers = any(_runs_server(s) for s in services)
        work = "requests in flight and tasks running" if servers else "the work in hand"
        text = text.replace(_DROPPED_REQUESTS, "The process never shuts down gracefully; it "
                                               "is killed after the stop timeout, cutting "
                                               f"short {work}.")
    kinds = {f.message.split(" ", 1)[0] for f in findings}   # `CMD in shell form: …`
    key = _REPLACED_BY.get(kinds.pop()) if len(kinds) == 1 else None
    paths = {f.path for f in findings}
    built = [s for s in facts.ws.apps() if s.app.dockerfile.path in paths]
    if key is None or not built or any(s.get(key) is None for s in built):
        return text
    return (f"Here every service built from it sets its own `{key}:`, so the shell form "
            "matters where the image runs without one (`docker run`, a Kubernetes manifest "
            f"with no `{'args' if key == 'command' else 'command'}`). {text}")


# D002's message where the shell execs the command itself (bash, or BusyBox on Alpine)
_HANDS_OVER = "which hands "
# the compose key that replaces each instruction for the service
_REPLACED_BY = {"CMD": "command", "ENTRYPOINT": "entrypoint"}


def _runs_server(service: Service) -> bool:
    """A server fixer finds: its port, or a server program (`python main.py` alone may be
    a consumer that serves nothing)."""
    listen = service.app.listen if service.app is not None else None
    return listen is not None and (listen.known or (listen.launch is not None and
                                                    listen.launch.server is not None))


def _c006(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """"The stack starts with an empty ..." is false where a service's `env_file` requires
    the project's `.env` and the repository holds none (it is gitignored): Compose stops
    before it substitutes anything. What is true there is said instead."""
    paths = {f.path for f in findings}
    stacks = [s for s in facts.ws.stacks if any(d.path in paths for d in s.docs)]
    if not stacks or not all(s.requires_missing_dotenv(facts.ws.tree) for s in stacks):
        return inline(doc_impact(rule))
    kept = _drop_sentences(rule, lambda s: "warns of the unset variable" not in s)
    return ("A service's `env_file` requires the project's `.env`, which the repository does "
            "not hold: Compose stops until someone writes one, then substitutes an empty "
            f"string for each variable it lacks, and only warns. {kept}")


# "... and restarts until it wins the race": true only of a container Docker restarts
_RESTARTS = lazy_compile(r" \(and restart until it wins the race\)")
_RESTARTING = frozenset({"always", "unless-stopped", "on-failure"})


def _c003(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """The waiting service restarts until it wins the race only where Docker restarts it;
    and its calls to the dependency may fail only where something fixer reads of it names
    the dependency (a static web server that only depends on the API calls nothing)."""
    text = _restart_claim(rule, [_service_of(f, facts) for f in findings])
    pairs = [(owner, f.subject.removeprefix("depends_on ")) for f in findings
             if (owner := _service_of(f, facts)) is not None]
    if facts.base is not None and \
            not all(_checked_in(facts.base, owner, name) for owner, name in pairs):
        # a finding an earlier commit of the branch revealed: that commit adds the healthcheck
        text = text.replace(_ALREADY_THERE, "The healthcheck an earlier commit of this branch "
                                            "adds says when the dependency is ready.")
    if not pairs or any(names_dependency(facts.ws, owner, name) for owner, name in pairs):
        return text
    owners = sorted({owner.name for owner, _name in pairs})
    deps = sorted({name for _owner, name in pairs})
    return _CALLS.sub(f". Nothing fixer reads of {_listed(owners)} names {_listed(deps)}: "
                      "the wait may only order their start.", text, count=1)


# C003's claim that the dependency has its healthcheck before the fix
_ALREADY_THERE = "The healthcheck is already there to say when the dependency is ready."


def _checked_in(ws: Workspace, owner: Service, name: str) -> bool:
    """The dependency `name` of `owner`'s stack has a healthcheck (compose or its image's)
    in the tree `ws` (another stack's service of that name is another container)."""
    stack = next((s for s in ws.stacks if s.name == owner.stack.name), None)
    found = stack.services.get(name) if stack is not None else None
    return found is not None and has_healthcheck(found)


# C003's claim that the dependent calls the dependency, up to the end of its sentence
_CALLS = lazy_compile(r": its first calls to the dependency may fail,.*?crash(?: \([^)]*\))?\.")
def _listed(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _c005(rule: Rule, findings: Sequence[Finding], facts: Facts) -> str:
    """As C003's, for the services that depend on the database (the finding's service):
    the race is claimed only where something fixer reads of a waiting app names the
    database (an app whose only database URL is `127.0.0.1` connects elsewhere)."""
    databases = {(f.path, f.service) for f in findings}
    pairs = [(s, d.name) for stack in facts.ws.stacks for s in stack.services.values()
             for doc in stack.docs for d in dependencies(s) if (doc.path, d.name) in databases]
    waiting = list({id(s): s for s, _name in pairs}.values())
    apps = [s for s in waiting if is_app_service(facts.ws, s)]
    hosts = {name for _path, name in databases}
    if apps and all(waits_on_its_own(facts.ws, s, next(iter(hosts)) if len(hosts) == 1
                                      else None, documented_values(facts.ws, s.stack))
                    for s in apps):
        names = _listed(sorted({s.name for s in apps}))
        return _RACE.sub(f". The start script of {names} waits on its own before the server "
                         "starts (fixer does not tell for what): a healthcheck lets Compose "
                         "hold it back instead.", inline(doc_impact(rule)), count=1)
    text = _restart_claim(rule, list(apps or waiting) or [None])   # the apps that connect
    if not pairs or any(names_dependency(facts.ws, owner, name) for owner, name in pairs):
        return text
    owners = _listed(sorted({owner.name for owner, _name in pairs}))
    return _RACE_CLAIMED.sub(f". Nothing fixer reads of {owners} names "
                             f"{_listed(sorted({name for _owner, name in pairs}))}: the wait "
                             "may only order their start.", text, count=1)


# C005's claim that the app's first connection may fail, up to the end of its sentence
_RACE_TEXT = r": the app's first connection may find it not ready,.*?crash(?: \([^)]*\))?\."
_RACE = lazy_compile(_RACE_TEXT)
# the same, with the sentence that calls it a race
_RACE_CLAIMED = lazy_compile(_RACE_TEXT + r"(?: This is the most common start-up race[^.]*\.)?")


def _restart_claim(rule: Rule, waiting: Sequence[Service | None]) -> str:
    text = inline(doc_impact(rule))
    if any(s is None or _may_restart(s) for s in waiting):
        return text
    return _RESTARTS.sub("", text)


def _may_restart(service: Service) -> bool:
    """Docker restarts the container when it exits: `restart:` `always`, `unless-stopped`
    or `on-failure[:N]`, or a `deploy.restart_policy` whose condition is not `none`. A
    value fixer cannot read (`${RESTART:-always}`) may be one. Compose's default is `no`."""
    policy = service.scalar("restart")
    if policy is not None and ("$" in policy or policy.split(":")[0] in _RESTARTING):
        return True
    deploy = service.get("deploy")
    given = get(deploy[1], "restart_policy") if deploy else None
    condition = scalar(get(given, "condition"))
    return given is not None and condition != "none"


_SPECIFIC: dict[str, Callable[[Rule, Sequence[Finding], Facts], str]] = {
    "C003": _c003, "C005": _c005, "C006": _c006, "D002": _d002, "D003": _d003, "H001": _h001,
    "P001": _p001, "P002": _p002, "S001": _s001, "S002": _s002,
}
