"""What a container command runs: the server, the app target and the port token.

Works on argv lists; shell-form commands and `sh -c` scripts are split with
shlex, one `&&`/`;` segment at a time, so `cd /app && exec uvicorn ...` reads
as the uvicorn that it starts.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.sources.shellquote import go_on, unquoted

SERVERS = ("uvicorn", "gunicorn", "fastapi", "hypercorn", "granian")
DEFAULT_PORT = 8000  # every server above listens on 8000 when not told otherwise
# the shells whose `-c SCRIPT` fixer reads in a command, a healthcheck or a RUN (which may
# also hand them a script on their input, `RUN <<EOT bash -e`), by program name
SHELL_NAMES = frozenset(("sh", "bash", "ash", "dash", "zsh", "ksh"))
# the single-letter options of those shells, which change how the script runs but not what
# it runs (`-e`, `-u`, `-x`, `-l`); `o` and `O` (`-o pipefail`, bash's `-O extglob`) take the
# next word, and `c` makes the first word after the options the script
_SHELL_LETTERS = frozenset("abefhiklmnprstuvxBCEHPT")
_SHELL_VALUED_LETTERS = frozenset("oO")
# bash's long options, with no value or (the second set) with the next word as one
_SHELL_LONG = frozenset(("--login", "--noprofile", "--norc", "--posix", "--restricted",
                         "--verbose", "--noediting"))
_SHELL_VALUED_LONG = frozenset(("--rcfile", "--init-file"))
# A lone `&` ends a segment too (`celery worker & uvicorn ...` backgrounds the worker), but
# not the `&` of a redirection (`2>&1`, `>&2`, `&>log`).
_SEGMENT_SPLIT = lazy_compile(r"&&|\|\||;|\n|(?<![<>&])&(?![&>])")
# Programs that start the next word as the real command.
_WRAPPERS = ("exec", "env", "tini", "dumb-init", "--", "opentelemetry-instrument", "ddtrace-run")
# programs that run the command with its outgoing connections sent through a proxy; the port
# it listens on is its own
_PROXIERS = frozenset({"proxychains", "proxychains4"})
# programs that run the command after their first argument as that user (`gosu app
# uvicorn ...`, `su-exec app:app uvicorn ...`), as an entrypoint script drops root
_USER_SWITCHERS = frozenset({"gosu", "su-exec", "s6-setuidgid"})
# scripts that wait for a host's port, then run what follows their `--`
_WAITERS = frozenset({"wait-for-it.sh", "wait-for-it", "wait-for", "wait-for.sh",
                      "wait_for_it.sh", "wait-for-postgres.sh"})
PROJECT_RUNNERS = ("uv", "poetry", "pipenv", "pdm", "hatch")  # `uv run uvicorn ...`
# `conda run -n geo uvicorn ...`: the runners of an environment, with the options of their
# `run` that take a value and those that take none; any other option is one fixer cannot
# read (it may take the next word), and the command is then unknown
_ENV_RUNNERS = frozenset(("conda", "mamba", "micromamba"))


@dataclass(frozen=True)
class _OwnOptions:
    """The options a program reads before the command it runs: alone (`--frozen`), or with
    a value (`--with X`, `--with=X`; `-Xdev` where `glued`), up to a word of `stop`. Any
    other option is one fixer cannot read (it may take the next word): `end` gives None,
    and the command is then unknown."""

    flags: frozenset[str]
    valued: frozenset[str]
    glued: bool = False               # a short valued option holds its value (`-Wignore`)
    valued_prefix: str | None = None  # every option so named takes a value (`--configure-`)
    stop: frozenset[str] = frozenset()

    def end(self, argv: list[str], at: int) -> int | None:
        """Where the options read from `at` end: at the command they run."""
        while at < len(argv) and argv[at].startswith("-") and argv[at] not in self.stop:
            word = argv[at]
            option = word.partition("=")[0]
            if option in self.flags:
                at += 1
            elif option in self.valued or (self.valued_prefix is not None and
                                           option.startswith(self.valued_prefix)):
                at += 1 if "=" in word else 2
            elif self.glued and option[:2] in self.valued:
                at += 1
            else:
                return None
        return at


_ENV_RUN = _OwnOptions(
    flags=frozenset(("--no-capture-output", "--live-stream", "--no-banner", "--clean-env",
                     "--dev", "--debug-wrapper-scripts", "-v", "-vv", "-vvv", "--verbose",
                     "-q", "--quiet")),
    valued=frozenset(("-n", "--name", "-p", "--prefix", "--cwd", "-r", "--root-prefix", "-a",
                      "--attach", "-e", "--env", "--label")),
    stop=frozenset(("--",)))
# An option with its value in the same argument: `--port 8004`, `-b 0.0.0.0:8000`
_JOINED_OPTION = lazy_compile(r"^--?[A-Za-z][\w-]*\s+\S")
# An ASGI/WSGI target: `app.main:app`, `main:create_app()`; never `0.0.0.0:8000`. The
# module may hold a hyphen (`user-service:app`): the server imports it with importlib, which
# finds `user-service.py` as it finds any file; only an `import` statement cannot name it.
TARGET = lazy_compile(r"^[A-Za-z_][\w.-]*:[A-Za-z_][\w.]*(?:\(\))?$")
# options whose value may look like a target: uvicorn's `--header X-Frame-Options:DENY`, a
# cipher list (`--ssl-ciphers ECDHE-RSA-AES256:HIGH`, gunicorn's and hypercorn's `--ciphers`)
_NAME_VALUE_OPTIONS = ("--header", "--ssl-ciphers", "--ciphers")
# hypercorn's `--insecure-bind` is a plain-HTTP bind beside its TLS `--bind`: both listen
PORT_OPTIONS = {"uvicorn": ("--port",), "fastapi": ("--port",), "granian": ("--port",),
                "gunicorn": ("--bind", "-b"), "hypercorn": ("--bind", "-b", "--insecure-bind")}
CONFIG_OPTIONS = ("-c", "--config")  # gunicorn/hypercorn read the bind from a config file
# Options that bind a Unix socket or a file descriptor instead of a TCP port (uvicorn then
# ignores --host and --port), and the bind values that do so for gunicorn and hypercorn.
_SOCKET_OPTIONS = {"uvicorn": ("--uds", "--fd"), "granian": ("--uds",)}
_SOCKET_BINDS = ("unix:", "fd://")
# Options that make the server speak TLS on its port: an `http://` probe of it fails
_TLS_OPTIONS = {"uvicorn": ("--ssl-certfile", "--ssl-keyfile"),
                "gunicorn": ("--certfile", "--keyfile"), "hypercorn": ("--certfile", "--keyfile"),
                "granian": ("--ssl-certificate", "--ssl-keyfile")}


@dataclass(frozen=True)
class Launch:
    """The server start found in a command."""

    server: str | None          # uvicorn, gunicorn, ... or None for `python file.py`
    target: str | None          # `app.main:app`, or the script `main.py` / module `-m app.main`
    port_token: str | None      # the port as written: `8000`, `${PORT:-8000}` (host part dropped)
    via_shell: bool = False     # found inside `sh -c` or a shell-form command
    runs_script: bool = False   # `python main.py` / `python -m pkg.mod`
    port_index: int | None = None    # index of the argv word that holds the port (exec form)
    script_index: int | None = None  # index of the `sh -c` script word (exec form)
    configured: str = ""        # `-c gunicorn.conf.py`, its file: the bind may come from it
    socket: bool = False        # binds a Unix socket or a file descriptor only: no TCP port
    tls: bool = False           # `--ssl-certfile`, `--certfile`: it serves HTTPS
    # an option and its value in one argument (`"--port 8004"` in an exec-form CMD): the
    # server reads an option it does not know and does not start
    joined: str | None = None
    # another server's listen option (`--host` and `--port` given to gunicorn, `--bind` to
    # uvicorn): the server refuses it and does not start
    foreign: str | None = None
    # several TCP binds on different ports (`-b 0.0.0.0:8000 -b 0.0.0.0:9000`), as written:
    # the server listens on each, and fixer reads one port only
    binds: tuple[str, ...] = ()
    # the other argv words that bind the same port (`-b 0.0.0.0:8000 -b [::]:8000`, IPv4 and
    # IPv6): a port edit changes each
    also_at: tuple[int, ...] = ()
    # a bind fixer cannot read as `host:port` (`--bind "$BIND"`, a variable holding both):
    # the port is unknown, never the server's default
    unread_bind: str = ""
    # a bind of a host alone (`--bind=0.0.0.0`): gunicorn and hypercorn take port 8000 for
    # it, whatever PORT says; a port option added beside it would be a second bind
    host_bind: str = ""
    # how it comes to bind 127.0.0.1 only, as written (`--host 127.0.0.1`) or by the
    # server's default (uvicorn with no `--host`); "" when it binds elsewhere or fixer
    # cannot tell. The environment may still set the host (`UVICORN_HOST`)
    loopback: str = ""
    # the one address it binds, as the command writes it (`0.0.0.0` of `--host 0.0.0.0` or
    # `-b 0.0.0.0:8000`); "" when the command gives none (a server default, the
    # environment or a config file decides), or several
    host: str = ""
    # the ports other listeners of the same process take (debugpy's `--listen 5678`): no
    # HTTP port of the app, though compose publishes them beside it
    beside: tuple[int, ...] = ()
    # the folder of the build context below which the module a project's console script
    # runs sits (`src` of a src layout; "" flat): `-m api.app` is src/api/app.py there
    module_root: str = ""


def split_shell(script: str) -> list[list[str]]:
    """Shell script -> argv segments (best effort; an unbalanced quote gives none)."""
    return [argv for argv, _background in shell_jobs(script)]


def shell_jobs(script: str) -> list[tuple[list[str], bool]]:
    """The argv segments of a shell script, each with whether a lone `&` after it sends it
    to the background (`python worker.py & exec uvicorn ...`): the shell runs what follows
    without waiting for it to end."""
    text = script.replace("\\\n", " ")
    jobs: list[tuple[list[str], bool]] = []
    start = 0
    for separator in [*_separators(text), None]:
        end = separator.start() if separator is not None else len(text)
        try:
            argv = shlex.split(text[start:end], comments=False)
        except ValueError:
            argv = []
        if argv:
            jobs.append((argv, separator is not None and separator.group(0) == "&"))
        start = separator.end() if separator is not None else end
    return jobs


def run_in_turn(script: str) -> list[list[str]] | None:
    """The argv segments of a shell script whose commands the shell runs one after the
    other, each to its end (`/wait && /app/start.sh`, `;`, a line break); None where another
    separator joins two (`||` runs the second only if the first fails, a lone `&` leaves the
    first in the background) or a quote is left open."""
    text = script.replace("\\\n", " ")
    try:
        shlex.split(text, comments=False)
    except ValueError:
        return None
    if any(found.group(0) not in ("&&", ";", "\n") for found in _separators(text)):
        return None
    return split_shell(script) or None


def _separators(text: str) -> Iterator[re.Match[str]]:
    """The separators of the script's commands outside quotes: a `;` or a line break
    inside `python -c "..."` is the program's, not the shell's."""
    if "'" not in text and '"' not in text:
        yield from _SEGMENT_SPLIT.finditer(text)
        return
    offsets = unquoted(text)
    at = go_on(offsets)
    while at is not None:
        found = _SEGMENT_SPLIT.match(text, at)
        if found is not None:
            yield found
        at = go_on(offsets, found.end() if found is not None else None)


def find_launch(argv: list[str], shell_form: bool = False) -> Launch | None:
    """The server start in an exec-form argv, or in a shell-form command's text."""
    if shell_form:
        return _from_script(" ".join(argv))
    at = shell_script_at(argv)
    if at is not None:
        launch = _from_script(argv[at])
        return replace(launch, script_index=at) if launch else None
    return _from_argv(argv, 0)


