"""A compose service, merged over the files of its stack as Compose merges them."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import yaml

from fixer.core import tree_index
from fixer.core.derived import Derived, Memo
from fixer.core.envfile import interpolate, parse_env, read_env, references, unset_names
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.model.stacks import (
    MERGE_TAGS, Swaps, declares_build, is_auto_override, overridden)
from fixer.sources.compose import (
    ComposeDoc,
    Value,
    elements,
    get,
    items,
    key_node,
    mapping_or_list,
    scalar,
    string_list,
)

if TYPE_CHECKING:
    from fixer.core.tree import Tree
    from fixer.model.listen import ListenPort
    from fixer.sources.dockerfile import Dockerfile, Stage

_DEFAULT = "Dockerfile"   # what compose builds when `build.dockerfile` is not given
_ENVIRONMENT: Memo[dict[Tree, dict[str, str]]] = Memo("environment, per tree")
_NAMES: Memo[frozenset[str]] = Memo("names other containers call it by")
_BUILD_ARGS: Memo[dict[str, str | None]] = Memo("build args")


@dataclass(frozen=True)
class Build:
    doc: ComposeDoc          # the last file whose `build:` names a context or Dockerfile
    node: Value              # that file's `build:` value
    context: str             # repository-relative folder, "" for the root
    dockerfile: str          # repository-relative path of the Dockerfile it builds
    dockerfile_node: Value | None
    target: str | None
    named: bool = False      # compose names `build.dockerfile` (else the default applies)
    # the variables its context or Dockerfile path reads, as written (`${PY:-312}` in
    # `docker/py${PY:-312}/Dockerfile`): another value builds another file
    picked_by: tuple[str, ...] = ()
    # the variables its `target` reads (`${TARGET:-dev}`): another value builds another stage
    stage_picked_by: tuple[str, ...] = ()

    def variant(self) -> str | None:
        """Why an edit of the Dockerfile reaches one build of several: compose picks the
        file, or its stage, with a variable, and the others stay as they are."""
        if self.picked_by:
            return (f"compose picks the Dockerfile with {', '.join(self.picked_by)} "
                    f"({self.dockerfile} as the project's .env or default has it): an edit "
                    "reaches that one file, not the others the variable can pick")
        if self.stage_picked_by:
            return (f"compose picks the stage with {', '.join(self.stage_picked_by)} "
                    f"(`{self.target}` as the project's .env or default has it): fixer judged "
                    "that stage, not the others the variable can pick")
        return None


# (Dockerfile path, stage index): one image, whichever services build it.
StageKey = tuple[str, int]


@dataclass
class App:
    """A built service: its Dockerfile exists. The service folder is the build context.

    `dockerfile` is the file read: the one compose names, or when only a file differing
    in case exists, that one (S001 reports the reference; the other rules still read it).
    """

    build: Build
    dockerfile: Dockerfile
    stage: Stage
    listen: ListenPort
    # compose's `build.args` (`Service.build_args`): they may pick the base image and its
    # Python (`ARG PYTHON_VERSION=3.11` built with `PYTHON_VERSION: "3.12"`)
    args: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return self.build.context

    @property
    def stage_key(self) -> StageKey:
        """The final stage it builds: services with the same key share one image."""
        return self.dockerfile.path, self.stage.index

    @property
    def stage_named(self) -> str:
        """How a message names the stage the image is built from: `final stage`, or the
        stage compose's `build.target` picks (`target stage `runtime``)."""
        last = self.stage.index == len(self.dockerfile.stages) - 1
        if self.build.target is None or last:
            return "final stage"
        return f"target stage `{self.stage.name or self.stage.index}`"

    @property
    def name_case_differs(self) -> bool:
        """The Dockerfile read is not the path compose names: a Linux build misses it."""
        return self.dockerfile.path != self.build.dockerfile


_RESET, _OVERRIDE = MERGE_TAGS
# a context Compose hands the builder as a git repository: `git@host:org/repo.git`, and
# `github.com/org/repo`, which Docker reads as a GitHub repository with no scheme
_REMOTE_PREFIXES = ("git@", "github.com/")


def remote_context(context: str) -> bool:
    """A build context that is a remote repository or URL (`https://...git#main`,
    `git@github.com:...`), which fixer does not read."""
    return "://" in context or context.startswith(_REMOTE_PREFIXES)


