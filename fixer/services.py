"""A compose service, merged over the files of its stack as Compose merges them."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fixer.envfile import interpolate, parse_env
from fixer.errors import InputError
from fixer.sources.compose import (
    ComposeDoc, Value, elements, get, items, mapping_or_list, scalar, string_list,
)

if TYPE_CHECKING:
    from fixer.ports.listen import ListenPort
    from fixer.sources.dockerfile import Dockerfile, Stage
    from fixer.tree import Tree


@dataclass(frozen=True)
class Build:
    doc: ComposeDoc          # the file that declares the context
    node: Value              # the `build:` value
    context: str             # repository-relative folder, "" for the root
    dockerfile: str          # repository-relative path of the Dockerfile it names
    dockerfile_node: Value | None
    target: str | None


@dataclass
class App:
    """An app service: its Dockerfile exists. The service folder is the build context."""

    build: Build
    dockerfile: Dockerfile
    stage: Stage
    listen: ListenPort

    @property
    def folder(self) -> str:
        return self.build.context


@dataclass
class Service:
    name: str
    stack: Stack
    definitions: list[tuple[ComposeDoc, Value]]
    app: App | None = None

    def first_doc(self) -> ComposeDoc:
        return self.definitions[0][0]

    def get(self, key: str) -> tuple[ComposeDoc, Value] | None:
        """The value from the last file that sets `key` (Compose's override order)."""
        for doc, value in reversed(self.definitions):
            found = get(value, key)
            if found is not None:
                return doc, found
        return None

    def all(self, key: str) -> list[tuple[ComposeDoc, Value]]:
        out = []
        for doc, value in self.definitions:
            found = get(value, key)
            if found is not None:
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

    def environment(self, tree: Tree) -> dict[str, str]:
        """env_file values, then `environment` over them, interpolated from the stack's .env."""
        env: dict[str, str] = {}
        for doc, value in self.all("env_file"):
            for path in env_file_paths(doc, value, self.stack.dotenv):
                if tree.exists(path):
                    env.update(parse_env(tree.read(path).text))
        for _doc, value in self.all("environment"):
            for key, val, _node in mapping_or_list(value):
                if val is not None:
                    env[key] = interpolate(val, self.stack.dotenv)
        return env

    def names(self) -> set[str]:
        """What other containers may call it: its name, container_name, network aliases."""
        found = {self.name}
        container = self.scalar("container_name")
        if container:
            found.add(container)
        for _doc, networks in self.all("networks"):
            for _name, net in items(networks):
                for alias in string_list(get(net, "aliases")) or []:
                    found.add(alias)
        return found


def env_file_paths(doc: ComposeDoc, value: Value, dotenv: dict[str, str]) -> list[str]:
    # short form: a path or a list of paths; long form: a list of {path, required}
    paths = [scalar(e) or scalar(get(e, "path")) or "" for e in elements(value)]
    if scalar(value) is not None:
        paths = [scalar(value) or ""]
    folder = posixpath.dirname(doc.path)
    return [posixpath.normpath(posixpath.join(folder, interpolate(p, dotenv))) for p in paths if p]


@dataclass
class Stack:
    """Compose files loaded together, base first, and their services merged by name."""

    docs: list[ComposeDoc]
    dotenv: dict[str, str] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.docs[0].path

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.docs[0].path)

    def all_names(self) -> set[str]:
        out: set[str] = set()
        for service in self.services.values():
            out |= service.names()
        return out


def resolve_build(service: Service, dotenv: dict[str, str]) -> Build | None:
    """Where a service's build context and Dockerfile are; None for image-only services."""
    found = service.get("build")
    if found is None:
        return None
    doc, value = found
    text = scalar(value)
    context_raw: str | None
    if text is not None:
        context_raw, dockerfile_node, dockerfile_raw, target = text, None, "Dockerfile", None
    else:
        context_found = get(value, "context")
        context_raw = scalar(context_found) if context_found else "."
        dockerfile_node = get(value, "dockerfile")
        dockerfile_raw = scalar(dockerfile_node) or "Dockerfile"
        target = scalar(get(value, "target"))
    if context_raw is None or "://" in context_raw or context_raw.startswith("git@"):
        return None
    context_written = interpolate(context_raw, dotenv)
    context = _inside_root(doc, value, posixpath.dirname(doc.path), context_written)
    dockerfile = _inside_root(doc, value, context, interpolate(dockerfile_raw, dotenv))
    return Build(doc, value, context, dockerfile, dockerfile_node, target)


def _inside_root(doc: ComposeDoc, value: Value, folder: str, written: str) -> str:
    """`written` (as the compose file has it) joined to `folder`, repository-relative."""
    if written.startswith("/"):
        raise InputError(doc.path, doc.line(value.node), f"build path {written} is absolute")
    normal = posixpath.normpath(posixpath.join(folder, written))
    if normal == ".." or normal.startswith("../"):
        raise InputError(doc.path, doc.line(value.node),
                         f"build path {written} is outside the repository root")
    return "" if normal == "." else normal
