"""Which compose files Docker Compose would load together (RULES.md, "Stack")."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from fixer.sources.compose import ComposeDoc, Value, get

CANONICAL = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDES = {
    "compose.yaml": "compose.override.yaml", "compose.yml": "compose.override.yml",
    "docker-compose.yaml": "docker-compose.override.yaml",
    "docker-compose.yml": "docker-compose.override.yml",
}
_COMPOSE_NAME = re.compile(r"(^|/)[^/]*compose[^/]*\.ya?ml$", re.IGNORECASE)


def is_compose_name(path: str) -> bool:
    return bool(_COMPOSE_NAME.search(path))


def is_overlay(doc: ComposeDoc) -> bool:
    """Services that carry neither `image` nor a build context only override a base."""
    if not doc.services:
        return False
    return all(not _is_standalone(value) for value in doc.services.values())


def _is_standalone(service: Value) -> bool:
    if get(service, "image") is not None:
        return True
    build = get(service, "build")
    if build is None:
        return False
    if get(build, "context") is not None:
        return True
    return not hasattr(build.node, "value") or isinstance(build.node.value, str)


def group_stacks(docs: Iterable[ComposeDoc],
                 configured: Sequence[Sequence[str]] = ()) -> list[list[ComposeDoc]]:
    """Files grouped into stacks, each in load order (base first).

    `configured` (the `stacks` option) names groups of files to read as one stack each,
    in the order given; the files it names take no part in the grouping by folder.
    """
    files = list(docs)
    stacks = _configured_stacks(files, configured)
    grouped = {doc.path for stack in stacks for doc in stack}
    by_folder: dict[str, dict[str, ComposeDoc]] = {}
    for doc in files:
        if doc.services and doc.path not in grouped:
            folder, name = posixpath.split(doc.path)
            by_folder.setdefault(folder, {})[name] = doc
    for folder in sorted(by_folder):
        stacks.extend(_folder_stacks(by_folder[folder]))
    return stacks


def _configured_stacks(docs: list[ComposeDoc],
                       configured: Sequence[Sequence[str]]) -> list[list[ComposeDoc]]:
    by_path = {doc.path: doc for doc in docs}
    stacks: list[list[ComposeDoc]] = []
    for group in configured:
        members = [by_path[path] for path in group if path in by_path]
        if members:
            stacks.append(members)
    return stacks


def _folder_stacks(files: dict[str, ComposeDoc]) -> list[list[ComposeDoc]]:
    canonical = next((n for n in CANONICAL if n in files), None)
    used: set[str] = set()
    stacks: list[list[ComposeDoc]] = []
    base: list[ComposeDoc] = []
    if canonical is not None:
        base = [files[canonical]]
        used.add(canonical)
        override = _override_for(canonical, files)
        if override is not None:
            base.append(files[override])
            used.add(override)
        stacks.append(base)
    for name in sorted(files):
        if name in used:
            continue
        doc = files[name]
        if is_overlay(doc):
            if base:  # an overlay is only read merged over the folder's base
                base.append(doc)
            continue
        stacks.append([doc])
    return stacks


def _override_for(canonical: str, files: dict[str, ComposeDoc]) -> str | None:
    preferred = OVERRIDES[canonical]
    if preferred in files:
        return preferred
    return next((n for n in OVERRIDES.values() if n in files), None)
