"""Which compose files Docker Compose would load together: the stacks.

Files group by folder first: the canonical file and its override. Every other file
with services is a stack of its own, unless it is an overlay: a file whose services
only override (no `image`, no build context, no `extends`) services a base defines,
such as a `-f` file `ci/docker-compose.ci.yml`, or only swap the Dockerfile of a base's
build (`swapped_dockerfiles`), or use a merge tag (`volumes: !reset []`), which means
something only over a base. A file that only pulls its folder's images from another registry
(`_image_swaps`, a CI mirror) is neither. An overlay joins the stack of the
nearest base that defines all it overrides (else the nearest defining most of it): its own
folder first, then each parent folder, then anywhere in the repository. Lookups go through
indexes by folder and by
service name, so grouping stays linear in the number of files and services.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import yaml

from fixer.core.lazyre import lazy_compile
from fixer.sources.compose import ComposeDoc, Value, elements, get, items, scalar, string_list

CANONICAL = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDES = {
    "compose.yaml": "compose.override.yaml", "compose.yml": "compose.override.yml",
    "docker-compose.yaml": "docker-compose.override.yaml",
    "docker-compose.yml": "docker-compose.override.yml",
}
# `build:` keys that make a build of its own; `cache_from`, `args`, `target` alone only
# override the base's build
BUILD_KEYS = ("context", "dockerfile", "dockerfile_inline")
# Compose's merge tags: `!reset` removes what the files before set, `!override` replaces it
MERGE_TAGS = ("!reset", "!override")
# the folder of a dev container's settings, whose compose files only an editor loads
DEV_CONTAINER = ".devcontainer"
_COMPOSE_NAME = lazy_compile(r"(^|/)[^/]*compose[^/]*\.ya?ml$", re.IGNORECASE)

Stacks = list[list[ComposeDoc]]
# per compose file, the services whose build only swaps a base's Dockerfile
Swaps = Mapping[str, frozenset[str]]


def is_compose_name(path: str) -> bool:
    return bool(_COMPOSE_NAME.search(path))


def declares_build(build: Value) -> bool:
    """`build: ./dir`, or a mapping that names a context or a Dockerfile."""
    if not hasattr(build.node, "value") or isinstance(build.node.value, str):
        return True
    return any(get(build, key) is not None for key in BUILD_KEYS)


def is_standalone(service: Value) -> bool:
    """A service Compose can run from this file alone: an image, a build or `extends`."""
    if get(service, "image") is not None or get(service, "extends") is not None:
        return True
    build = get(service, "build")
    return build is not None and declares_build(build)


def is_overlay(doc: ComposeDoc, swaps: Swaps | None = None) -> bool:
    """Services that carry neither `image` nor a build context only override a base."""
    if not doc.services:
        return False
    return len(overridden(doc, swaps)) == len(doc.services)


def overridden(doc: ComposeDoc, swaps: Swaps | None = None) -> list[str]:
    """The services of a file that only override a base's (`swaps`: those that only swap
    its Dockerfile), and those that reset or replace a base's value (`volumes: !reset []`):
    Compose's merge tags mean something only over a base, whatever else the service sets."""
    swapped = swaps.get(doc.path, frozenset()) if swaps else frozenset()
    tagged = "!reset" in doc.file.text or "!override" in doc.file.text
    return [name for name, value in doc.services.items()
            if name in swapped or not is_standalone(value) or (tagged and _merge_tagged(value))]


def resets_a_build(doc: ComposeDoc) -> bool:
    """A service of the file drops the build a base gives it (`build: !reset null`): the
    file runs images pulled from a registry in place of what the base builds."""
    return "!reset" in doc.file.text and any(
        build is not None and build.node.tag == "!reset"
        for build in (get(service, "build") for service in doc.services.values()))


def _merge_tagged(service: Value) -> bool:
    """A `!reset` or `!override` tag anywhere in the service's definition."""
    stack = [service.node]
    while stack:
        node = stack.pop()
        if node.tag in MERGE_TAGS:
            return True
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
    return False


