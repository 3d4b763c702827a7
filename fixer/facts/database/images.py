"""Database and broker images, and the probe commands their images ship.

A healthcheck that runs `pg_isready` in a `postgres` image can pass: the tool is
there and answers as soon as the server accepts connections (whatever the user
it names). The same probe in an image fixer does not know may not exist there.
"""

from __future__ import annotations

import posixpath
import re

# image name (registry and `library/` stripped, no tag) -> the probe commands it ships
PROBES: dict[str, frozenset[str]] = {
    "postgres": frozenset({"pg_isready"}),
    "postgis/postgis": frozenset({"pg_isready"}),
    "timescale/timescaledb": frozenset({"pg_isready"}),
    "pgvector/pgvector": frozenset({"pg_isready"}),
    "redis": frozenset({"redis-cli"}),
    "valkey/valkey": frozenset({"valkey-cli", "redis-cli"}),
    "mysql": frozenset({"mysqladmin", "mysql"}),
    "mariadb": frozenset({"healthcheck.sh", "mariadb-admin", "mysqladmin", "mariadb"}),
    "mongo": frozenset({"mongosh", "mongo"}),
    "rabbitmq": frozenset({"rabbitmq-diagnostics", "rabbitmqctl"}),
}
# image name -> the server it runs: images built on the official postgres image read the
# same POSTGRES_* variables and answer the same probe
FAMILIES: dict[str, str] = {
    "postgres": "postgres", "postgis/postgis": "postgres", "timescale/timescaledb": "postgres",
    "pgvector/pgvector": "postgres", "redis": "redis", "valkey/valkey": "valkey",
    "mysql": "mysql", "mariadb": "mariadb", "mongo": "mongo", "rabbitmq": "rabbitmq",
}
_REGISTRIES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


def image_name(reference: str) -> str:
    """`docker.io/library/postgres:16-alpine@sha256:..` -> `postgres`."""
    name = reference.strip().split("@", 1)[0].lower()
    if ":" in posixpath.basename(name):
        name = name.rsplit(":", 1)[0]
    for prefix in _REGISTRIES:
        name = name.removeprefix(prefix)
    return name.removeprefix("library/")


def image_version(reference: str) -> tuple[int, ...] | None:
    """The version a tag starts with (`10.3-focal` -> (10, 3)); None for `latest`, `lts`,
    a codename or no tag at all: the newest release."""
    name = reference.strip().split("@", 1)[0]
    tail = posixpath.basename(name)
    tag = tail.rsplit(":", 1)[1] if ":" in tail else ""
    match = re.match(r"v?(\d+(?:\.\d+)*)", tag)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def family(reference: str) -> str | None:
    """The database or broker a known image runs (`postgres`, `redis`, ...), else None."""
    return FAMILIES.get(image_name(reference))


def ships_probe(reference: str, command: str) -> bool:
    """The image is a known database or broker image and `command` is one of its probes."""
    return posixpath.basename(command) in PROBES.get(image_name(reference), frozenset())