# A service, a stack: one object per run of the model, compared by identity (a field-by-field
# comparison walks the whole stack, and two services are never equal but the same one).
@dataclass(eq=False)
class Service:
    name: str
    stack: Stack
    definitions: list[tuple[ComposeDoc, Value]]
    app: App | None = None
    # facts derived from this service's definitions alone (its merged healthcheck test),
    # asked for by many rules: a service lives as long as its workspace
    derived: Derived = field(default_factory=lambda: Derived(shared=True), repr=False)
    # `get`, `all` and `env_files`, kept once read: the rules ask them tens of
    # thousands of times a run, and a service's definitions are complete before anyone
    # asks (a view with other files is another Service). Not kept in `derived`, whose
    # facts keep a computation from being carried across fix rounds: these never did.
    _last_of: dict[str, tuple[ComposeDoc, Value] | None] = field(
        default_factory=dict, init=False, repr=False)
    _all_of: dict[str, list[tuple[ComposeDoc, Value]]] = field(
        default_factory=dict, init=False, repr=False)
    _env_files: list[str] | None = field(default=None, init=False, repr=False)

    def first_doc(self) -> ComposeDoc:
        return self.definitions[0][0]

    def key(self) -> tuple[ComposeDoc, yaml.Node]:
        """The service's key (`api:`) in the file that defines it first: where a finding
        about the whole service is reported, so that a comment on the key's line, or alone
        above it, suppresses it. Its value where the key is not its own (a merge key)."""
        doc, value = self.definitions[0]
        services = get(Value(doc.root), "services")
        key = key_node(services, self.name) if services is not None else None
        return doc, key if key is not None else value.node

    def overlay_setting(self, keys: Iterable[str],
                        besides: ComposeDoc | None = None) -> tuple[ComposeDoc, str] | None:
        """The first `-f` overlay that sets one of `keys` on this service, and that key: a
        file of the stack after its base, other than the override file Compose loads by
        itself (and than `besides`). `docker compose up` without it runs the service
        another way than the stack fixer judged, with every file merged. Not the file that
        defines the service first: without it there is no such service to run."""
        first = self.stack.docs[0]
        wanted = tuple(keys)
        origin, defined = self.definitions[0] if self.definitions else (None, None)
        for doc, value in self.definitions:
            if doc is besides or doc is first or doc is origin or is_auto_override(doc, first):
                continue
            # a value the overlay only repeats (`image: postgres:16` in both) changes nothing
            key = next((k for k in wanted if get(value, k) is not None and
                        not _repeats(value, defined, k)), None)
            if key is not None:
                return doc, key
        return None

    def get(self, key: str) -> tuple[ComposeDoc, Value] | None:
        """The value from the last file that sets `key` (Compose's override order); None
        when that file resets it (`key: !reset null`)."""
        if key in self._last_of:
            return self._last_of[key]
        found = self._last_of[key] = self._last(key)
        return found

    def _last(self, key: str) -> tuple[ComposeDoc, Value] | None:
        for doc, value in reversed(self.definitions):
            found = get(value, key)
            if found is not None:
                return None if found.node.tag == _RESET else (doc, found)
        return None

    def reset_in(self, key: str) -> ComposeDoc | None:
        """The file that resets `key` (`healthcheck: !reset {}`) when no later file sets it
        again: the author took it away there."""
        found = None
        for doc, value in self.definitions:
            given = get(value, key)
            if given is not None:
                found = doc if given.node.tag == _RESET else None
        return found

    def all(self, key: str, run: Collection[ComposeDoc] | None = None
            ) -> list[tuple[ComposeDoc, Value]]:
        """Every file's value of `key`, in load order, from the last that resets it
        (`!reset`, dropped with those before it) or overrides it (`!override`, kept alone).
        `run`: only these files count (a `docker compose up` that loads some of the stack's
        files: its base without the `-f` overlays). A new list each time: callers may
        change theirs."""
        if run is not None:
            return self._every(key, {id(doc) for doc in run})
        found = self._all_of.get(key)
        if found is None:
            found = self._all_of[key] = self._every(key)
        return list(found)

    def _every(self, key: str, run: set[int] | None = None) -> list[tuple[ComposeDoc, Value]]:
        out: list[tuple[ComposeDoc, Value]] = []
        for doc, value in self.definitions:
            if run is not None and id(doc) not in run:
                continue
            found = get(value, key)
            if found is None:
                continue
            if found.node.tag in (_RESET, _OVERRIDE):
                out.clear()
            if found.node.tag != _RESET:
                out.append((doc, found))
        return out

    def scalar(self, key: str) -> str | None:
        found = self.get(key)
        return scalar(found[1]) if found else None

    def command(self) -> tuple[ComposeDoc, Value, list[str]] | None:
        found = self.get("command")
        if found is None:
            return None
        argv = string_list(found[1])
        return None if argv is None else (found[0], found[1], argv)

    def entrypoint(self) -> tuple[ComposeDoc, Value, list[str] | None] | None:
        """Compose's `entrypoint:`, when set (not null): the image's ENTRYPOINT and CMD then
        never run, only it (and `command:` as its arguments). The argv is None when fixer
        cannot read it."""
        found = self.get("entrypoint")
        if found is None or found[1].node.tag.endswith(":null"):
            return None
        return found[0], found[1], string_list(found[1])

    def environment(self, tree: Tree) -> dict[str, str]:
        """env_file values, then `environment` over them, interpolated from the stack's .env.
        Read once per tree (the model, the listen port and the stack check all ask); a new
        dict each time: callers may change theirs."""
        known = self.derived.get(_ENVIRONMENT, dict)
        if tree not in known:
            known[tree] = self._environment(tree)
        return dict(known[tree])

    def env_files(self) -> list[str]:
        """The repository paths of the service's `env_file`s, in the order Compose reads
        them (a later file's value wins). A new list each time: callers may change theirs."""
        if self._env_files is None:
            # the stack's `.env` and folder, which the paths read, are set with the stack
            self._env_files = [
                path for doc, value in self.all("env_file")
                for path in env_file_paths(doc, value, self.stack.dotenv, self.stack.folder)]
        return list(self._env_files)

    def _environment(self, tree: Tree) -> dict[str, str]:
        env: dict[str, str] = {}
        for path in self.env_files():
            file = read_env(tree, path)
            if file is not None:
                env.update(parse_env(file.text))
        for _doc, value in self.all("environment"):
            for key, val, _node in mapping_or_list(value):
                if val is not None:
                    env[key] = interpolate(val, self.stack.dotenv)
                elif key in self.stack.dotenv:
                    # `- PORT` or `PORT:` passes Compose's own value through: the .env's
                    env[key] = self.stack.dotenv[key]
        return env

    def build_args(self) -> Mapping[str, str | None]:
        """`build.args` as compose passes them; None for a value fixer cannot know (taken
        from the shell's environment, or interpolating a variable no `.env` defines). Read
        once, and shared: the listen port, the base image and the stack check ask."""
        kept: dict[str, str | None] = self.derived.get(_BUILD_ARGS, self._build_args)
        return MappingProxyType(kept)

    def _build_args(self) -> dict[str, str | None]:
        found = self.get("build")
        args = get(found[1], "args") if found is not None else None
        out: dict[str, str | None] = {}
        for name, raw, _node in mapping_or_list(args):
            known = raw is not None and not unset_names(raw, self.stack.dotenv)
            out[name] = interpolate(raw, self.stack.dotenv) if known and raw is not None \
                else None
        return out

    def names(self) -> frozenset[str]:
        """What other containers may call it: its name, container_name, network aliases."""
        return self.derived.get(_NAMES, self._names)

    def _names(self) -> frozenset[str]:
        found = {self.name}
        container = self.scalar("container_name")
        if container:
            found |= name_forms(container, self.stack.dotenv)
        for _doc, networks in self.all("networks"):
            for _name, net in items(networks):
                for alias in string_list(get(net, "aliases")) or []:
                    found |= name_forms(alias, self.stack.dotenv)
        return frozenset(found)