def shell_script_at(argv: Sequence[str]) -> int | None:
    """The index of the script in a shell's argv run with `-c` (`["sh", "-c", SCRIPT]`,
    `["/bin/bash", "-euo", "pipefail", "-c", SCRIPT]`, `bash -lc SCRIPT`); None when the
    argv runs no shell with `-c`, or gives it an option fixer does not know (it may take
    the next word, which would then be read as the script)."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in SHELL_NAMES:
        return None
    at, script = 1, False
    while at < len(argv) and argv[at][:1] in ("-", "+") and argv[at] != "+":
        option = argv[at]
        if option in ("-", "--"):   # the end of the options
            at += 1
            break
        if option in _SHELL_LONG or option in _SHELL_VALUED_LONG:
            at += 1 + (option in _SHELL_VALUED_LONG)
            continue
        letters = option[1:]
        if option.startswith("--") or any(
                letter not in _SHELL_LETTERS | _SHELL_VALUED_LETTERS and
                (letter != "c" or option[0] == "+") for letter in letters):
            return None
        script = script or "c" in letters
        at += 1 + sum(letter in _SHELL_VALUED_LETTERS for letter in letters)
    return at if script and at < len(argv) else None


def _from_script(script: str) -> Launch | None:
    """The server a script starts. `python -m alembic upgrade head && gunicorn ...` runs a
    migration first: a segment that starts a known server wins over one that runs a script,
    and of several servers the last, which keeps the container alive (`uvicorn admin:app &
    uvicorn main:app`: the first runs in the background). A script that is one `sh -c
    "..."` (a shell-form CMD that runs a shell) is read inside."""
    inner = _shell_script(script)
    if inner is not None:
        return _from_script(inner)
    launches = [launch for segment in split_shell(script)
                if (launch := _from_argv(segment, 0)) is not None]
    chosen = next((l for l in reversed(launches) if l.server is not None),
                  launches[0] if launches else None)
    return None if chosen is None else replace(chosen, via_shell=True, port_index=None)


def _shell_script(script: str) -> str | None:
    """The script of `sh -c "SCRIPT"` when that is the whole command, behind the wrappers a
    command reads as such (`uv run sh -c "SCRIPT"`: `prefix_length`); None otherwise."""
    try:
        words = shlex.split(script)
    except ValueError:
        return None
    words = words[prefix_length(words) or 0:]
    at = shell_script_at(words)
    return words[at] if at is not None and at == len(words) - 1 else None


def _from_argv(argv: list[str], offset: int) -> Launch | None:
    skipped = prefix_length(argv)
    if skipped is None:
        return None
    uv_runs = "uv" in argv[:skipped] and "run" in argv[:skipped]
    argv, offset = argv[skipped:], offset + skipped
    if not argv:
        return None
    script = shell_script_at(argv) if skipped else None
    if script is not None:   # `uv run sh -c "alembic upgrade head && uvicorn ..."`
        launch = _from_script(argv[script])
        return replace(launch, script_index=offset + script) if launch else None
    if uv_runs and (argv[0].endswith(".py") or argv[0] == "-m"):
        # `uv run main.py` (or `-m pkg`) runs it with the project's Python, as `python` would
        return _from_argv(["python", *argv], offset - 1)
    program = argv[0].rsplit("/", 1)[-1]
    if re.match(r"^python[\d.]*$", program) and len(argv) >= 2:
        at = _PYTHON.end(argv, 1)   # `python -u serve.py`, `python -X dev -m uvicorn`
        if at is None or at >= len(argv):
            return None
        if argv[at] == "-m" and len(argv) > at + 1:
            if argv[at + 1] == "debugpy":   # the debugger runs the target in its process
                return _under_debugpy(argv, at + 2, offset)
            if argv[at + 1] in SERVERS:
                return _server_launch(argv[at + 1], argv[at + 2:], offset + at + 2)
            return Launch(None, "-m " + argv[at + 1], None, runs_script=True)
        if argv[at].endswith(".py"):
            return Launch(None, argv[at], None, runs_script=True)
        if argv[at].rstrip("/").rsplit("/", 1)[-1] == "debugpy":
            # `python /tmp/debugpy ...`: the package `pip install debugpy -t /tmp` wrote,
            # run as a folder (its `__main__`), as `-m debugpy` runs it
            return _under_debugpy(argv, at + 1, offset)
        return None
    if program == "debugpy":
        return _under_debugpy(argv, 1, offset)
    if program == "fastapi" and argv[1:2] not in (["run"], ["dev"]):
        return None   # `fastapi` alone prints its help: an ENTRYPOINT script's sub-command
    if program in SERVERS:
        return _server_launch(program, argv[1:], offset + 1)
    return None


# debugpy's own options before its target (`-m MODULE`, `-c CODE` or a script)
_DEBUGPY = _OwnOptions(flags=frozenset({"--log-to-stderr"}),
                       valued=frozenset({"--listen", "--connect", "--log-to"}),
                       valued_prefix="--configure-", stop=frozenset({"-m", "-c"}))


def _under_debugpy(argv: list[str], at: int, offset: int) -> Launch | None:
    """What `python -m debugpy --listen 0.0.0.0:5678 -m uvicorn ...` (or `debugpy ...`)
    runs: its target (`-m MODULE` or a script, from `at` on) in the same process, as
    `python` would. None at an option fixer does not know, or no target (`--pid`); and
    with `--wait-for-client`, which starts the target only once a debugger attaches: a
    healthcheck or a gate on it would wait for a person."""
    end = _DEBUGPY.end(argv, at)
    if end is None or end >= len(argv) or not (argv[end] == "-m" or argv[end].endswith(".py")):
        return None
    ports = (value.rsplit(":", 1)[-1]
             for value, _i in option_values(argv[at:end], ("--listen",)))
    listens = [int(port) for port in ports if port.isdigit()]
    at = end
    # read as `python TARGET...`, the word before the target standing for the interpreter
    found = _from_argv(["python", *argv[at:]], offset + at - 1)
    return None if found is None else replace(found, beside=(*found.beside, *listens))


# the interpreter's own options before `-m` or the script
_PYTHON = _OwnOptions(flags=frozenset({"-u", "-B", "-O", "-OO", "-E", "-s", "-S", "-I", "-b",
                                       "-bb", "-q", "-v", "-d", "-P", "-R"}),
                      valued=frozenset({"-X", "-W"}), glued=True, stop=frozenset({"-m"}))


def prefix_length(argv: list[str]) -> int | None:
    """How many words of `exec`, `env A=B`, `VAR=value`, `uv run`, `conda run -n geo`, `tini
    --`, `gosu app`, `wait-for-it.sh HOST:PORT --`, `dockerize -wait URL` come first; None
    when a wrapper is given an option fixer cannot read."""
    i = 0
    while i < len(argv):
        word = argv[i]
        name = word.rsplit("/", 1)[-1]
        if name in _WRAPPERS or re.match(r"^[A-Za-z_]\w*=", word):
            i += 1
        elif name == "uv" and i + 1 < len(argv) and argv[i + 1] == "run":
            end = _UV_RUN.end(argv, i + 2)
            if end is None:
                return None
            i = end
        elif name in PROJECT_RUNNERS and i + 1 < len(argv) and argv[i + 1] == "run":
            i += 2   # by its path too (`/opt/poetry/bin/poetry run`, `$POETRY_HOME/bin/...`)
        elif name in _ENV_RUNNERS and i + 1 < len(argv) and argv[i + 1] == "run":
            end = _ENV_RUN.end(argv, i + 2)
            if end is None:
                return None
            i = end
        elif name in _USER_SWITCHERS and i + 2 < len(argv) and \
                not argv[i + 1].startswith("-"):
            i += 2   # the user, then the command
        elif name in _WAITERS and "--" in argv[i + 1:]:   # `wait-for-it.sh db:5432 -- uvicorn`
            i = argv.index("--", i + 1) + 1
        elif name in _PROXIERS:   # `proxychains4 -q -f /etc/proxychains.conf gunicorn ...`
            i += 1
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] == "-f" else 1
        elif name == "newrelic-admin" and i + 1 < len(argv) and argv[i + 1] == "run-program":
            i += 2
        elif name == "dockerize":   # `dockerize -wait tcp://db:5432 -timeout 60s uvicorn`
            i += 1
            while i + 1 < len(argv) and argv[i].startswith("-"):
                i += 2
        else:
            break
    return i


# `uv run`'s own options before the command
_UV_RUN = _OwnOptions(
    flags=frozenset({"--frozen", "--locked", "--no-dev", "--no-sync", "--all-extras",
                     "--isolated", "--no-project", "--active", "--no-editable", "--offline",
                     "--all-packages", "--no-default-groups", "--all-groups", "-q",
                     "--quiet"}),
    valued=frozenset({"--extra", "--with", "--python", "-p", "--group", "--env-file",
                      "--directory", "--project", "--package", "--only-group", "--no-group",
                      "--with-requirements", "--with-editable"}))


# hypercorn's prefix that says the app is an ASGI one (`asgi:app.main:app`)
_ASGI_MODE = "asgi:"


# a short option and its value in one argument (`"-b 0.0.0.0:8000"`): gunicorn's argparse
# reads it as `-b` with the value ` 0.0.0.0:8000`, which gunicorn strips, as `-b0.0.0.0:8000`
_SHORT_JOINED = lazy_compile(r"^(-[A-Za-z])\s+(?=\S)")


def _server_launch(server: str, args: list[str], offset: int) -> Launch:
    if server == "gunicorn":   # read as it reads them, each word where it was
        args = [_SHORT_JOINED.sub(r"\1", arg) for arg in args]
    if server == "hypercorn":   # `asgi:app.main:app`: hypercorn's mode prefix, then the app
        args = [arg.removeprefix(_ASGI_MODE) if arg.startswith(_ASGI_MODE)
                and TARGET.match(arg.removeprefix(_ASGI_MODE)) else arg for arg in args]
    launch = _server_bind(server, args, offset)
    tls = _option(args, _TLS_OPTIONS.get(server, ())) is not None
    joined = next((arg for arg in args if _JOINED_OPTION.match(arg)), None)
    foreign = next((arg for arg in args
                    if arg.split("=", 1)[0] in _FOREIGN_OPTIONS.get(server, ())), None)
    return replace(launch, tls=tls, joined=joined, foreign=foreign) \
        if tls or joined or foreign else launch


# the listen options of other servers that a server refuses (gunicorn: "unrecognized
# arguments: --host"; uvicorn: "No such option '--bind'"), and stops at start
_FOREIGN_OPTIONS = {"gunicorn": frozenset({"--host", "--port"}),
                    "uvicorn": frozenset({"--bind", "-b"})}


# hosts that only the container itself reaches
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _server_bind(server: str, args: list[str], offset: int) -> Launch:
    launch = _bind(server, args, offset)
    loopback = "" if launch.socket or launch.configured else _loopback(server, args)
    host = "" if launch.socket or launch.binds else _host(server, args)
    return replace(launch, loopback=loopback, host=host) if loopback or host else launch


def _host(server: str, args: list[str]) -> str:
    """The address the command binds, as written: uvicorn's, granian's and `fastapi run`'s
    `--host`, the host of gunicorn's or hypercorn's one `--bind HOST:PORT`."""
    if server in ("uvicorn", "granian", "fastapi"):
        host = _option(args, ("--host",))
        return host[0] if host is not None else ""
    binds = option_values(args, PORT_OPTIONS[server])
    return binds[0][0].rpartition(":")[0] if len(binds) == 1 else ""


def _loopback(server: str, args: list[str]) -> str:
    """How the server comes to bind 127.0.0.1 only: uvicorn, granian and `fastapi dev`
    with no `--host`, gunicorn and hypercorn with no `--bind`, or a loopback host given."""
    if server in ("uvicorn", "granian", "fastapi"):
        host = _option(args, ("--host",))
        if host is not None:
            return f"`--host {host[0]}`" if host[0] in LOOPBACK_HOSTS else ""
        dev = server != "fastapi" or (bool(args) and args[0] == "dev")
        return "no `--host`" if dev else ""
    binds = option_values(args, PORT_OPTIONS[server])
    if not binds:
        return "no `--bind`"
    loopback = all(value.rpartition(":")[0] in LOOPBACK_HOSTS for value, _index in binds)
    return f"`--bind {binds[0][0]}`" if loopback else ""


def _bind(server: str, args: list[str], offset: int) -> Launch:
    if server == "fastapi" and args and args[0] in ("run", "dev"):
        args, offset = args[1:], offset + 1
    binds = server in ("gunicorn", "hypercorn")
    config = _option(args, CONFIG_OPTIONS) if binds else None   # `-c gunicorn.conf.py`
    target = next((a for i, a in enumerate(args) if (TARGET.match(a) or a.endswith(".py"))
                   and (config is None or i != config[1])
                   and (i == 0 or args[i - 1] not in _NAME_VALUE_OPTIONS)), None)
    if server == "fastapi" and target is None:
        target = _fastapi_package(args)
    configured = config[0] if config is not None else ""
    if server in _SOCKET_OPTIONS and _option(args, _SOCKET_OPTIONS[server]) is not None:
        return Launch(server, target, None, configured=configured, socket=True)
    found = option_values(args, PORT_OPTIONS[server])
    if binds:   # unix sockets and fds have no port
        tcp = [(port, index) for value, index in found if (port := bind_port(value))]
        if found and not tcp and all(v.startswith(_SOCKET_BINDS) for v, _ in found):
            return Launch(server, target, None, configured=configured, socket=True)
        host_only = [v for v, _ in found if _host_alone(v)]
        unread = next((v for v, _ in found if not bind_port(v) and
                       not v.startswith(_SOCKET_BINDS) and not _host_alone(v)), None)
        if unread is not None:
            return Launch(server, target, None, configured=configured, unread_bind=unread)
        if host_only and not tcp:
            return Launch(server, target, None, configured=configured, host_bind=host_only[0])
        if len({port for port, _index in tcp}) > 1:
            written = tuple(v for v, _ in found if bind_port(v))
            return Launch(server, target, None, configured=configured, binds=written)
        if len(tcp) > 1:   # one port on several addresses: one listen port
            return Launch(server, target, tcp[0][0], port_index=offset + tcp[0][1],
                          configured=configured,
                          also_at=tuple(offset + index for _port, index in tcp[1:]))
        found = tcp
    if not found:
        return Launch(server, target, None, configured=configured)
    port, index = found[0]
    return Launch(server, target, port, port_index=offset + index, configured=configured)


# `fastapi run`'s options that take a value: the word after one is no path
_FASTAPI_VALUED = frozenset({"--host", "--port", "--workers", "--root-path", "--app",
                             "--entrypoint", "-e", "--forwarded-allow-ips"})


def _fastapi_package(args: list[str]) -> str | None:
    """The package folder `fastapi run app` is given as its path (fastapi-cli imports the
    package and finds the app in its `__init__.py`), as `app/`: the first word that is no
    option nor an option's value, and no `.py` file."""
    for i, arg in enumerate(args):
        if arg.startswith("-") or i and args[i - 1] in _FASTAPI_VALUED:
            continue
        folder = arg.rstrip("/")
        return folder + "/" if _PACKAGE_PATH.fullmatch(folder) else None
    return None


