"""PostgreSQL extensions a database user needs that the official `postgres` image lacks.

The official image ships the contrib extensions only: `CREATE EXTENSION vector` (pgvector),
`postgis` or `timescaledb` fail there, and an app that runs it at start-up stops. An image
that has the extension (`pgvector/pgvector`, `postgis/postgis`, `timescale/timescaledb`)
answers the same `POSTGRES_*` variables and probe, so only its name differs.
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.pydeps.dependency_sources import declared
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.hubname import image_name


class Extension(NamedTuple):
    name: str     # pgvector, PostGIS, TimescaleDB
    image: str    # an image that ships it
    words: str    # how it shows in a `CREATE EXTENSION`, a requirement or a host name


_EXTENSIONS = (
    Extension("pgvector", "pgvector/pgvector:pg17", "vector"),
    Extension("PostGIS", "postgis/postgis:17-3.5-alpine", "postgis"),
    Extension("TimescaleDB", "timescale/timescaledb:latest-pg17", "timescale"),
)
# Python packages that need the extension in the server they connect to
_PACKAGES = {
    "pgvector": _EXTENSIONS[0], "langchain-postgres": _EXTENSIONS[0], "vecs": _EXTENSIONS[0],
    "llama-index-vector-stores-postgres": _EXTENSIONS[0], "geoalchemy2": _EXTENSIONS[1],
    "postgis": _EXTENSIONS[1], "sqlalchemy-timescaledb": _EXTENSIONS[2],
}
_CREATE = lazy_compile(r"CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"']?(\w+)", re.I)


def image_has(image: str, extension: Extension) -> bool:
    """Whether the image is known to ship the extension (by its name: `pgvector/pgvector`,
    `ankane/pgvector`, `postgis/postgis`, `timescale/timescaledb-ha`)."""
    return extension.words in image_name(image)


def needed(ws: Workspace, host: str, users: list[Service]) -> tuple[Extension, str] | None:
    """The extension the database at `host` needs, and what says so: its host name
    (`pgvector`), a user's dependency (`pgvector`, `geoalchemy2`: a requirement, or a
    Dockerfile's `pip install`), or a `CREATE EXTENSION` in a user's code."""
    for extension in _EXTENSIONS:
        if extension.words in host.lower():
            return extension, f"the host name `{host}`"
    for user in users:
        found = _needed_by(ws, user) if isinstance(user, BuiltService) else None
        if found is not None:
            return found
    return None


def _needed_by(ws: Workspace, service: BuiltService) -> tuple[Extension, str] | None:
    app = service.app
    installed = declared(ws, app.build.context, app.dockerfile, app.stage, app.args)
    for package, extension in _PACKAGES.items():
        if installed.has(package):
            return extension, f"{service.name}'s dependency `{package}`"
    per_folder = ws.derived.get(_CREATED, dict)
    if app.folder not in per_folder:
        per_folder[app.folder] = _created(ws, app.folder)
    return per_folder[app.folder]


# per workspace: build folder -> the first extension its code creates (services that build
# from one folder, the repository's root say, share it)
_CREATED: Memo[dict[str, tuple[Extension, str] | None]] = Memo("extensions created")


def _created(ws: Workspace, folder: str) -> tuple[Extension, str] | None:
    for path in tree_index.files_under(ws.tree, folder):
        file = ws.scan(path) if posixpath.splitext(path)[1] in (".py", ".sql") else None
        for match in _CREATE.finditer(file.text) if file is not None else ():
            extension = next((e for e in _EXTENSIONS if e.words in match.group(1).lower()), None)
            if extension is not None:
                return extension, f"`CREATE EXTENSION {match.group(1)}` in {path}"
    return None