def name_forms(written: str, dotenv: Mapping[str, str]) -> set[str]:
    """A container name or alias as written, and as Compose interpolates it
    (`postgres_${APP_ENV:-dev}` is `postgres_dev` where the `.env` does not set APP_ENV)."""
    return {written, interpolate(written, dotenv)} if "$" in written else {written}


@dataclass(eq=False)
class BuiltService(Service):
    """A service whose Dockerfile exists and parses: its `app` is there by type, so code
    that only sees built services (`ws.apps()`, `app_services(ws)`) needs no check."""

    app: App



def named_in_environment(service: Service, tree: Tree) -> set[str]:
    """The variables the container's environment names: those its `env_file`s and
    `environment` set, and the keys `environment` passes through from the shell running
    Compose (`- POSTGRES_PASSWORD`), which may set them."""
    return set(service.environment(tree)) | {
        key for _doc, value in service.all("environment")
        for key, _value, _node in mapping_or_list(value)}


def given_in_environment(service: Service, tree: Tree) -> set[str]:
    """The variables the container's environment names (`named_in_environment`) but for
    those it sets empty as written (`POSTGRES_PASSWORD=` in a template env file, `KEY: ""`):
    an image's entrypoint that tests `[ -z "$POSTGRES_PASSWORD" ]` takes them as unset. A
    value written as `${VAR}` (Compose may substitute one the shell sets) or passed through
    from the shell may be set."""
    env = service.environment(tree)
    written = {key: val for _doc, value in service.all("environment")
               for key, val, _node in mapping_or_list(value)}
    return {key for key in named_in_environment(service, tree)
            if env.get(key) != "" or key in written and "$" in (written[key] or "$")}


