"""What a container command runs: the server, the app target and the port token.

Works on argv lists; shell-form commands and `sh -c` scripts are split with
shlex, one `&&`/`;` segment at a time, so `cd /app && exec uvicorn ...` reads
as the uvicorn that it starts.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

SERVERS = ("uvicorn", "gunicorn", "fastapi", "hypercorn", "granian")
DEFAULT_PORT = 8000  # every server above listens on 8000 when not told otherwise
SHELLS = ("sh", "bash", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/ash")
_SEGMENT_SPLIT = re.compile(r"&&|\|\||;|\n")


@dataclass(frozen=True)
class Launch:
    """The server start found in a command."""

    server: str | None          # uvicorn, gunicorn, ... or None for `python file.py`
    target: str | None          # `app.main:app`, or the script `main.py` / module `-m app.main`
    port_token: str | None      # as written: `8000`, `${PORT:-8000}`, `0.0.0.0:8000`
    via_shell: bool = False     # found inside `sh -c` or a shell-form command
    runs_script: bool = False   # `python main.py` / `python -m pkg.mod`


def split_shell(script: str) -> list[list[str]]:
    """Shell script -> argv segments (best effort; an unbalanced quote gives none)."""
    segments = []
    for part in _SEGMENT_SPLIT.split(script.replace("\\\n", " ")):
        try:
            argv = shlex.split(part, comments=False)
        except ValueError:
            continue
        if argv:
            segments.append(argv)
    return segments


def find_launch(argv: list[str], shell_form: bool = False) -> Launch | None:
    if shell_form:
        return _from_script(" ".join(argv))
    if len(argv) >= 3 and argv[0] in SHELLS and argv[1] in ("-c", "-ec", "-ce"):
        return _from_script(argv[2])
    return _from_argv(argv)


def _from_script(script: str) -> Launch | None:
    for segment in split_shell(script):
        launch = _from_argv(segment)
        if launch is not None:
            return Launch(launch.server, launch.target, launch.port_token, True, launch.runs_script)
    return None


def _from_argv(argv: list[str]) -> Launch | None:
    argv = _strip_prefix(argv)
    if not argv:
        return None
    program = argv[0].rsplit("/", 1)[-1]
    if program.startswith("python") and len(argv) >= 2:
        if argv[1] == "-m" and len(argv) >= 3:
            if argv[2] in SERVERS:
                return _server_launch(argv[2], argv[3:])
            return Launch(None, "-m " + argv[2], None, runs_script=True)
        if argv[1].endswith(".py"):
            return Launch(None, argv[1], None, runs_script=True)
        return None
    if program in SERVERS:
        return _server_launch(program, argv[1:])
    return None


def _strip_prefix(argv: list[str]) -> list[str]:
    """Drop `exec`, `env A=B`, and `VAR=value` prefixes."""
    i = 0
    while i < len(argv) and (argv[i] in ("exec", "env") or re.match(r"^[A-Za-z_]\w*=", argv[i])):
        i += 1
    return argv[i:]


def _server_launch(server: str, args: list[str]) -> Launch:
    if server == "fastapi" and args and args[0] in ("run", "dev"):
        args = args[1:]
    target = next((a for a in args if not a.startswith("-") and (":" in a or a.endswith(".py"))), None)
    port = _option(args, ("--port", "-p") if server in ("uvicorn", "fastapi", "granian") else ())
    if port is None and server in ("gunicorn", "hypercorn"):
        bind = _option(args, ("--bind", "-b"))
        if bind is not None and ":" in bind and not bind.startswith("unix:"):
            port = bind.rsplit(":", 1)[1]
    return Launch(server, target, port)


def _option(args: list[str], names: tuple[str, ...]) -> str | None:
    found = None
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                found = args[i + 1]
            elif arg.startswith(name + "=") and name.startswith("--"):
                found = arg[len(name) + 1:]
    return found


_VAR = re.compile(r"^\$(?:\{(?P<braced>\w+)(?:(?P<op>:?-)(?P<default>[^}]*))?\}|(?P<plain>\w+))$")


def resolve_token(token: str, env: dict[str, str]) -> tuple[int | None, str | None]:
    """(port, the variable it came from) for `8000`, `$PORT`, `${PORT:-8000}`."""
    if token.isdigit():
        return int(token), None
    match = _VAR.match(token)
    if not match:
        return None, None
    name = match.group("braced") or match.group("plain")
    value = env.get(name)
    if value is None or (value == "" and match.group("op") == ":-"):
        value = match.group("default")
    if value is not None and value.isdigit():
        return int(value), name
    return None, name
