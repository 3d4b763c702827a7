"""The modules of an app service's import path that the image's Python does not compile
(S004's finding), and whether importing the app runs them: then the server stops at
start-up, before it binds its port, and no probe of it ever passes (C004, the gates)."""

from __future__ import annotations

from collections.abc import Iterator

from fixer.facts.pydeps.python_syntax import Unparsable, rejected
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.python_modules import Modules


def unparsable(ws: Workspace, service: BuiltService
               ) -> Iterator[tuple[appmodule.AppModule, str, Unparsable]]:
    """(app module, path, why) of each file on the service's import path that does not
    compile; a script that serves the app module by name (`python serve.py`) first."""
    found = appmodule.find(ws, service)
    for module in dict.fromkeys((appmodule.run_first(found), found)) if found else ():
        for path in appmodule.import_path(ws, module):
            file = ws.read(path)
            problem = rejected(file, service.app) if file is not None else None
            if problem is not None:
                yield module, path, problem


def runs_at_start(ws: Workspace, module: appmodule.AppModule, path: str) -> bool:
    """Importing the app module runs the file, not only an import inside one of its
    functions (a request-time `from app import legacy_export`)."""
    modules = Modules(ws.read, module.root, module.python_path)
    return path in modules.import_packages(module.path, module.package, at_import=True)


def stops_uncompiled(ws: Workspace, service: Service) -> str | None:
    """`the app stops at start-up: app/api/routes.py:18 does not compile (a merge-conflict
    marker ...) (S004)`, or None."""
    if not isinstance(service, BuiltService) or service.app is None or \
            not is_app_service(ws, service):
        return None
    for module, path, problem in unparsable(ws, service):
        if runs_at_start(ws, module, path):
            cause = f" ({problem.cause})" if problem.cause else ""
            return (f"the app stops at start-up: {path}:{problem.line} does not "
                    f"compile{cause} (S004)")
    return None
