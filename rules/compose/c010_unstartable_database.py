"""A database service whose image's entrypoint stops at its first start.

## What it does
Reports a service running an official database image whose entrypoint refuses to start
with the service's settings, read from its `environment`, its `env_file` entries and the
stack's `.env` as Compose reads them:
- the `postgres` image from 18 on (`postgres`, `postgres:latest`, `postgres:18-alpine`)
  with a volume or bind mount at `/var/lib/postgresql/data`, where 17 and earlier kept
  their data, and no `PGDATA` of the service's own: from 18 on the data lives in
  `/var/lib/postgresql/18/docker`, and the entrypoint stops when something is mounted at
  the old path ("Error: in 18+, these Docker images are configured to store database
  data in a format which is compatible with pg_ctlcluster");
- the `mysql` image from 8.4 on (`mysql`, `latest`, `lts`, `8`, `8.4`, `9`) given
  `--default-authentication-plugin` in its compose `command:`: MySQL 8.4 removed the
  option, and the server stops at start-up with "unknown variable" (8.0 and 5.7 keep it);
- a `postgres`, `mysql` or `mariadb` image given no superuser password, or an empty one,
  nor told to go without one (`POSTGRES_PASSWORD`, `POSTGRES_HOST_AUTH_METHOD`,
  `MYSQL_ROOT_PASSWORD`, `MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`, the
  MariaDB forms, and their `_FILE` variants): the entrypoint refuses to initialise the
  database ("Database is uninitialized and superuser password is not specified").

Left alone: a built image (its `ENV` may set what is missing), a service with an
`entrypoint` of its own, a missing password where an `env_file` the repository does not
hold may set it (each checkout's may; such a file is still taken to leave `PGDATA` as the
image has it, which a checkout rarely moves), a variable whose value fixer cannot read
(`${DB_PASSWORD}`: the shell may set it), and any image fixer does not know.

## Why is this bad?
The container exits before the server runs, on the first `docker compose up` of a fresh
volume: every service that connects to the database fails.

## Example
```yaml
services:
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: secret
    volumes:
      - pgdata:/var/lib/postgresql/data
```

## Use instead
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: secret
    volumes:
      - pgdata:/var/lib/postgresql/data
```
or, for a fresh volume on 18, `pgdata:/var/lib/postgresql`.

## Fix safety
Display-only: whether to drop a removed option or pin `mysql:8.0` (whose data a newer
release may have upgraded already), whether to pin the release the volume's data was
written by (the reason
names the pin in the image's own variant, `postgres:17-alpine` for `postgres:18-alpine`,
and the volume's PG_VERSION file that tells the release) or move the mount (a volume an
older release wrote needs `pg_upgrade` first), and which password the database gets, need
a person. fixer never invents a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixer.facts.database.probes import first_start_stop, resolved_image
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.workspace import Workspace

CODE = "C010"
NAME = "unstartable-database"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)

_PASSWORD = "which password the database gets needs a person: fixer never invents a secret"
# true of every release that lacks the option: 8.4 can still load the old plugin, 9.0 removed
# it (an untagged or `latest` image is 9)
_REMOVED = ("whether to drop the option (MySQL authenticates with caching_sha2_password from "
            "8.4 on; only 8.4 still loads the old plugin, with `--mysql-native-password=ON`, "
            "and 9.0 removed it) or pin `mysql:8.0`, whose data a newer release may already "
            "have upgraded, needs a person")


def _moved(image: str) -> str:
    """Why the fix needs a person, with the pin written in the image's own variant
    (`postgres:17-alpine` for `postgres:18-alpine`): which release wrote the data only the
    volume tells (its PG_VERSION file)."""
    head, slash, last = image.split("@", 1)[0].rpartition("/")
    base, _, tag = last.partition(":")
    name = head + slash + base
    variant = re.sub(r"^[\d.]*", "", tag) if tag and tag[0].isdigit() else \
        ("-" + tag if tag and tag != "latest" else "")
    return (f"whether to pin the major release that wrote the data (its PG_VERSION file says "
            f"which: `{name}:17{variant}` where 17 did) or mount the volume at "
            "/var/lib/postgresql (a fresh one: data an older release wrote needs `pg_upgrade` "
            "first) needs a person")


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, int]] = set()
    for stack in ws.stacks:
        for service in stack.services.values():
            found = service.get("image")
            if found is None or resolved_image(service) is None:
                continue
            doc, image = found
            place = (doc.path, doc.line(image.node))
            if place in seen:
                continue
            # as `stops_at_first_start` judges it, each cause with its own reason
            stop = first_start_stop(ws, service)
            if stop is None:
                continue
            seen.add(place)
            reason = _moved(resolved_image(service) or "postgres") if stop.data_moved \
                else _REMOVED if stop.removed_option else _PASSWORD
            yield Violation(message=stop.why, path=doc.path, line=place[1],
                            column=doc.column(image.node), service=service.name,
                            subject=f"start of {service.name}", reason=reason)