def published_image(service: Service) -> str | None:
    """The published image a built service may run instead of its build: compose names an
    `image:` from a registry or a variable beside `build:` (`${API_IMAGE:-acme/api:1.4}`),
    which `docker compose pull`, `pull_policy: always` or the default policy (pull first,
    build if that fails) run as released. None for a plain local tag (`image: api`, or
    `${COMPOSE_PROJECT_NAME:-api}_prod` as its default and the .env give it), which only
    names what is built, and with `pull_policy: build`."""
    image = service.scalar("image")
    if image is None or (service.scalar("pull_policy") or "") == "build":
        return None
    # what is written before any variable: none (`${API_IMAGE}`) may name a registry's image;
    # `paddle-api:cpu-${VARIANT}` is a local tag whose variable is in the tag
    literal = image.split("$", 1)[0]
    if literal:
        return image if "/" in literal else None
    # `${COMPOSE_PROJECT_NAME:-api}_prod`: the name its defaults and the stack's .env give
    # (the project's own name has no `/`); a variable nothing sets may name any registry
    dotenv = {"COMPOSE_PROJECT_NAME": "project", **service.stack.dotenv}
    if unset_names(image, dotenv):
        return image
    return image if "/" in interpolate(image, dotenv) else None


def by_stage(services: Iterable[BuiltService]) -> dict[StageKey, list[BuiltService]]:
    """The services grouped by the final stage they build, in order: a rule about an
    image reports it once, and a fix to it must suit every service that builds it."""
    groups: dict[StageKey, list[BuiltService]] = {}
    for service in services:
        groups.setdefault(service.app.stage_key, []).append(service)
    return groups


def mount_entries(service: Service) -> list[tuple[str, str]]:
    """(source as written, container path) of each bind mount of the service: the short
    syntax's host path (`./app:/code/app:ro`, `/srv/data:/data`, `~/x:/x`, `${DIR}:/d`) or
    the long syntax's `type: bind` `source:` and `target:`; named volumes are none."""
    return [(source, target) for kind, source, target in _volume_entries(service)
            if kind == "bind"]


def volume_mounts(service: Service) -> list[tuple[str, str]]:
    """(volume name, container path) of each volume the service mounts: a named one
    (`pgdata:/var/lib/postgresql/data`, long syntax `type: volume`), or an anonymous one
    ("" for `/app/node_modules`). Docker fills a new volume from the image, once: where it
    exists already, it keeps what it holds over what the image holds now."""
    return [(source, target) for kind, source, target in _volume_entries(service)
            if kind == "volume"]


def _volume_entries(service: Service) -> Iterator[tuple[str, str, str]]:
    """(type, source as written, container path) of each `volumes:` entry: the short
    syntax's typed by its source (a host path binds, a name is a volume, none an anonymous
    one), the long syntax's by its `type:`. The container path as Compose cleans it
    (`container_path`)."""
    for _doc, volumes in service.all("volumes"):
        for entry in elements(volumes) if isinstance(volumes.node, yaml.SequenceNode) else []:
            if isinstance(entry.node, yaml.ScalarNode):
                first, _, rest = (scalar(entry) or "").partition(":")
                target = container_path(rest.split(":", 1)[0])
                if not rest:
                    yield "volume", "", container_path(first)
                elif first.startswith((".", "/", "~", "$")):
                    yield "bind", first, target
                else:
                    yield "volume", first, target
            elif isinstance(entry.node, yaml.MappingNode):
                yield (scalar(get(entry, "type")) or "", scalar(get(entry, "source")) or "",
                       container_path(scalar(get(entry, "target")) or ""))


