"""Whether an app service's own files may read a variable its compose environment sets.

A compose file keeps variables no code reads any longer (`LEGACY_DB_URL` beside the
`DATABASE_URL` the settings read): a database added for such a URL is one nobody connects
to. fixer says a variable is unread only where it can tell: the service is an app service
whose files it holds (its build context, its Dockerfile), no bind mount brings code from
elsewhere, and none of those files, nor the service's command, entrypoint or healthcheck,
names the variable in any spelling a reader uses: any case (pydantic's settings match
`database_url` to `DATABASE_URL`), with `.` or `-` between its words (Spring's
`spring.datasource.url`), and, where a settings prefix is set (`env_prefix`), its last
words alone. Some names a library reads without any code naming them (`DATABASE_URL`, which
dj-database-url reads by default), and nested settings (`DB__URL`) are never unread.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core import tree_index
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import within
from fixer.model.appservice import is_app_service
from fixer.model.services import BuiltService, Service, bind_mount_folders
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, joined_text

# read by libraries with no code naming them
_IMPLICIT = frozenset({"DATABASE_URL"})

# larger files are data, not code that reads settings
_LARGEST = 1 << 20

# settings read under a prefix, the variable's first words (pydantic's `env_prefix`,
# Dynaconf's `envvar_prefix`, Flask's `from_prefixed_env`, environs' `prefixed`,
# environ-config's `@environ.config(prefix=...)`)
_PREFIXED = lazy_compile(r"env_?prefix|envvar_prefix|from_prefixed_env|\.prefixed\(|"
                         r"environ\.config\(", re.I)


def unread_by_app(ws: Workspace, service: Service, variable: str) -> bool:
    """Whether fixer can tell that no file of the app service reads `variable`."""
    if variable.upper() in _IMPLICIT or "__" in variable or \
            not isinstance(service, BuiltService) or not is_app_service(ws, service):
        return False
    folder = service.app.folder
    if not _mounts_within(service, folder) or any(
            get(build, "additional_contexts") is not None for _doc, build in service.all("build")):
        return False   # code from elsewhere: a bind mount's, another context's
    # the files that set variables, not read them: the compose files, the env files
    setting = {doc.path for doc in service.stack.docs} | set(service.env_files())
    texts = [_compose_text(service), service.app.dockerfile.file.text]
    texts += (file.text for path in tree_index.files_under(ws.tree, folder)
              if path not in setting and not _env_file_name(posixpath.basename(path))
              and (file := ws.scan(path)) is not None and len(file.text) <= _LARGEST)
    words = [w for w in variable.split("_") if w]
    spellings = [words]
    if any(_PREFIXED.search(text) for text in texts):
        spellings += [words[start:] for start in range(1, len(words) - 1)]
    patterns = [re.compile(r"(?<![A-Za-z0-9])" + r"[_.\-]".join(map(re.escape, spelled))
                           + r"(?![A-Za-z0-9])", re.I) for spelled in spellings]
    return not any(p.search(text) for p in patterns for text in texts)


def _env_file_name(name: str) -> bool:
    """`.env`, `.env.example`, `prod.env`: a file of values, which sets what it names."""
    return name.startswith(".env") or name.endswith(".env")


def _mounts_within(service: Service, folder: str) -> bool:
    """Every bind mount's source is in the service's folder (or a named volume): code the
    container runs comes from nowhere fixer does not read."""
    folders = bind_mount_folders(service)
    return folders is not None and all(within(mounted, folder) for mounted in folders)


def _compose_text(service: Service) -> str:
    """The service's command, entrypoint and healthcheck test as text: a shell there may
    read the variable (`sh -c 'alembic upgrade head && ... $LEGACY_DB_URL'`)."""
    values = [value for key in ("command", "entrypoint") for _doc, value in service.all(key)]
    values += [test for _doc, value in service.all("healthcheck")
               if (test := get(value, "test")) is not None]
    return "\n".join(map(joined_text, values))
