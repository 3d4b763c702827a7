"""Other servers of an app's container: ports a second listener may hold.

A port that the image EXPOSEs beside the listen port, or that a module of the app passes to
a call (`start_http_server(9100)`), may be a metrics or admin server's: a claim of it (P001's
compose ports, the image's HEALTHCHECK) reaches that server, not the app on a wrong port.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.model import appmodule
from fixer.model.services import App, BuiltService
from fixer.model.workspace import Workspace

from .portfix import started_untold


def second_listeners(app: App, listen: int) -> set[int]:
    """The TCP ports the final stage EXPOSEs besides the listen port, when it EXPOSEs the
    listen port too (`EXPOSE 8000 9100`): the image says a second server listens there."""
    exposed = {number(token.split("/")[0]) for i in app.stage.find("EXPOSE") for token in i.value
               if not token.lower().endswith(("/udp", "/sctp"))}
    return {p for p in exposed if p is not None and p != listen} if listen in exposed else set()


# prometheus_client's servers: a second listener inside the app's process
_SECOND_SERVER = lazy_compile(r"\bstart_(?:http|wsgi)_server\(\s*(?!\d+\s*[,)])")


def opened_in_code(ws: Workspace, service: BuiltService, claimed: list[int]) -> str | None:
    """Why the claimed port may be a second server's: a module of the app's folder passes it
    to a call (`start_http_server(9100)`, `serve(port=9100)`, a default `"9100"`), or starts
    a metrics server on a port it reads at run time (`start_http_server(int(os.environ[
    "METRICS_PORT"]))`). Read as text: this process parses no app code (the rules that do
    run beside it, engine/fanout.py)."""
    module = appmodule.find(ws, service)
    folder = posixpath.dirname(module.path) if module is not None else None
    for path in tree_index.files_in(ws.tree, folder) if folder is not None else []:
        file = ws.read(path) if path.endswith(".py") else None
        if file is None:
            continue
        guarded: range | None = None   # found for a module that writes a claimed port
        for port in claimed:
            if str(port) not in file.text:
                continue   # the call writes its digits: no pattern to build and run
            guarded = _main_block(file.text) if guarded is None else guarded
            # `serve(port=9100)`, `start(host, 50051)`, an address `"[::]:50051"`
            match = next((m for m in re.finditer(
                rf"""[(,=]\s*(["']?){port}\1\s*[,)]|["'][^"'\n]*:{port}["']""", file.text)
                if m.start() not in guarded and not _own_port_default(service, file.text, m)
                and not _REMOTE_URL.match(m.group())),
                None)
            if match is not None:
                return (f"{path}:{file.line_of(match.start())} names {port} as a port of "
                        "the app's code: a second server of the app may listen there")
        # the pattern opens with `\b`, so the regex engine tries it at every character: a
        # literal search first passes over the modules that start no such server
        started = _SECOND_SERVER.search(file.text) if "_server(" in file.text else None
        if started is not None:
            return (f"{path}:{file.line_of(started.start())} starts a metrics server on a "
                    "port it reads at run time: it may be the one compose expects")
    return None


# a URL the code calls on another host (`"http://auth:8000"`): that host's port, not one this
# app opens; a wildcard or loopback host (`"http://0.0.0.0:9100"`) may be its own
_REMOTE_URL = lazy_compile(
    r"""["'][a-z][\w+.-]*://(?!(?:0\.0\.0\.0|localhost|127\.0\.0\.1|\[::1?\])[:/])""", re.I)


# `os.getenv("PORT", 8000)`, `os.environ.get("APP_PORT", "8000")`: a default's variable,
# written just before the default
_DEFAULT_OF = lazy_compile(r"""(?:getenv|\.get)\(\s*["'](\w+)["']\s*$""")


def _own_port_default(service: BuiltService, text: str, match: re.Match[str]) -> bool:
    """The port is the default of the variable the app's own port is read from
    (`port = int(os.getenv("PORT", 8000))`, then `uvicorn.run(app, port=port)`): the app's
    port, not a second server's."""
    read = _DEFAULT_OF.search(text, max(0, match.start() - 80), match.start())
    own = service.app.listen.variable
    return read is not None and (read.group(1) == own or read.group(1).upper() in _APP_PORT_NAMES)