def container_path(written: str) -> str:
    """A mount's container path as Compose cleans it (Go's `path.Clean`): `//var/lib/x/`
    is `/var/lib/x`, as `pgdata://var/lib/x` (a slash too many after the colon) mounts
    there. Python's normpath keeps a leading `//` (POSIX leaves its meaning open); Go's
    does not. An empty path stays empty (an entry with no target)."""
    if not written:
        return written
    cleaned = posixpath.normpath(written)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def volume_targets(service: Service) -> list[str] | None:
    """The container path of each `volumes:` entry of the service, bind mount or volume;
    None where an entry is one fixer cannot read (its `volumes:` is no list, an entry is
    neither a string nor a mapping)."""
    for _doc, volumes in service.all("volumes"):
        if not isinstance(volumes.node, yaml.SequenceNode) or any(
                not isinstance(e.node, (yaml.ScalarNode, yaml.MappingNode))
                for e in elements(volumes)):
            return None
    return [target for _kind, _source, target in _volume_entries(service)]


def bind_mount_folders(service: Service) -> list[str] | None:
    """Repository folders the service's bind mounts put into the container ("" the root);
    None when a mount's source is outside what fixer can read (absolute, interpolated,
    home, above the repository)."""
    sources: list[str] = []
    for source, _target in mount_entries(service):
        if source.startswith(("/", "~", "$")):
            return None
        normal = posixpath.normpath(posixpath.join(service.stack.folder, source))
        if normal == ".." or normal.startswith("../"):
            return None
        sources.append("" if normal == "." else normal)
    return sources


def bind_mounts(service: Service) -> list[tuple[str, str]]:
    """(repository path, container path) of each bind mount of the repository's files
    (`mount_entries` whose source is relative, once the stack's .env gives its variables),
    the path resolved from the stack's project folder; absolute host paths are no
    repository file. A config or secret with a `file:`
    counts: Compose mounts that file read-only at its target."""
    folder = service.stack.folder
    found = [(path, target) for _written, path, target in relative_bind_mounts(service)]
    for _doc, definition, target in granted_files(service):
        source = interpolate(scalar(get(definition, "file")) or "", service.stack.dotenv)
        if source and not source.startswith(("/", "~", "$")):
            found.append((posixpath.normpath(posixpath.join(folder, source)), target))
    return found


def relative_bind_mounts(service: Service) -> list[tuple[str, str, str]]:
    """(source as written, repository path, container path) of each bind mount whose source
    is relative, resolved from the stack's project folder once the stack's .env gives its
    variables (`${APP_DIR}:/app` with `APP_DIR=./app`: Compose reads the same path)."""
    folder, dotenv = service.stack.folder, service.stack.dotenv
    sources = [(written, interpolate(written, dotenv) if "$" in written else written, target)
               for written, target in mount_entries(service)]
    return [(written, posixpath.normpath(posixpath.join(folder, source)), target)
            for written, source, target in sources if source.startswith(".")]


# Where Compose mounts a config or secret whose target is not an absolute path: a config at
# `/<target or name>`, a secret under /run/secrets/
_GRANTED_AT = {"configs": "/", "secrets": "/run/secrets/"}


def granted_files(service: Service) -> list[tuple[ComposeDoc, Value, str]]:
    """(file, top-level definition, container path) of each config and secret the service mounts
    (`configs: [proxy_conf]`, `- {source: proxy_conf, target: /etc/nginx/conf.d/x.conf}`),
    whose definition the stack's files hold. The definition holds `file:`, `content:` or
    `environment:` (text fixer cannot read)."""
    found: list[tuple[ComposeDoc, Value, str]] = []
    for kind, folder in _GRANTED_AT.items():
        for _doc, value in service.all(kind):
            for entry in elements(value):
                name = scalar(entry) or scalar(get(entry, "source"))
                definition = _top_level(service.stack, kind, name) if name else None
                if definition is None or name is None:
                    continue
                target = scalar(get(entry, "target")) or name
                found.append((*definition, target if target.startswith("/") else
                              folder + target))
    return found


def _top_level(stack: Stack, kind: str, name: str) -> tuple[ComposeDoc, Value] | None:
    """The top-level `configs:` or `secrets:` entry called `name`, from the last file of the
    stack that defines it."""
    for doc in reversed(stack.docs):
        found = get(get(Value(doc.root), kind), name)
        if found is not None:
            return doc, found
    return None