def _needed(doc: ComposeDoc) -> list[str]:
    """The services the file's services rely on that it does not define: `depends_on`,
    `links`, `volumes_from` and `network_mode: service:NAME`. Compose refuses the file alone
    ("depends on undefined service"): it is given with `-f` after a base that defines them.
    A file with an `include:` relies on none: the files it includes are loaded into its own
    project, with their paths and its own resolved each from their own folder."""
    if get(Value(doc.root), "include") is not None:
        return []
    found: list[str] = []
    for service in doc.services.values():
        depends = get(service, "depends_on")
        names = [key for key, _value in items(depends)] if depends is not None and \
            scalar(depends) is None and not elements(depends) else \
            [scalar(e) or "" for e in elements(depends)]
        names += [(scalar(e) or "").split(":")[0] for e in elements(get(service, "links"))]
        names += [(scalar(e) or "").split(":")[0] for e in elements(get(service, "volumes_from"))
                  if not (scalar(e) or "").startswith("container:")]
        mode = scalar(get(service, "network_mode")) or ""
        names += [mode[len("service:"):]] if mode.startswith("service:") else []
        found += [name for name in names if name and name not in doc.services]
    return sorted(set(found))


def _joins(doc: ComposeDoc, swaps: Swaps | None) -> list[str]:
    """The services of a base the file joins: those it only overrides, and those it relies
    on without defining them."""
    return overridden(doc, swaps) + _needed(doc)


def swapped_dockerfiles(docs: Iterable[ComposeDoc], exists: Callable[[str], bool]) -> Swaps:
    """Per file, the services whose `build:` names only a Dockerfile, one that is not in the
    file's own folder, while another compose file defines the service with an image or a
    build context. Read alone, the file builds from its own folder, where that Dockerfile
    is not; given after the base (`-f docker-compose.yml -f docker-compose.prod.yml`),
    Compose merges `build:` key by key and builds the base's context with it. So the file
    is an overlay of that base, not a stack whose build is broken."""
    files = list(docs)
    defined: dict[str, set[str]] = {}   # service name: the files that define it
    for doc in files:
        for name, value in doc.services.items():
            if is_standalone(value) and not _dockerfile_only(value):
                defined.setdefault(name, set()).add(doc.path)
    found: dict[str, frozenset[str]] = {}
    for doc in files:
        swapped = frozenset(name for name, value in doc.services.items()
                            if defined.get(name, set()) - {doc.path}
                            and _swap_only(doc, value, exists))
        if swapped:
            found[doc.path] = swapped
    return found


def _dockerfile_only(service: Value) -> bool:
    """`build:` is a mapping naming a Dockerfile and no context, and nothing else makes the
    service runnable alone (`image`, `extends`)."""
    build = get(service, "build")
    return (build is not None and scalar(build) is None and get(build, "context") is None
            and get(build, "dockerfile") is not None
            and get(service, "image") is None and get(service, "extends") is None)


def _swap_only(doc: ComposeDoc, service: Value, exists: Callable[[str], bool]) -> bool:
    if not _dockerfile_only(service):
        return False
    written = scalar(get(get(service, "build"), "dockerfile"))
    if not written or "$" in written or written.startswith("/"):
        return False
    return not exists(posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), written)))


def included_paths(doc: ComposeDoc, plain: bool = False) -> list[str | None]:
    """The files the compose file's top-level `include:` names, as repository paths
    resolved from its folder (`- path: ../shared/db.yml`, `- ./infra/compose.yaml`); None
    for one fixer cannot resolve (a variable, an absolute path, a remote one). `plain`:
    None too for an entry that loads its file as fixer does not read it alone: several
    files merged (`path: [a.yml, b.yml]`), another project folder or env file
    (`project_directory:`, `env_file:`, which change the `.env` its values come from)."""
    entries = get(Value(doc.root), "include")
    if entries is None:
        return []
    found: list[str | None] = []
    folder = posixpath.dirname(doc.path)
    for entry in (elements(entries) if isinstance(entries.node, yaml.SequenceNode)
                  else [entries]):
        mapping = isinstance(entry.node, yaml.MappingNode)
        paths = string_list(get(entry, "path")) if mapping else string_list(entry)
        merged = mapping and (len(paths or []) > 1 or get(entry, "project_directory") is not None
                              or get(entry, "env_file") is not None)
        for path in paths or [""]:   # no path: nothing fixer can read
            readable = path and "$" not in path and not posixpath.isabs(path) and \
                "://" not in path and not (plain and merged)
            found.append(posixpath.normpath(posixpath.join(folder, path)) if readable else None)
    return found


def is_auto_override(doc: ComposeDoc, base: ComposeDoc) -> bool:
    """The override file Compose loads by itself over `base` (same folder)."""
    folder, name = posixpath.split(doc.path)
    return folder == posixpath.dirname(base.path) and name in OVERRIDES.values()


def folders_above(compose_paths: Iterable[str], folder: str) -> list[str]:
    """The folders of compose files above `folder` (nearest first): `-f docker-compose.yml
    -f docker/docker-compose.release.yml`, run from the first file's folder, resolves the
    second's relative paths, and reads the `.env`, from there."""
    found = {posixpath.dirname(path) for path in compose_paths}
    return sorted((f for f in found if f != folder and (not f or folder.startswith(f + "/"))),
                  key=len, reverse=True)


