"""Which services `extends` a service: each inherits what a fix writes into its definition.

fixer does not follow `extends:` (the service it names may sit in another file, with keys
merged as Compose merges them), so a service another one extends is one whose compose
keys reach further than fixer reads: a healthcheck, a port or a `depends_on` written there
is also the extender's, which may listen on another port (its own `command:`) or sit on
other networks.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from fixer.core.derived import Memo
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, scalar

# per workspace: (compose file, service) -> the names of the services that extend it
_EXTENDERS: Memo[dict[tuple[str, str], list[str]]] = Memo("services other services extend")


def extenders(ws: Workspace, service: Service) -> list[str]:
    """The services that `extends` this one (in its file, or with `file:` naming this
    one's), in file order."""
    found = ws.derived.get(_EXTENDERS, lambda: _by_extended(ws))
    return [name for doc, _value in service.definitions
            for name in found.get((doc.path, service.name), [])]


def _by_extended(ws: Workspace) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for key, name in _extends(ws):
        found.setdefault(key, []).append(name)
    return found


def _extends(ws: Workspace) -> Iterator[tuple[tuple[str, str], str]]:
    for doc in ws.compose_docs.values():
        folder = posixpath.dirname(doc.path)
        for extender, value in doc.services.items():
            extends = get(value, "extends")
            named = scalar(extends) or scalar(get(extends, "service"))
            written = scalar(get(extends, "file")) if extends is not None else None
            if named:
                path = posixpath.normpath(posixpath.join(folder, written)) if written \
                    else doc.path
                yield (path, named), extender