def inline_configs(service: Service) -> list[tuple[ComposeDoc, Value, str]]:
    """(file, `content:` scalar, container path) of each config the service mounts whose text
    compose writes inline (`content: |`): the file the container reads at that path."""
    found: list[tuple[ComposeDoc, Value, str]] = []
    for doc, definition, target in granted_files(service):
        content = get(definition, "content")
        if content is not None and isinstance(content.node, yaml.ScalarNode):
            found.append((doc, content, target))
    return found


def env_file_paths(doc: ComposeDoc, value: Value, dotenv: dict[str, str],
                   folder: str | None = None) -> list[str]:
    """The files an `env_file` value names, resolved from `folder`: the stack's project
    folder, which for an overlay in another folder is its base's (default: the file's)."""
    return [path for path, _required in env_file_entries(doc, value, dotenv, folder)]


def _repeats(value: Value, base: Value | None, key: str) -> bool:
    """The overlay's `key` is the same scalar the service's first definition gives it."""
    given = scalar(get(value, key))
    return given is not None and base is not None and given == scalar(get(base, key))


def env_file_entries(doc: ComposeDoc, value: Value, dotenv: dict[str, str],
                     folder: str | None = None) -> list[tuple[str, bool]]:
    """(path, required) of each file an `env_file` value names, as `env_file_paths`
    resolves them: Compose stops when a required one (the default) is missing."""
    return [(path, required)
            for _node, _raw, path, required in env_file_entry_nodes(doc, value, dotenv, folder)]


def env_file_entry_nodes(doc: ComposeDoc, value: Value, dotenv: dict[str, str],
                         folder: str | None = None) -> list[tuple[Value, str, str, bool]]:
    """(node, path as written, path resolved, required) of each entry of an `env_file`
    value: the node is the entry's own (its line is where a finding about it goes)."""
    # short form: a path or a list of paths; long form: a list of {path, required}
    entries = [(e, scalar(e) or scalar(get(e, "path")) or "", scalar(get(e, "required")))
               for e in elements(value)]
    if scalar(value) is not None:
        entries = [(value, scalar(value) or "", None)]
    if folder is None:
        folder = posixpath.dirname(doc.path)
    return [(node, p, posixpath.normpath(posixpath.join(folder, interpolate(p, dotenv))),
             required is None or required.lower() != "false")
            for node, p, required in entries if p]


@dataclass(eq=False)
class Stack:
    """Compose files loaded together, base first, and their services merged by name."""

    docs: list[ComposeDoc]
    dotenv: dict[str, str] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    swaps: Swaps = field(default_factory=dict)   # services that only swap a Dockerfile

    # Kept once computed: the name keys every per-stack fact and is asked a hundred
    # thousand times a run, and a stack's files never change once it is built.
    @functools.cached_property
    def name(self) -> str:
        return self.docs[0].path

    @functools.cached_property
    def folder(self) -> str:
        return posixpath.dirname(self.docs[0].path)

    @property
    def dotenv_path(self) -> str:
        """The `.env` Compose reads for the stack: its project folder's."""
        return posixpath.join(self.folder, ".env") if self.folder else ".env"

    def plain_run(self) -> list[ComposeDoc]:
        """The files a plain `docker compose up` loads: the base file and Compose's own
        override file beside it; the others are `-f` overlays."""
        base = self.docs[0]
        return [doc for doc in self.docs if doc is base or is_auto_override(doc, base)]

    def overlays(self) -> list[ComposeDoc]:
        """The `-f` files merged over the base that only override what it defines (not
        the override file Compose loads by itself)."""
        base = self.docs[0]
        return [doc for doc in self.docs[1:]
                if not is_auto_override(doc, base) and overridden(doc, self.swaps)]

    def all_names(self) -> set[str]:
        out: set[str] = set()
        for service in self.services.values():
            out |= service.names()
        return out

    def requires_missing_dotenv(self, tree: Tree) -> bool:
        """A service's `env_file` requires the project's `.env`, which the tree does not
        hold (a gitignored file each checkout writes): Compose stops before it starts
        anything, where it would otherwise substitute an empty string and warn."""
        return self.requires_missing(tree, posixpath.join(self.folder, ".env"))

    def requires_missing(self, tree: Tree, env_file: str) -> bool:
        """A service's `env_file` requires the file at `env_file`, which the tree does not
        hold."""
        wanted = posixpath.normpath(env_file)
        return not tree.exists(wanted) and any(
            path == wanted and required
            for service in self.services.values() for doc, value in service.all("env_file")
            for path, required in env_file_entries(doc, value, self.dotenv, self.folder))