def group_stacks(docs: Iterable[ComposeDoc], configured: Sequence[Sequence[str]] = (),
                 swaps: Swaps | None = None,
                 exists: Callable[[str], bool] | None = None) -> Stacks:
    """Files grouped into stacks, each in load order (base first, overlays last).

    `configured` (the `stacks` option) names groups of files to read as one stack each,
    in the order given; the files it names take no part in the grouping by folder.
    `swaps`: the services that only swap a base's Dockerfile (`swapped_dockerfiles`).
    `exists`: whether a repository file exists; a file that relies on services it does not
    define joins a base of another folder only where its builds' Dockerfiles are found
    from there, as Compose resolves them.
    """
    files = list(docs)
    stacks = _configured_stacks(files, configured)
    grouped = {doc.path for stack in stacks for doc in stack} | _templates(files) | \
        _image_swaps(files)
    by_folder: dict[str, dict[str, ComposeDoc]] = {}
    for doc in files:
        if doc.services and doc.path not in grouped and not _dev_container_overlay(doc):
            folder, name = posixpath.split(doc.path)
            by_folder.setdefault(folder, {})[name] = doc
    overlays: list[ComposeDoc] = []
    by_files: Stacks = []
    for folder in sorted(by_folder):
        by_files.extend(_folder_stacks(by_folder[folder], overlays, swaps))
    bases = _Bases([*stacks, *by_files], swaps, exists)
    overlays.extend(bases.take_partial_overlays(by_files))
    bases.join(overlays, by_files)   # may add stacks: an alternative overlay's own
    return [stack for stack in [*stacks, *by_files] if stack]


def _dev_container_overlay(doc: ComposeDoc) -> bool:
    """A dev container's file that overrides services of a stack (VS Code merges
    `.devcontainer/docker-compose.yml` over it, to keep a container idle for the editor,
    `sleep infinity`): no deployment loads it, and merged it would hide the commands
    `docker compose up` runs. It is no stack, nor part of one."""
    return DEV_CONTAINER in doc.path.split("/")[:-1] and bool(overridden(doc))


def _image_swaps(docs: list[ComposeDoc]) -> set[str]:
    """Files whose every service sets `image:` and nothing else, the image its folder's
    canonical file names for that service pulled from another registry (a CI file given as
    `-f docker-compose.yml -f docker-compose.ci.yml` that pulls `postgres:17` from
    `public.ecr.aws/docker/library/postgres:17`, to spare Docker Hub's rate limits). Alone
    they would run databases with no password and apps with no command; over their base
    they change only where an image comes from. No stack, nor part of one: the base is
    judged as `docker compose up` runs it."""
    canonical: dict[str, ComposeDoc] = {}   # folder: its canonical file
    for doc in docs:
        folder, name = posixpath.split(doc.path)
        if name in CANONICAL and (folder not in canonical or CANONICAL.index(name) <
                                  CANONICAL.index(posixpath.basename(canonical[folder].path))):
            canonical[folder] = doc
    swaps: set[str] = set()
    for doc in docs:
        base = canonical.get(posixpath.dirname(doc.path))
        if base is None or base is doc or not doc.services:
            continue
        pulled = [_pulled(value, base.services.get(name)) for name, value in doc.services.items()]
        # one image at least from another registry; the rest as the base names them
        if all(pulled) and "mirror" in pulled:
            swaps.add(doc.path)
    return swaps


def _pulled(service: Value, base: Value | None) -> str | None:
    """How `service`, which sets only an image, pulls the image `base` names: "same" as
    written, "mirror" from another registry; None for anything else."""
    if base is None or [key for key, _v in items(service)] != ["image"]:
        return None
    mine, theirs = scalar(get(service, "image")) or "", scalar(get(base, "image")) or ""
    if not mine or not theirs or mine.rsplit("/", 1)[-1] != theirs.rsplit("/", 1)[-1]:
        return None
    return "same" if mine == theirs else "mirror"


def _templates(docs: list[ComposeDoc]) -> set[str]:
    """Files other compose files name in `extends: {file: ...}` only, by a name Compose does
    not load by itself (`docker-compose-python.yml`): templates of services, whose build
    context the extending service sets. Compose reads them through `extends` alone, so
    they are no stack: their `build:` with no context of its own is no build to check."""
    named: set[str] = set()
    for doc in docs:
        folder = posixpath.dirname(doc.path)
        for service in doc.services.values():
            written = scalar(get(get(service, "extends"), "file"))
            if written:
                named.add(posixpath.normpath(posixpath.join(folder, written)))
    return {path for path in named
            if posixpath.basename(path) not in (*CANONICAL, *OVERRIDES.values())}


