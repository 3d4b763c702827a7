"""The model every rule reads: stacks, services, app services and their listen ports.

Built from a Tree in one pass. Parsed files are cached by their text, so the
fix loop, which rebuilds the workspace after every fix, re-parses only what
a fix changed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from fixer.core import exclude
from fixer.core.collector import no_cyclic_collection
from fixer.core.config import Config
from fixer.core.derived import Derived, Memo
from fixer.core.edits import CreateFile, DeleteFile, Edit
from fixer.core.envfile import parse_env, read_env
from fixer.core.errors import InputError
from fixer.core.textfile import TextFile
from fixer.core.tree_index import files_in
from fixer.core.tree import Tree
from fixer.model import listen
from fixer.model.services import (
    App,
    Build,
    BuiltService,
    Service,
    Stack,
    bind_mounts,
    case_variants,
    locate_build,
)
from fixer.model.stacks import (
    Swaps,
    group_stacks,
    is_auto_override,
    included_paths,
    is_compose_name,
    swapped_dockerfiles,
)
from fixer.sources import compose, dockerfile
from fixer.sources.dockerfile import Dockerfile, Stage
from fixer.sources.dockerfile_grammar import BadDockerfile, read

T = TypeVar("T")
class Span(Protocol):
    """Text of one file, from `start` to `end`: an edit's, or one a plan would rewrite."""

    @property
    def path(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_COMPOSE: Memo[compose.ComposeDoc | None | InputError] = Memo("compose document")
_DOCKERFILE: Memo[dockerfile.Dockerfile | InputError] = Memo("Dockerfile")
_NO_STAGE: Memo[InputError | None] = Memo("instruction outside a build stage")


def _parsed(memo: Memo[T | InputError], file: TextFile, parse: Callable[[TextFile], T]) -> T:
    """The file parsed once per text (the error too: a file that does not parse is
    reported the same way every round)."""
    def attempt() -> T | InputError:
        try:
            return parse(file)
        except InputError as exc:
            return exc

    result = file.derived.get(memo, attempt)
    if isinstance(result, InputError):
        raise result
    return result


@dataclass
class Workspace:
    tree: Tree
    config: Config = field(default_factory=Config)
    stacks: list[Stack] = field(default_factory=list)
    compose_docs: dict[str, compose.ComposeDoc] = field(default_factory=dict)
    # files that could not be loaded, or that a rule could not read: the model's own record
    errors: list[InputError] = field(default_factory=list)
    # each stack's `.env` and its services' `env_file`s: one that is not text (git-crypt)
    # holds unknown values, as a missing one does, and is no error
    env_paths: set[str] = field(default_factory=set)
    # facts derived from this workspace (each service's app module, its routes): computed
    # once, asked for by many rules, gone with the workspace
    derived: Derived = field(default_factory=lambda: Derived(shared=True), repr=False,
                             compare=False)

    @classmethod
    def load(cls, tree: Tree, config: Config | None = None) -> Workspace:
        config = config or Config()
        ws = cls(exclude.hide(tree, config.exclude), config)
        with no_cyclic_collection():
            ws._load_compose()
            swaps = swapped_dockerfiles(ws.compose_docs.values(), ws.tree.exists)
            for docs in group_stacks(ws.compose_docs.values(), config.stacks, swaps,
                                     ws.tree.exists):
                ws.stacks.append(ws._build_stack(docs, swaps))
        return ws

    # -- reading -----------------------------------------------------------------------------

    def read(self, path: str) -> TextFile | None:
        """A file's text; None when absent. Unreadable files become errors, once; an env
        file (one a stack reads, or a `.env.*` such as `.env.example`) is read as Compose
        reads it (`read_env`: its bytes, absent when it is binary)."""
        try:
            # the substring first: this runs for every file a rule reads, tens of thousands
            if path in self.env_paths or ".env" in path and \
                    posixpath.basename(path).startswith(".env"):
                return read_env(self.tree, path)
            return self.tree.read(path) if self.tree.exists(path) else None
        except InputError as exc:
            self.record_error(exc)
            return None

    def scan(self, path: str) -> TextFile | None:
        """A file read only to be searched (every source file of the repository, for the
        addresses it writes); None when absent or unreadable, which is no input error: a
        file no stack builds or runs (a Latin-1 tool script, a 7 MB bundle) stops nothing.
        A rule that needs the file reads it with `read`, and reports it."""
        try:
            return self.tree.read(path) if self.tree.exists(path) else None
        except InputError:
            return None

    def dockerfile(self, path: str) -> dockerfile.Dockerfile | None:
        file = self.read(path)
        if file is None:
            return None
        try:
            return _parsed(_DOCKERFILE, file, dockerfile.parse)
        except InputError as exc:
            self.record_error(exc)
            return None

    def shared_anchor(self, spans: Iterable[Span | Edit]) -> str | None:
        """The YAML anchor, aliased elsewhere, that a compose edit would land in: an edit
        there changes every user of the anchor, not only the service a fix is about. The
        spans are built edits, or the text a plan would rewrite (a port's digits)."""
        for span in spans:
            if isinstance(span, (CreateFile, DeleteFile)):
                continue
            name = self.shared_anchor_at(span.path, span.start, span.end)
            if name is not None:
                return name
        return None

    def shared_anchor_at(self, path: str, start: int, end: int) -> str | None:
        """The shared anchor that text[start:end] of the compose file `path` lies in."""
        doc = self.compose_docs.get(path)
        return None if doc is None else doc.shared_anchor_at(start, end)

    def loaded_with(self, paths: Iterable[str]) -> list[tuple[compose.ComposeDoc,
                                                          compose.ComposeDoc]]:
        """(root, file) for each other compose file one project loads together with these:
        `root` is a file whose `include:` brings them into its project (directly or through
        a file it includes, nearest first), or one of these files that includes others, and
        `file` each other file of that project, once, in the order they are reached."""
        mine = set(paths)
        index = self.derived.get(_INCLUDERS, lambda: _includers(self.compose_docs))
        roots = _reached([d for p in sorted(mine) for d in index.get(p, [])],
                         lambda doc: index.get(doc.path, []))
        roots += [self.compose_docs[p] for p in sorted(mine) if p in self.compose_docs]
        found: list[tuple[compose.ComposeDoc, compose.ComposeDoc]] = []
        for root in roots:
            for doc in _reached([root], lambda d: [self.compose_docs[p] for p in included_paths(d)
                                                   if p is not None and p in self.compose_docs]):
                if doc.path not in mine and all(d is not doc for _r, d in found):
                    found.append((root, doc))
        return found

    def services(self) -> Iterator[Service]:
        for stack in self.stacks:
            yield from stack.services.values()

    def apps(self) -> Iterator[BuiltService]:
        """Built services: those whose Dockerfile exists. `fixer.model.appservice.app_services`
        narrows them to the FastAPI HTTP servers."""
        return (s for s in self.services() if isinstance(s, BuiltService))

    def builders(self) -> dict[str, list[str]]:
        """Dockerfile path -> the names of the services built from it, in stack order,
        once each (a service of two stacks is one name)."""
        return self.derived.get(_BUILDERS, lambda: _builders(self.apps()))

    def record_error(self, exc: InputError) -> None:
        """Keep an input error, once (by its text), where it first appeared."""
        if all(str(e) != str(exc) for e in self.errors):
            self.errors.append(exc)

    # -- building ----------------------------------------------------------------------------

    def _load_compose(self) -> None:
        # a file the configuration names in `stacks` is a compose file whatever its name
        # (`docker_compose/app.yaml`, joined with `-f` by a Makefile)
        configured = {path for group in self.config.stacks for path in group}
        waiting = sorted(p for p in self.tree.paths() if is_compose_name(p) or p in configured)
        # a file a compose file `include:`s is a compose file whatever its name
        # (`include: [deploy/prod.yml]`), and may include more
        tried: set[str] = set()
        while waiting:
            for path in waiting:
                self._load_compose_file(path)
            tried.update(waiting)
            waiting = sorted({p for doc in list(self.compose_docs.values())
                              for p in included_paths(doc)
                              if p is not None and p not in tried and self.tree.exists(p)})

    def _load_compose_file(self, path: str) -> None:
        file = self.read(path)
        if file is None:
            return
        try:
            doc = _parsed(_COMPOSE, file, compose.parse)
        except InputError as exc:
            self.record_error(exc)
            return
        if doc is not None:
            self.compose_docs[path] = doc

    def _build_stack(self, docs: list[compose.ComposeDoc], swaps: Swaps) -> Stack:
        stack = Stack(docs, swaps={doc.path: swaps[doc.path] for doc in docs if doc.path in swaps})
        self.env_paths.add(stack.dotenv_path)
        dotenv_file = self.read(stack.dotenv_path)
        stack.dotenv = parse_env(dotenv_file.text) if dotenv_file else {}
        for doc in docs:
            for name, value in doc.services.items():
                service = stack.services.get(name)
                if service is None:
                    stack.services[name] = Service(name, stack, [(doc, value)])
                else:
                    service.definitions.append((doc, value))
        for service in stack.services.values():
            self.env_paths.update(service.env_files())
            self._check_empty_overrides(service)
        for name, service in stack.services.items():
            try:
                app = self._app(service)
            except InputError as exc:
                self.record_error(exc)
                continue
            if app is not None:
                # the facts found on the way (its environment, build args) rest on the
                # definitions alone: the built service keeps them, not works them out again
                stack.services[name] = BuiltService(name, stack, service.definitions, app,
                                                    derived=service.derived)
        return stack

    def _check_empty_overrides(self, service: Service) -> None:
        """A key a service leaves empty (`environment:`) that no earlier file of the stack
        sets for it: Compose, which validates the merged project, refuses it."""
        for at, (doc, _value) in enumerate(service.definitions):
            for name, key, error in doc.empty_overrides:
                if name == service.name and not any(
                        compose.get(earlier, key) is not None
                        for _doc, earlier in service.definitions[:at]):
                    self.record_error(error)

    def app_of(self, service: Service) -> App | None:
        """The image a view of a service builds (one with fewer compose files): its
        Dockerfile, stage and listen port; None where the Dockerfile is not there. Raises
        InputError as the workspace's own services do."""
        return self._app(service)

    def _app(self, service: Service) -> App | None:
        build = locate_build(self.tree, service)
        if build is None:
            return None
        parsed = self.dockerfile(self._dockerfile_path(build))
        if parsed is None:
            return None
        outside = parsed.file.derived.get(_NO_STAGE, lambda: _outside_stage(parsed))
        if outside is not None:
            raise outside
        stage = parsed.final_stage(build.target)
        if stage is None:
            _raise_missing_target(service, build, parsed)
            return None
        return App(build, parsed, stage, self._listen(service, build, parsed, stage),
                   service.build_args())

    def listen_of(self, service: Service, app: App) -> listen.ListenPort:
        """Where `service` listens when built as `app`: for a view of a built service with
        fewer compose files (one left out), what those files alone run."""
        return self._listen(service, app.build, app.dockerfile, app.stage)

    def without_override(self, service: BuiltService,
                         besides: compose.ComposeDoc | None = None
                         ) -> tuple[compose.ComposeDoc, int | None] | None:
        """Compose's own override file, when the service listens on another port without it
        (`docker compose -f compose.yml up` leaves it out): that file, and the port the
        other files alone run (None: unknown). None when no override file changes it."""
        first = service.stack.docs[0]
        left_out = [d for d, _ in service.definitions
                    if d is not besides and is_auto_override(d, first)]
        return self._port_without(service, left_out) if left_out else None

    def left_out_by_overlays(self, stack: Stack) -> list[compose.ComposeDoc]:
        """Compose's own override files of a stack that has `-f` overlays too: Compose loads
        the override only when no `-f` is given, so `docker compose -f compose.yaml -f
        compose.prod.yaml up` runs without it. None where the configuration names an override
        file in a stack, which says it runs with the others."""
        overrides = stack.plain_run()[1:]
        overlays = len(stack.docs) - 1 - len(overrides)
        if not overlays or any(d.path in group for group in self.config.stacks
                               for d in overrides):
            return []
        return overrides

    def without_a_file(self, service: BuiltService
                       ) -> tuple[compose.ComposeDoc, int | None] | None:
        """A compose file of the stack, other than the service's first, without which it
        listens on another port (a `docker-compose.prod.yml` whose `command` binds :80): that
        file, and the port the others run (None: unknown). None when the files agree."""
        seen: list[compose.ComposeDoc] = []
        for doc, _value in service.definitions[1:]:
            if any(doc is other for other in seen):
                continue
            seen.append(doc)
            found = self._port_without(service, [doc])
            if found is not None:
                return found
        return None

    def _port_without(self, service: BuiltService, left_out: list[compose.ComposeDoc]
                      ) -> tuple[compose.ComposeDoc, int | None] | None:
        alone = self.listen_without(service, left_out).port
        return None if alone == service.app.listen.port else (left_out[0], alone)

    def listen_without(self, service: BuiltService, left_out: Iterable[compose.ComposeDoc]
                       ) -> listen.ListenPort:
        """Where the service listens when the stack runs without the files `left_out`
        (`docker compose -f compose.yaml -f compose.prod.yaml` leaves the override out)."""
        return self.listen_of(without_files(service, left_out), service.app)

    def _listen(self, service: Service, build: Build, parsed: Dockerfile,
                stage: Stage) -> listen.ListenPort:
        found = listen.resolve(self.tree, build.context, parsed, stage, service.command(),
                               service.environment(self.tree), {}, service.build_args(),
                               service.entrypoint(), service.stack.dotenv,
                               templated(self.tree, service.env_files()),
                               bind_mounts(service))
        return listen.through_mount(self.tree, service, parsed, stage, found)

    def _dockerfile_path(self, build: Build) -> str:
        """The Dockerfile compose names, else the one file that differs from it only in
        case: the service's other findings are reported on what fixer can read."""
        if self.tree.exists(build.dockerfile):
            return build.dockerfile
        variants = case_variants(self.tree, build)
        return variants[0] if len(variants) == 1 else build.dockerfile


def templated(tree: Tree, env_files: Iterable[str]) -> dict[str, str]:
    """The variables the templates of the env files the repository does not hold set
    (`.env` missing, `.env.template` beside it), each with where: what each checkout's own
    copy most likely sets too, which fixer cannot read."""
    found: dict[str, str] = {}
    for path in env_files:
        if tree.exists(path):
            continue
        folder, name = posixpath.split(path)
        template = re.compile(re.escape(name) + _TEMPLATE_SUFFIX, re.I)
        for sibling in files_in(tree, folder):
            file = read_env(tree, sibling) if template.fullmatch(
                posixpath.basename(sibling)) else None
            for variable in parse_env(file.text) if file is not None else ():
                found.setdefault(variable, f"{path} (not in the repository; its template "
                                           f"{sibling} sets it)")
    return found


# what a template of an env file adds to its name (`.env.template`, `.env-example`)
_TEMPLATE_SUFFIX = r"[._-](?:example|sample|template|tpl|dist|default|defaults)"


def without_files(service: Service, left_out: Iterable[compose.ComposeDoc]) -> Service:
    """The service as the other files of its stack define it, `left_out` left out: a view
    for one question (its definitions only; its `app` is not carried over, as where it
    listens may differ)."""
    dropped = list(left_out)
    kept = [(d, v) for d, v in service.definitions if all(d is not o for o in dropped)]
    return Service(service.name, service.stack, kept)


def _raise_missing_target(service: Service, build: Build, parsed: Dockerfile) -> None:
    """BuildKit stops at a `build.target` no stage of the Dockerfile is named (`target stage
    "production" could not be found`), where `compose config` passes: bad input, at the
    `target:` line. A target written with a variable is another value on another run."""
    target = build.target or ""
    if "$" in target or build.stage_picked_by:
        return
    doc, node = next(((d, t) for d, v in reversed(service.all("build"))
                      if (t := compose.get(v, "target")) is not None), (build.doc, build.node))
    stages = ", ".join(s.name for s in parsed.stages if s.name) or "none is named"
    raise InputError(doc.path, doc.line(node.node),
                     f"build target `{target}` of {service.name} is no stage of "
                     f"{parsed.path} (its stages: {stages}): the build fails")


def _outside_stage(parsed: dockerfile.Dockerfile) -> InputError | None:
    """What BuildKit refuses before it builds anything: an instruction other than ARG
    before the first FROM, or no FROM at all. The parser keeps only what is inside the
    stages, so the text before the first FROM is read again (usually a few lines)."""
    text = parsed.file.text
    end = parsed.stages[0].instructions[0].start if parsed.stages else len(text)
    try:
        before = read(text[:end]) if text[:end].strip() else []
    except BadDockerfile:     # comments and blank lines only: no instruction
        before = []
    stray = next((i for i in before if i.cmd.upper() != "ARG"), None)
    if stray is not None:
        return InputError(parsed.path, stray.line, f"{stray.cmd.upper()} before the first FROM: "
                          "no build stage in current context, the build fails")
    if not parsed.stages:
        return InputError(parsed.path, 1, "no FROM instruction: the Dockerfile contains no "
                          "stages to build")
    return _refused_in_stages(parsed)


# the instructions BuildKit builds; it parses any word, and stops the build at another
_INSTRUCTIONS = frozenset({"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
                           "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                           "STOPSIGNAL", "HEALTHCHECK", "SHELL"})


def _refused_in_stages(parsed: dockerfile.Dockerfile) -> InputError | None:
    """What BuildKit refuses in the stages before it builds: an instruction it does not know
    (`RUNN`, a stray word), a FROM that names no image, two stages of one name, a
    HEALTHCHECK of a type other than CMD and NONE (compose's `CMD-SHELL`)."""
    named: dict[str, int] = {}
    for stage in parsed.stages:
        start = stage.instructions[0]
        if not start.value or not start.value[0]:
            return InputError(parsed.path, start.line, "FROM names no image: the build fails")
        if stage.name is not None:
            first = named.setdefault(stage.name.lower(), start.line)
            if first != start.line:
                return InputError(parsed.path, start.line, f"stage name `{stage.name}` is "
                                  f"used twice (first at line {first}): the build fails")
        unknown = next((i for i in stage.instructions if i.cmd not in _INSTRUCTIONS), None)
        if unknown is not None:
            return InputError(parsed.path, unknown.line, f"unknown instruction {unknown.cmd}: "
                              "the build fails")
        check = next((i for i in stage.find("HEALTHCHECK")
                      if not i.value or i.value[0].upper() not in ("CMD", "NONE")), None)
        if check is not None:   # compose's `CMD-SHELL` written in a Dockerfile
            kind = check.value[0] if check.value else ""
            return InputError(parsed.path, check.line, f"HEALTHCHECK takes CMD or NONE, not "
                              f"`{kind}` (compose's form): the build fails")
    return None


def _reached(start: list[compose.ComposeDoc],
             following: Callable[[compose.ComposeDoc], list[compose.ComposeDoc]]
             ) -> list[compose.ComposeDoc]:
    """`start` and what `following` leads to from them, each file once, nearest first."""
    found: list[compose.ComposeDoc] = []
    waiting = list(start)
    while waiting:
        doc = waiting.pop(0)
        if all(d is not doc for d in found):
            found.append(doc)
            waiting.extend(following(doc))
    return found


# per workspace: compose file -> the files whose `include:` names it
_INCLUDERS: Memo[dict[str, list[compose.ComposeDoc]]] = Memo("including compose files")
_BUILDERS: Memo[dict[str, list[str]]] = Memo("services built from each Dockerfile")


def _builders(services: Iterable[BuiltService]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for service in services:
        names = found.setdefault(service.app.dockerfile.path, [])
        if service.name not in names:
            names.append(service.name)
    return found


def _includers(docs: dict[str, compose.ComposeDoc]) -> dict[str, list[compose.ComposeDoc]]:
    found: dict[str, list[compose.ComposeDoc]] = {}
    for doc in docs.values():
        for path in included_paths(doc):
            if path is not None:
                found.setdefault(path, []).append(doc)
    return found