def unset_build_variable(service: Service, dotenv: dict[str, str]) -> str | None:
    """The first variable the service's build context or Dockerfile path reads (merged over
    the stack's files, as `resolve_build` merges them) that `dotenv` does not set and no
    default covers (`context: ./$APP_PATH/`): `resolve_build` cannot place that build."""
    declared = _declared_builds(service)
    if not declared:
        return None
    context_raw, dockerfile_raw, *_rest = _merged_paths(declared)
    return _first_unset((context_raw, dockerfile_raw), dotenv)


def _first_unset(raws: tuple[str, ...], dotenv: dict[str, str]) -> str | None:
    """The first variable of the paths only the shell running Compose could set; `$PWD`
    is the project folder's own (`_from_pwd`)."""
    return next((name for raw in raws for name in unset_names(raw, dotenv) if name != "PWD"),
                None)


def _declared_builds(service: Service) -> list[tuple[ComposeDoc, Value]]:
    """The `build:` entries of the stack's files that declare a build (a context or a
    Dockerfile), a base's among them, in the order Compose merges them."""
    return [(doc, value) for doc, value in service.all("build")
            if declares_build(value) or _is_base_build(service, doc)]


def _merged_paths(declared: list[tuple[ComposeDoc, Value]]
                  ) -> tuple[str, str, Value | None, bool, bool]:
    """(context, Dockerfile, the last file's `dockerfile` node, whether a Dockerfile is
    named, whether `dockerfile_inline` is in force) as written, merged key by key."""
    last = declared[-1][0]
    context_raw, dockerfile_raw, dockerfile_node, named = ".", _DEFAULT, None, False
    inline = False
    for each_doc, each in declared:
        text = scalar(each)
        context_raw = text if text is not None else scalar(get(each, "context")) or context_raw
        node = get(each, "dockerfile")
        if node is not None:
            dockerfile_raw = scalar(node) or dockerfile_raw
            named = named or bool(scalar(node))
            dockerfile_node = node if each_doc is last else None
            inline = False
        inline = inline or get(each, "dockerfile_inline") is not None
    return context_raw, dockerfile_raw, dockerfile_node, named, inline


def resolve_build(service: Service, dotenv: dict[str, str]) -> Build | None:
    """Where a service's build context and Dockerfile are; None for image-only services, and
    for builds fixer cannot locate (a remote context, a path reading a variable no `.env`
    sets).

    `build:` merges key by key over the stack's files, as Compose merges it: an overlay
    that only sets `cache_from` or `args` keeps the base's context and Dockerfile, and is
    no build of its own. Paths resolve from the stack's project folder, where Compose
    resolves every `-f` file's paths.
    """
    declared = _declared_builds(service)
    if not declared:
        return None
    doc, value = declared[-1]
    context_raw, dockerfile_raw, dockerfile_node, named, inline = _merged_paths(declared)
    if inline:
        # Compose builds the text in the compose file; a Dockerfile in the context is not
        # the image's, and fixer does not read or edit Dockerfile text held in YAML.
        return None
    targets = [scalar(get(v, "target")) for _d, v in service.all("build")]
    target = next((t for t in reversed(targets) if t is not None), None)
    stage_picked_by: tuple[str, ...] = ()
    if target is not None and "$" in target and not unset_names(target, dotenv):
        # `${TARGET:-dev}`: the stage the project's .env or the default names, as a plain
        # `docker compose up` builds it; one only the shell could name stays unknown
        stage_picked_by = tuple(dict.fromkeys(ref.text for ref in references(target)))
        target = interpolate(target, dotenv)
    if remote_context(context_raw):
        return None
    if _first_unset((context_raw, dockerfile_raw), dotenv) is not None:
        # `${IMAGE_DIR}/Dockerfile`, set only by the shell that runs Compose (or its
        # `--env-file`): the build is not where an empty value would put it
        return None
    project = service.stack.folder
    # an absolute context, as an absolute Dockerfile path below, Compose takes as it is: a
    # folder of one machine, which no checkout has (S001 reports it), not bad input
    try:
        context = _outside_or_inside(doc, value,
                                     *_from_pwd(context_raw, project, project, dotenv))
        dockerfile = _outside_or_inside(doc, value,
                                        *_from_pwd(dockerfile_raw, context, project, dotenv))
    except InputError:
        if service.get("profiles") is not None:
            # a service that starts only under a profile, built from outside the folder
            # (a sibling checkout, `../agent-repo`): a build fixer does not read, as a
            # remote one, rather than bad input that would hold back every fix
            return None
        raise
    picked_by = tuple(dict.fromkeys(ref.text for raw in (context_raw, dockerfile_raw)
                                    for ref in references(raw) if ref.name != "PWD"))
    return Build(doc, value, context, dockerfile, dockerfile_node, target, named, picked_by,
                 stage_picked_by)


