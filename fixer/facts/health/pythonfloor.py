"""The oldest Python a project says it runs on: what code fixer adds to it must import there.

A project states it in `pyproject.toml`: `requires-python = ">=3.8"` (PEP 621) or Poetry's
`python = "^3.8"` among its dependencies. The first `pyproject.toml` from the app module's
folder up to the repository's root that states one is taken, as the project the module
belongs to (one in the folder the image copies the code from counts, below the build
context). Its CI and tests run the code there too, whatever Python the image has: a route written
with `dict[str, str]` breaks the import on 3.8.
"""

from __future__ import annotations

import posixpath
import re
import tomllib

from fixer.core.derived import Read
from fixer.core.lazyre import lazy_compile

# a clause that bounds the version from below: `>=3.8`, `^3.8`, `~3.8.1`, `==3.8.*`, `3.8`
_LOWER_BOUND = lazy_compile(r"^\s*(?:>=|\^|~=|~|==|>|)\s*v?(\d+)\.(\d+)")


def declared_floor(read: Read, folder: str) -> tuple[int, int] | None:
    """(major, minor) of the oldest Python the project of `folder` (repository-relative,
    "" the root) says it runs on; None where no `pyproject.toml` says."""
    where = folder
    while True:
        file = read(posixpath.join(where, "pyproject.toml"))
        stated = _stated(file.text) if file is not None else None
        if stated is not None:
            return floor_of(stated)
        if not where:
            return None
        where = posixpath.dirname(where)


def _stated(text: str) -> str | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    project = data.get("project")
    found = project.get("requires-python") if isinstance(project, dict) else None
    if isinstance(found, str):
        return found
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    found = deps.get("python") if isinstance(deps, dict) else None
    return found if isinstance(found, str) else None


def floor_of(specifier: str) -> tuple[int, int] | None:
    """The lowest (major, minor) a version specifier admits (`>=3.8,<4` and `^3.8 || ^3.10`
    give 3.8); None where no clause bounds it from below (`*`, `<3.12`)."""
    floors = [(int(m[1]), int(m[2])) for clause in re.split(r",|\|\|?", specifier)
              if (m := _LOWER_BOUND.match(clause)) is not None]
    return min(floors) if floors else None