def _configured_stacks(docs: list[ComposeDoc], configured: Sequence[Sequence[str]]) -> Stacks:
    by_path = {doc.path: doc for doc in docs}
    stacks: Stacks = []
    for group in configured:
        members = [by_path[path] for path in group if path in by_path]
        if members:
            stacks.append(members)
    return stacks


def _folder_stacks(files: dict[str, ComposeDoc], overlays: list[ComposeDoc],
                   swaps: Swaps | None) -> Stacks:
    """The folder's canonical stack and its variants; overlays go to `overlays`."""
    canonical = next((n for n in CANONICAL if n in files), None)
    used: set[str] = set()
    stacks: Stacks = []
    if canonical is not None:
        base = [files[canonical]]
        used.add(canonical)
        override = _override_for(canonical, files)
        if override is not None:
            base.append(files[override])
            used.add(override)
        stacks.append(base)
    for name in sorted(files):
        if name not in used:
            if is_overlay(files[name], swaps):
                overlays.append(files[name])
            else:
                stacks.append([files[name]])
    return stacks


def _override_for(canonical: str, files: dict[str, ComposeDoc]) -> str | None:
    preferred = OVERRIDES[canonical]
    if preferred in files:
        return preferred
    return next((n for n in OVERRIDES.values() if n in files), None)