def locate_build(tree: Tree, service: Service) -> Build | None:
    """`resolve_build`, with the Dockerfile the builders actually read.

    When the Dockerfile is named `Dockerfile` (compose's default, or `dockerfile:
    Dockerfile` written out) and its folder has none, BuildKit's dockerfile frontend,
    buildx and the classic builder all read `dockerfile` beside it instead (moby#10858):
    that build works, so the lowercase file is the service's Dockerfile, not a defect.
    Any other name is matched exactly, case included, as a Linux build matches it.
    """
    build = resolve_build(service, service.stack.dotenv)
    if build is not None and tree.link_on(build.dockerfile) is not None:
        # a context that is a link to a folder of the repository (`web -> src/web`), which
        # Docker builds through: the files are read, and fixed, where they are
        build = replace(build, context=tree.through_links(build.context, folder=True),
                        dockerfile=tree.through_links(build.dockerfile))
    lowercase = lowercase_fallback(build.dockerfile) if build is not None else None
    if build is None or lowercase is None or tree.exists(build.dockerfile):
        return build
    return replace(build, dockerfile=lowercase) if tree.exists(lowercase) else build


def lowercase_fallback(dockerfile: str) -> str | None:
    """The `dockerfile` the builders read when a `Dockerfile` of that folder is missing;
    None for any other name."""
    if posixpath.basename(dockerfile) != _DEFAULT:
        return None
    return posixpath.join(posixpath.dirname(dockerfile), _DEFAULT.lower())


def _is_base_build(service: Service, doc: ComposeDoc) -> bool:
    """A `build:` mapping of a service's first definition in the stack's base files: a
    build of the project folder (Compose's default context), not an override."""
    first = service.first_doc()
    base = service.stack.docs[0]
    return doc is first and (doc is base or is_auto_override(doc, base))


def case_variants(tree: Tree, build: Build) -> list[str]:
    """Files of the build context whose path differs from the Dockerfile's only in case:
    what a case-insensitive checkout builds, and a Linux build does not find."""
    wanted = build.dockerfile.lower()
    return [p for p in tree_index.files_under(tree, build.context)
            if p.lower() == wanted and p != build.dockerfile]


_PWD = lazy_compile(r"\$(\{PWD\}|PWD\b)/*")


def _from_pwd(raw: str, folder: str, project: str, dotenv: dict[str, str]) -> tuple[str, str]:
    """The folder a build path is relative to, and the path interpolated. A path that starts
    with `$PWD` (`${PWD}/api`), which no `.env` sets, takes the shell's working folder:
    the project folder, where `docker compose` is run; read as empty, it was an absolute
    path (`/api`)."""
    start = _PWD.match(raw)
    if start is None or "PWD" in dotenv:
        return folder, interpolate(raw, dotenv)
    return project, interpolate(raw[start.end():], dotenv) or "."


def _outside_or_inside(doc: ComposeDoc, value: Value, folder: str, written: str) -> str:
    """An absolute path as it is, else `_inside_root`."""
    return written if written.startswith("/") else _inside_root(doc, value, folder, written)


def _inside_root(doc: ComposeDoc, value: Value, folder: str, written: str) -> str:
    """`written` (as the compose file has it) joined to `folder`, repository-relative."""
    normal = posixpath.normpath(posixpath.join(folder, written))
    if normal == ".." or normal.startswith("../"):
        # outside the folder fixer was given, which may be a folder of the repository
        # (`fixer fix deploy/local`): the user sees its name before the compose file's
        raise InputError(doc.path, doc.line(value.node),
                         f"build path {written} is outside PATH, the folder fixer was "
                         "given; run fixer on a folder that holds it")
    return "" if normal == "." else normal


def runs_the_image(service: Service, kind: str) -> bool:
    """The service runs the image's CMD (or ENTRYPOINT, `kind`): compose gives it no
    `command:` nor `entrypoint:` (which drops the CMD too), or no `entrypoint:`."""
    keys = ("entrypoint",) if kind == "ENTRYPOINT" else ("command", "entrypoint")
    return all(service.get(key) is None for key in keys)
