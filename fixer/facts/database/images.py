"""Database and broker images, and the probe commands their images ship.

A healthcheck that runs `pg_isready` in a `postgres` image can pass: the tool is
there and answers as soon as the server accepts connections (whatever the user
it names). The same probe in an image fixer does not know may not exist there.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.lazyre import lazy_compile
from fixer.sources.hubname import image_name

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
# images that run a PostgreSQL server under other settings (their own variables, paths or
# entrypoint): no probe is written for them, but a stack running one runs PostgreSQL
_OTHER_POSTGRES = frozenset({"bitnami/postgresql", "bitnami/postgresql-repmgr",
                             "supabase/postgres", "timescale/timescaledb-ha",
                             "ghcr.io/cloudnative-pg/postgresql", "ankane/pgvector"})


def image_tag(reference: str) -> str:
    """The tag a reference names, as written (`16.4-bookworm`), digest aside; "" where it
    names none."""
    tail = posixpath.basename(reference.strip().split("@", 1)[0])
    return tail.rsplit(":", 1)[1] if ":" in tail else ""


def image_version(reference: str) -> tuple[int, ...] | None:
    """The version a tag starts with (`10.3-focal` -> (10, 3)); None for `latest`, `lts`,
    a codename or no tag at all: the newest release."""
    tag = image_tag(reference)
    match = re.match(r"v?(\d+(?:\.\d+)*)", tag)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def family(reference: str) -> str | None:
    """The database or broker a known image runs (`postgres`, `redis`, ...), else None."""
    return FAMILIES.get(image_name(reference))


def runs_postgres(reference: str) -> bool:
    """The image runs a PostgreSQL server: the official image, one built on it, or one of
    the known others (`bitnami/postgresql`, `supabase/postgres`)."""
    return family(reference) == "postgres" or image_name(reference) in _OTHER_POSTGRES


def ships_probe(reference: str, command: str) -> bool:
    """The image is a known database or broker image and `command` is one of its probes."""
    return posixpath.basename(command) in PROBES.get(image_name(reference), frozenset())


# images whose tags lead with their extension's version (`pgvector/pgvector:0.8.0-pg17`,
# `timescale/timescaledb:2.17.2-pg17`): only a `pgNN` part names PostgreSQL's
_EXTENSION_VERSIONED = frozenset({"pgvector/pgvector", "timescale/timescaledb",
                                  "timescale/timescaledb-ha"})
NEWEST_POSTGRES = 18   # what `postgres:latest` runs
# the official image's tags that name no version: its newest release
_NEWEST = lazy_compile(r"(?:latest|alpine[\d.]*|bookworm|bullseye|trixie)")


def postgres_major(reference: str) -> int | None:
    """The PostgreSQL major version a PostgreSQL image's tag names: a `pgNN` part
    (`pg18`, `latest-pg18`, `0.8.0-pg17-bookworm`), else a leading `NN` or `NN.N` (`17`,
    `16.4-bookworm`, postgis's `17-3.5`); the newest release for the official image's
    `latest`, `alpine` and codename tags. None when the tag says none (a digest only,
    `timescale/timescaledb:latest`, a private image's `stable`)."""
    tag = image_tag(reference).lower()
    if not tag and "@" in reference:
        return None    # pinned by digest alone
    tag = tag or "latest"
    named = re.search(r"(?:^|[-_.])pg(\d+)(?=$|[-_.])", tag)
    if named is not None:
        return int(named.group(1))
    name = image_name(reference)
    leading = re.match(r"(\d+)(?:\.\d+)*(?=$|-)", tag)
    if leading is not None and name not in _EXTENSION_VERSIONED:
        return int(leading.group(1))
    return NEWEST_POSTGRES if name == "postgres" and _NEWEST.fullmatch(tag) else None


