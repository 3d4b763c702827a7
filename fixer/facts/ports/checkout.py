"""Where the port an app listens on is each deployment's: the variable it reads its port
from (`--port ${PORT:-8000}`, `os.getenv("PORT", "8000")`) may be set by an `env_file` of
the service that the repository does not hold (`.env.local`, which each deployment writes):
the default is only one value of it, and fixer cannot read the others."""

from __future__ import annotations

from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.compose import mapping_or_list


def unseen_port_env_file(ws: Workspace, service: BuiltService) -> str | None:
    """The first `env_file` of the service that the repository does not hold, where the app
    reads its port from a variable compose's `environment` does not set (that wins over
    every env_file); None otherwise."""
    name = service.app.listen.variable or service.app.listen.reads
    if name is None or any(key == name and raw is not None
                           for _doc, value in service.all("environment")
                           for key, raw, _node in mapping_or_list(value)):
        return None
    return next((path for path in service.env_files() if ws.read(path) is None), None)