def debugger_ports(ws: Workspace, service: BuiltService, claimed: list[int]) -> set[int]:
    """The claimed ports a file of the build context opens a debugger on: a Python file's
    `debugpy.listen(("0.0.0.0", 5679))` (a test's conftest.py, for an IDE to attach to when
    the tests run in the container), or a command's `python -m debugpy --listen
    0.0.0.0:5678` in a Dockerfile (a `Dockerfile-dev` beside the one built here), a script
    or a compose file: compose publishes them for that listener, in one file or another."""
    found: set[int] = set()
    paths = [*tree_index.files_under(ws.tree, service.app.folder), *_naming_debugpy(ws)]
    for path in dict.fromkeys(paths):
        file = ws.scan(path)
        if file is None or "debugpy" not in file.text:
            continue
        opens = _DEBUGPY_CALL if path.endswith(".py") else _DEBUGPY_COMMAND
        found |= {port for port in claimed if re.search(opens.format(port=port), file.text)}
    return found


# per workspace: the compose files that name debugpy, searched once rather than per service
# (one compose file may define a thousand)
_COMPOSE_DEBUGPY: Memo[list[str]] = Memo("compose files naming debugpy")


def _naming_debugpy(ws: Workspace) -> list[str]:
    return ws.derived.get(_COMPOSE_DEBUGPY, lambda: [
        path for path in ws.compose_docs
        if (file := ws.scan(path)) is not None and "debugpy" in file.text])


_DEBUGPY_CALL = r"\bdebugpy\.listen\([^\n]*?(?<![\w.]){port}(?![\w.])"
_DEBUGPY_COMMAND = r"\bdebugpy\b[^\n]*?--listen[ \t=\"',]+(?:[\w.\[\]:]*:)?{port}(?![\w.])"


_MAIN_GUARD = lazy_compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:.*$""", re.M)


def _main_block(text: str) -> range:
    """Where a module's `if __name__ == "__main__":` block is: a `uvicorn.run(port=8000)`
    there starts the app itself when the module runs as a script, and nothing when a
    server imports it; no second server either way."""
    guard = _MAIN_GUARD.search(text)
    if guard is None:
        return range(0)
    end = re.compile(r"^[^\s#]", re.M).search(text, guard.end() + 1)
    return range(guard.start(), end.start() if end is not None else len(text))


# the names a container's environment states the app's own HTTP port by (`PORT=8007` beside
# `uvicorn --port 8005`: the author's port for the app, stale or not, not another server's)
_APP_PORT_NAMES = frozenset({"PORT", "APP_PORT", "SERVER_PORT", "SERVICE_PORT", "HTTP_PORT",
                             "API_PORT", "WEB_PORT", "UVICORN_PORT"})


def named_in_environment(ws: Workspace, service: BuiltService, claimed: list[int]) -> str | None:
    """Why the claimed port may be a second server's: a variable compose gives the container
    holds it, other than the one the app's port comes from: `GRPC_PORT: "50051"`, or a
    command or bind address in a value (`JUPYTER: jupyter lab --port=8888`, `0.0.0.0:9090`);
    not a URL (`http://api:8080/v1`), which calls the port rather than opens it; or a
    command that starts a server on its default port (`JUPYTER: jupyter lab --ip=0.0.0.0`,
    8888)."""
    own = service.app.listen.variable
    for name, value in service.environment(ws.tree).items():
        if name == own or name.upper() in _APP_PORT_NAMES:
            continue   # the app's own port, as the author states it: no second server
        untold = started_untold(value)
        if untold is not None and untold[1] in claimed:
            return (f"{service.name}'s environment {name} starts {untold[0]}, which listens "
                    f"on {untold[1]} by default: a second server of the container may listen "
                    "there")
        for port in claimed:
            if value == str(port) and "PORT" in name.upper() or \
                    re.search(rf"--port[= ]{port}(?!\d)|(?:0\.0\.0\.0|\[::\]):{port}(?!\d)",
                              value):
                return (f"{service.name}'s environment {name} names {port}: a second server of "
                        "the container may listen there")
    return None

