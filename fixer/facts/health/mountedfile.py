"""A bind mount of a file the repository does not hold (`./rabbitmq.conf:/etc/rabbitmq/
rabbitmq.conf`): where a checkout lacks it, Docker creates an empty folder at the source
and mounts that where the service reads a file. What the server makes of a folder at its
configuration's path (or an init script's) fixer cannot tell, so a gate waiting on the
service's health is in doubt. A folder's mount (`./pgdata:/var/lib/postgresql/data`) is
none: Docker creating it empty is what a data folder wants."""

from __future__ import annotations

import posixpath
import re

from fixer.core.lazyre import lazy_compile
from fixer.model.services import Service, relative_bind_mounts
from fixer.model.submodules import in_checkout
from fixer.model.workspace import Workspace

# a file's name: a stem, then an extension of letters and digits (`rabbitmq.conf`,
# `init.sql`, `prometheus.yml`); not `.env`-like dot names or a folder such as `data`
_FILE_NAME = lazy_compile(r"[^./][^/]*\.[A-Za-z][A-Za-z0-9]{0,9}", re.A)


def missing_mounted_file(ws: Workspace, service: Service) -> str | None:
    """`rabbitmq mounts ./rabbitmq.conf at /etc/rabbitmq/rabbitmq.conf, which the repository
    does not hold: ...`, or None."""
    for written, path, target in relative_bind_mounts(service):
        name = posixpath.basename(path)
        if path.startswith("../") or path == ".." or \
                not _FILE_NAME.fullmatch(name) or \
                not _FILE_NAME.fullmatch(posixpath.basename(target.rstrip("/"))):
            continue
        if in_checkout(ws, path):   # not one git ignores: a checkout lacks it
            continue
        return (f"{service.name} mounts `{written}` at {target}, which the repository does not "
                "hold: where a checkout lacks it, Docker creates an empty folder there, and "
                f"whether {service.name} starts with a folder at {target} fixer cannot tell")
    return None