class _Bases:
    """The stacks an overlay may join, indexed by their folder and their services."""

    def __init__(self, stacks: Stacks, swaps: Swaps | None,
                 exists: Callable[[str], bool] | None = None) -> None:
        self.swaps = swaps
        self.exists = exists
        self.names: dict[int, set[str]] = {}
        self.overlays: dict[int, list[ComposeDoc]] = {}   # those each base took, in order
        self.by_name: dict[str, list[list[ComposeDoc]]] = {}
        self.by_folder: dict[str, list[list[ComposeDoc]]] = {}
        for stack in stacks:
            if len(stack) == 1 and _joins(stack[0], swaps):
                continue  # a file with overrides of its own is no base for another, nor
                #           one that relies on services it does not define
            self._index(stack)

    def _index(self, stack: list[ComposeDoc]) -> None:
        names = {name for doc in stack for name in doc.services}
        self.names[id(stack)] = names
        for name in names:
            self.by_name.setdefault(name, []).append(stack)
        self.by_folder.setdefault(posixpath.dirname(stack[0].path), []).append(stack)

    def join(self, overlays: list[ComposeDoc], stacks: Stacks) -> None:
        """Each overlay appended to its base, in path order. A file that relies on a service
        another overlay brings (`web` needs `api`, from a file that needs `db` and so joins
        db's stack) finds that base on a later pass, once the stacks know what joined them;
        an overlay with no base is left out, as Compose cannot load it alone."""
        pending = sorted(overlays, key=lambda d: d.path)
        while pending:
            joined = [(base, overlay) for overlay in pending
                      for base in [self.base_for(overlay)] if base is not None]
            for base, overlay in joined:
                self._append(base, overlay, stacks)
            for base, overlay in joined:
                self._learn(base, overlay)
            more = self.take_partial_overlays(stacks)
            if not joined and not more:
                return
            done = {id(overlay) for _base, overlay in joined}
            pending = sorted([o for o in pending if id(o) not in done] + more,
                             key=lambda d: d.path)

    def _append(self, base: list[ComposeDoc], overlay: ComposeDoc, stacks: Stacks) -> None:
        """The overlay appended to the base; or, where it builds a service otherwise than an
        overlay the base took already (`docker-compose.dev.yml` with `target: development`,
        `docker-compose.prod.yml` with `dockerfile: Dockerfile.prod`), a stack of its own
        over the base's files: alternatives, each given with `-f` alone over the base, whose
        builds merged would name a target of one in the Dockerfile of the other."""
        earlier = self.overlays.setdefault(id(base), [])
        if any(_builds_differ(overlay, other) for other in earlier):
            taken = {id(doc) for doc in earlier}
            stacks.append([doc for doc in base if id(doc) not in taken] + [overlay])
            return
        earlier.append(overlay)
        base.append(overlay)

    def _learn(self, stack: list[ComposeDoc], overlay: ComposeDoc) -> None:
        """The overlay's own services are the stack's now: a later overlay may rely on them."""
        names = self.names.setdefault(id(stack), set())
        for name in overlay.services:
            if name not in names:
                names.add(name)
                self.by_name.setdefault(name, []).append(stack)

    def take_partial_overlays(self, stacks: Stacks) -> list[ComposeDoc]:
        """Files of their own stack that also override a service a base defines (a `-f`
        file that adds services): overlays, taken out of their stacks."""
        found: list[ComposeDoc] = []
        for stack in stacks:
            if len(stack) == 1 and id(stack) not in self.names and \
                    self.base_for(stack[0]) is not None:
                found.append(stack.pop())
        return found

    def base_for(self, overlay: ComposeDoc) -> list[ComposeDoc] | None:
        """The nearest stack defining what the overlay overrides; else, for a file of
        overrides only, the canonical stack of its own folder."""
        if resets_a_build(overlay):
            return None   # a variant that pulls what the stack builds (`build: !reset`):
            # Compose loads it only when told to (`-f`), and merged it hides every build
        needed = set(_needed(overlay))
        names = overridden(overlay, self.swaps) + sorted(needed)
        # first the nearest that defines every service the overlay overrides: a file of
        # `image:` lines beside a CI overlay (`ci/docker-compose.prebuilt.yml`) defines
        # some of them, the base above it all
        for whole in (set(names), set()):
            folder: str | None = posixpath.dirname(overlay.path)
            while folder is not None:
                best = self._most_names(overlay, self.by_folder.get(folder, []), names,
                                        needed | whole)
                if best is not None:
                    return best
                folder = posixpath.dirname(folder) if folder else None
        anywhere = [s for name in names for s in self.by_name.get(name, [])]
        best = self._most_names(overlay, sorted(anywhere, key=lambda s: _distance(overlay, s)),
                                names, needed)
        if best is not None or not is_overlay(overlay, self.swaps):
            return best
        own = self.by_folder.get(posixpath.dirname(overlay.path), [])
        return next((s for s in own if posixpath.basename(s[0].path) in CANONICAL), None)

    def _builds_found(self, overlay: ComposeDoc, stack: list[ComposeDoc]) -> bool:
        """Every Dockerfile the overlay's own builds name is found from the stack's folder,
        where `-f base -f overlay` resolves them (a plain path; one with a variable or a
        remote context is not judged)."""
        folder = posixpath.dirname(stack[0].path)
        if self.exists is None or folder == posixpath.dirname(overlay.path):
            return True
        for service in overlay.services.values():
            build = get(service, "build")
            if build is None or not declares_build(build):
                continue
            context = scalar(build) or scalar(get(build, "context")) or "."
            dockerfile = scalar(get(build, "dockerfile")) or "Dockerfile"
            if "$" in context + dockerfile or "://" in context or dockerfile.startswith("/"):
                continue
            if not self.exists(posixpath.normpath(posixpath.join(folder, context, dockerfile))):
                return False
        return True

    def _most_names(self, overlay: ComposeDoc, candidates: list[list[ComposeDoc]],
                    names: list[str], needed: set[str]) -> list[ComposeDoc] | None:
        """The candidate defining most of `names`, among those defining every service the
        overlay relies on (`needed`): a base that leaves one undefined is not the one it is
        given after."""
        best, hits = None, 0
        for stack in candidates:
            defined = self.names.get(id(stack), set())
            if not needed <= defined or (needed and not self._builds_found(overlay, stack)):
                continue
            count = sum(name in defined for name in names)
            if count > hits:
                best, hits = stack, count
        return best


def _builds_differ(one: ComposeDoc, other: ComposeDoc) -> bool:
    """Both files build a service, and build it otherwise (another context, Dockerfile or
    target)."""
    for name, service in one.services.items():
        if name not in other.services:
            continue
        mine, theirs = get(service, "build"), get(other.services[name], "build")
        if mine is not None and theirs is not None and declares_build(mine) and \
                declares_build(theirs) and _build_parts(mine) != _build_parts(theirs):
            return True
    return False


def _build_parts(build: Value) -> tuple[str | None, ...]:
    if scalar(build) is not None:
        return (scalar(build), None, None)
    return tuple(scalar(get(build, key)) for key in ("context", "dockerfile", "target"))


def _distance(overlay: ComposeDoc, stack: list[ComposeDoc]) -> tuple[int, str]:
    """Folder steps from the overlay to the stack's base file, then its path."""
    mine = [p for p in posixpath.dirname(overlay.path).split("/") if p]
    theirs = [p for p in posixpath.dirname(stack[0].path).split("/") if p]
    shared = len(posixpath.commonprefix([mine, theirs]))
    return len(mine) + len(theirs) - 2 * shared, stack[0].path