# a folder path of Python names (`app`, `src/app`, `./app`)
_PACKAGE_PATH = lazy_compile(r"(?:\./)?(?:[A-Za-z_]\w*/)*[A-Za-z_]\w*")


def _option(args: list[str], names: tuple[str, ...]) -> tuple[str, int] | None:
    """The first value of an option (`--port 8000` or `--port=8000`) and its word index."""
    found = option_values(args, names)
    return found[0] if found else None


def option_values(args: list[str], names: tuple[str, ...]) -> list[tuple[str, int]]:
    """Every value of an option, in order, each with its word index: `--bind X`,
    `--bind=X`, and for a short option also `-bX` and `-b=X`, which the argparse of
    gunicorn and hypercorn read as `-b X` (`-b=:7000` binds `:7000`)."""
    found: list[tuple[str, int]] = []
    for i, arg in enumerate(args):
        # every name here is an option (`-b`, `--port`): a word that is none (the target,
        # a value) matches no name, and most words are none. Asked five times a launch.
        if arg[:1] != "-":
            continue
        for name in names:
            if arg == name and i + 1 < len(args):
                found.append((args[i + 1], i + 1))
            elif arg.startswith(name + "=") and name.startswith("--"):
                found.append((arg[len(name) + 1:], i))
            elif len(name) == 2 and arg.startswith(name) and len(arg) > 2:
                found.append((arg[3:] if arg[2] == "=" else arg[2:], i))
    return found


