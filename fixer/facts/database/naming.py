"""Whether a service names another as a host: in its compose definition, its env files,
the files its bind mounts bring and its build context. A `depends_on` entry alone only
orders the start; what the service calls is named somewhere it reads.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.tree_index import files_under
from fixer.model import appmodule
from fixer.model.services import Service, bind_mounts
from fixer.model.workspace import Workspace
from fixer.sources.compose import items

# package managers' lock files: large, and no part of what a service runs
_LOCK_FILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
                         "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "Cargo.lock",
                         "composer.lock", "Gemfile.lock", "go.sum"})
# what is read for a name of the dependency: files of the build context and of mounts
_NAME_SCAN_LIMIT = 400
_NAME_SCAN_BYTES = 200_000


def names_dependency(ws: Workspace, owner: Service, name: str) -> bool:
    """Whether anything fixer reads of the service names the dependency as a host: its
    compose definition (other than `depends_on`), its env files, the files its bind mounts
    and its build context hold. Unknown counts as named."""
    target = owner.stack.services.get(name)
    hosts = target.names() if target is not None else frozenset({name})
    # a host, not a segment of a URL's path (`localhost:8000/api/items`): a `/` before the
    # name is the `//` of a URL's authority or none
    word = re.compile("|".join(rf"(?<![\w.-])(?<![^/]/){re.escape(h)}(?![\w-])"
                               for h in sorted(hosts)))
    texts = [doc.file.text[v.node.start_mark.index:v.node.end_mark.index]
             for doc, definition in owner.definitions for key, v in items(definition)
             if key != "depends_on"]
    texts += [file.text for path in owner.env_files() if (file := ws.read(path)) is not None]
    if any(word.search(text) for text in texts):
        return True
    # in code and the files it reads, a host as a host is written (`db` there is as often a
    # variable: `db = SessionLocal()`)
    word = re.compile("|".join(_AS_HOST.format(name=re.escape(h)) for h in sorted(hosts)))
    texts = []
    paths = [p for source, _target in bind_mounts(owner)
             for p in files_under(ws.tree, source) or [source]]
    if owner.app is not None:
        paths += files_under(ws.tree, owner.app.folder)
    # a build context both services share holds the dependency's own module too, which
    # names its service (`producer = Producer()` in producer.py): not the owner's naming it
    theirs = _entry_files(ws, target) - _entry_files(ws, owner) if target is not None else set()
    paths = [p for p in paths if p not in theirs]
    for path in paths[:_NAME_SCAN_LIMIT]:
        if posixpath.basename(path) in _LOCK_FILES:
            continue   # names packages and their sources, never a host the service calls
        file = ws.read(path)   # None for no text (an image, a font)
        if file is not None and len(file.text) > _NAME_SCAN_BYTES:
            return True   # a bundle fixer does not read may name it
        texts.append(file.text if file is not None else "")
    return any(word.search(text) for text in texts)


# a host name where code or a configuration file writes it as one: in a URL (`//db`,
# `@db`), before a port (`db:5432`), quoted whole (`"db"`), or as a setting's value
# (`HOST=db`, `host: db`)
_AS_HOST = (r"(?<=//){name}(?![\w-])|(?<=@){name}(?![\w-])|(?<![\w.-]){name}:\d|"
            r"[\"']{name}[\"']|(?<==){name}(?![\w.-])|(?<=: ){name}(?![\w.-])")


def _entry_files(ws: Workspace, service: Service) -> set[str]:
    """The files a service's command runs first: its app module, and the script that
    serves it by name."""
    module = appmodule.find(ws, service) if service.app is not None else None
    return {p for p in (module.path, module.runner) if p} if module is not None else set()
