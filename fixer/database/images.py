"""Database and broker images, and the probe commands their images ship.

A healthcheck that runs `pg_isready` in a `postgres` image can pass: the tool is
there and answers as soon as the server accepts connections (whatever the user
it names). The same probe in an image fixer does not know may not exist there.
"""

from __future__ import annotations

import posixpath

# image name (registry and `library/` stripped, no tag) -> the probe commands it ships
PROBES: dict[str, frozenset[str]] = {
    "postgres": frozenset({"pg_isready"}),
    "postgis/postgis": frozenset({"pg_isready"}),
    "timescale/timescaledb": frozenset({"pg_isready"}),
    "redis": frozenset({"redis-cli"}),
    "valkey/valkey": frozenset({"valkey-cli", "redis-cli"}),
    "mysql": frozenset({"mysqladmin", "mysql"}),
    "mariadb": frozenset({"healthcheck.sh", "mariadb-admin", "mysqladmin", "mariadb"}),
    "mongo": frozenset({"mongosh", "mongo"}),
    "rabbitmq": frozenset({"rabbitmq-diagnostics", "rabbitmqctl"}),
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


def ships_probe(reference: str, command: str) -> bool:
    """The image is a known database or broker image and `command` is one of its probes."""
    return posixpath.basename(command) in PROBES.get(image_name(reference), frozenset())