def _host_alone(bind: str) -> bool:
    """A bind of an address with no port, written out (`0.0.0.0`, `[::]`, `localhost`)."""
    return bool(_HOST_ALONE.fullmatch(bind))


_HOST_ALONE = lazy_compile(r"\[[0-9a-fA-F:.]+\]|[\w.-]+")


def bind_port(bind: str) -> str | None:
    """The port of a gunicorn bind `host:port`, `[::]:port`, `:port`; None for unix sockets."""
    if bind.startswith(_SOCKET_BINDS):
        return None
    depth = 0
    for i, char in enumerate(bind):
        depth += char in "[{"
        depth -= char in "]}"
        if char == ":" and depth == 0:
            return bind[i + 1:] or None
    return None


_VAR = lazy_compile(r"^\$(?:\{(?P<braced>\w+)(?:(?P<op>:?-)(?P<default>[^}]*))?\}|(?P<plain>\w+))$")


def resolve_token(token: str, env: dict[str, str]) -> tuple[int | None, str | None]:
    """(port, the variable it came from) for `8000`, `$PORT`, `${PORT:-8000}`."""
    if number(token) is not None:   # 8000
        return number(token), None
    match = _VAR.match(token)
    if not match:
        return None, None
    name = match.group("braced") or match.group("plain")
    value = env.get(name)
    if value is None or (value == "" and match.group("op") == ":-"):
        value = match.group("default")
    return (number(value) if value is not None else None), name
