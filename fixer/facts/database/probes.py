"""The healthcheck a database or broker service gets: its image's own probe, with the user,
database and port its compose definition gives the server.

Values are taken as the compose file writes them: `${VAR}` interpolations and `$$` escapes
stay as they are, so Compose substitutes the probe exactly as it substitutes the server's
settings. A value Compose cannot see (an `env_file` entry) is read by the container's shell
as `$$POSTGRES_USER` (`$$`: Compose leaves one `$` for the shell); when an `env_file` of the
service is not in the repository (a secret file each deployment supplies), any variable may
come from it, and a key the `environment` passes through with no value (`- POSTGRES_DB`)
is set only where the shell running Compose sets it, so the shell reads the variable with
the image's default (`$${POSTGRES_USER:-postgres}`): `pg_isready -d` with nothing after it
exits 3. A value Compose substitutes in a shell script is quoted (`-d "${POSTGRES_DB}"`),
so that an empty one stays an argument. Each probe answers as soon as the server
accepts connections, whatever the credentials (pg_isready, `mysqladmin ping` and `redis-cli
ping` exit 0 on an access error).
"""

from __future__ import annotations

from typing import NamedTuple

import posixpath
import re
import shlex
from dataclasses import dataclass

from fixer.core.envfile import parse_env
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_in
from fixer.facts.database.images import family, image_tag, image_version, postgres_major
from fixer.facts.image.images import base_image
from fixer.model.depends import dependencies
from fixer.model.services import (
    Service, bind_mounts, given_in_environment, mount_entries, named_in_environment,
    volume_targets)
from fixer.model.workspace import Workspace
from fixer.sources.compose import mapping_or_list
from fixer.sources.compose_words import compose_words
from fixer.sources.dockerfile import Dockerfile, Stage, chain
from fixer.sources.hubname import image_name
from fixer.sources.launch import shell_script_at, split_shell

_INTERPOLATION = lazy_compile(r"\$\{(\w+)(:?[-?][^}]*)?\}|\$(\w+)")
# written bare in the shell script: plain words, and one `${VAR}` Compose substitutes
_PLAIN_WORD = lazy_compile(r"[\w@%+=:,./-]+|\$\{\w+(?::?-[\w@%+=:,./-]*)?\}")


@dataclass(frozen=True)
class Word:
    """One argument of the probe: as Compose should read it, or (`shell`) a `$$NAME` that
    the container's shell expands."""

    text: str
    shell: bool = False


@dataclass(frozen=True)
class DbProbe:
    family: str
    test: tuple[str, ...]       # ("CMD", argv...) or ("CMD-SHELL", script)
    doubt: str | None = None    # why fixer cannot vouch that it passes
    refused: str | None = None  # why it cannot pass: none is written (display-only)

    @property
    def tool(self) -> str:
        return self.test[1].split()[0]

    @property
    def start_period(self) -> str | None:
        """The grace its first start needs beyond fixer's 10 s; None: fixer's is enough."""
        return _SLOW_FIRST_START.get(self.family)


# Servers whose first start routinely outlasts fixer's `start_period: 10s` plus 3 failed
# probes (~40 s) on a loaded CI runner: MySQL and MariaDB initialise their data directory
# (and restart) before they listen on TCP, RabbitMQ boots an Erlang node. Failures during the
# start period do not count, and a probe that passes ends it, so a longer one costs a fast
# start nothing, where a short one fails `docker compose up` at the gate.
_SLOW_FIRST_START = {"mysql": "60s", "mariadb": "60s", "rabbitmq": "60s"}


def resolved_image(service: Service) -> str | None:
    """The service's `image`, interpolated from the stack's `.env`; None when a variable
    has neither a value there nor a default."""
    raw = service.scalar("image")
    if raw is None:
        return None
    dotenv = service.stack.dotenv
    unresolved = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        name, rest = match.group(1) or match.group(3), match.group(2) or ""
        if dotenv.get(name):
            return dotenv[name]
        if rest[1:2] == "-" or rest[:1] == "-":
            return rest.lstrip(":")[1:]
        unresolved = True
        return ""
    value = _INTERPOLATION.sub(substitute, raw.replace("$$", "\x00")).replace("\x00", "$")
    return None if unresolved else value


@dataclass(frozen=True)
class Environment:
    """Variable -> its value as the compose file writes it; None when Compose cannot see the
    value (a bare `KEY`, or a key of an `env_file`): only the container knows it. An empty
    value counts as unset, as the images' entrypoints read it. `unseen`: an `env_file` is
    not in the repository, so any variable not written here may be set there."""

    values: dict[str, str | None]
    unseen: bool = False
    # keys the compose `environment` passes through with no value (`- POSTGRES_DB`,
    # `POSTGRES_DB:`): Compose gives the container its shell's or `.env`'s value, and
    # none when neither sets it
    passed: frozenset[str] = frozenset()


def written_environment(ws: Workspace, service: Service) -> Environment:
    env: dict[str, str | None] = {}
    unseen = False
    for path in service.env_files():
        file = ws.read(path)
        if file is None:
            unseen = True
        else:
            env.update({k: None for k, v in parse_env(file.text).items() if v})
    passed: set[str] = set()
    for _doc, value in service.all("environment"):
        for key, raw, _node in mapping_or_list(value):
            if raw != "":
                env[key] = raw
            if raw is None:
                passed.add(key)
            else:
                passed.discard(key)
    return Environment(env, unseen, frozenset(passed))


def probe(ws: Workspace, service: Service) -> DbProbe | None:
    """The probe for a service of a known database or broker image; None for any other."""
    image = resolved_image(service)
    raw = service.scalar("image")
    kind = family(image if image is not None else raw or "")
    if kind is None:
        return None
    env = written_environment(ws, service)
    words, unread = server_words(service)
    version = image_version(image) if image is not None else None
    unknown = None if image is not None else f"fixer cannot resolve the image `{raw}`"
    if unknown is None and "$" in (raw or "") and kind in _SHELL_BY_VERSION:
        unknown = (f"the image's tag comes from `{raw}`, and the probe's tool depends on "
                   f"the version each checkout's `.env` or shell picks ({_SHELL_BY_VERSION[kind]})")
    argv, doubt = _argv(kind, env, words, version, unknown,
                        _mounted_conf(ws, service, words)[1])
    return DbProbe(kind, _test(argv), _other_program(kind, words) or doubt or unread or
                   _tls_port(kind, words) or _mounted_config(ws, kind, service),
                   _tls_only(kind, words) or _bound_elsewhere(ws, kind, service, words) or
                   _before_pg_isready(kind, version))


def _before_pg_isready(kind: str, version: tuple[int, ...] | None) -> str | None:
    """Why the probe cannot pass: PostgreSQL's image before 9.3 has no `pg_isready`, which
    came with that release (`postgres:9.2`; `postgres:9` is 9.6)."""
    old = version is not None and (version[:2] < (9, 3) if len(version) > 1 else
                                   version[0] < 9)
    if kind != "postgres" or not old or version is None:
        return None
    return (f"pg_isready came with PostgreSQL 9.3, and the image is "
            f"{'.'.join(map(str, version))}: write a probe with psql by hand")


# the addresses that take a probe run inside the container on 127.0.0.1
_LOCAL_BINDS = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "*", "::", "::1", "-::*",
                          "-::1"})


def _bound_elsewhere(ws: Workspace, kind: str, service: Service,
                     words: list[str]) -> str | None:
    """Why `redis-cli ping` never passes: the server binds only addresses other than the
    loopback (`bind redis_cache` in the `redis.conf` the service mounts from the
    repository, or `--bind` on its command), and the probe asks 127.0.0.1."""
    if kind not in ("redis", "valkey"):
        return None
    given = _option(words, ("--bind",))
    where = "its command's `--bind`"
    if given is None:
        source, text = _mounted_conf(ws, service, words)
        binds = re.findall(r"^[ \t]*bind[ \t]+([^\n#]+)", text or "", re.M)
        given, where = (binds[-1].strip(), f"`{source}`") if binds else (None, "")
    addresses = given.split() if given else []
    if not addresses or any(a in _LOCAL_BINDS for a in addresses):
        return None
    return (f"{kind}-server binds only {' '.join(addresses)} ({where}), so `{kind}-cli ping` "
            "on 127.0.0.1 never reaches it: write a probe with `-h` by hand")


def _mounted_conf(ws: Workspace, service: Service,
                  words: list[str]) -> tuple[str | None, str | None]:
    """The repository file a bind mount of the service puts at the `.conf` its command
    names, and that file's text (None where fixer cannot read it)."""
    config = next((w for w in words if w.endswith(".conf")), None)
    source = next((src for src, target in bind_mounts(service) if target == config), None)
    file = ws.read(source) if source is not None else None
    return source, file.text if file is not None else None


# per family: the programs that run the server the probe is written for; a command that runs
# none of them (`mongos`, `redis-sentinel`, a script) starts something else in the image
_SERVERS = {
    "postgres": frozenset({"postgres"}), "redis": frozenset({"redis-server"}),
    "valkey": frozenset({"valkey-server", "redis-server"}),
    "mysql": frozenset({"mysqld", "mysqld_safe"}),
    "mariadb": frozenset({"mariadbd", "mysqld", "mariadbd-safe", "mysqld_safe"}),
    "mongo": frozenset({"mongod"}), "rabbitmq": frozenset({"rabbitmq-server"}),
}
# words before the program a command runs: the image's entrypoint, shells, inits
_LAUNCHERS = frozenset({"docker-entrypoint.sh", "exec", "sh", "bash", "env", "gosu", "su-exec",
                        "tini", "dumb-init", "--", "-c"})


def _other_program(kind: str, words: list[str]) -> str | None:
    """Why the probe may not pass: the command runs no server of the image's own (its words
    start with a program, and no word names the server), or runs redis in Sentinel mode,
    which answers on another port."""
    servers = _SERVERS[kind]
    named = [posixpath.basename(w) for w in words]
    if kind in ("redis", "valkey") and ("--sentinel" in words or f"{kind}-sentinel" in named):
        return (f"the command runs {kind} Sentinel, which listens on port 26379, and the probe "
                f"asks the server's port")
    if words and words[0].startswith("-"):
        return None   # `-c timezone=UTC`: the entrypoint runs the server with these options
    program = next((w for w in named if w not in _LAUNCHERS), None)
    if program is None or program.startswith("-") or servers & set(named):
        return None   # the image's own command, or options the entrypoint passes to it
    return (f"the command runs `{program}`, not {' or '.join(sorted(servers))}, the server the "
            "probe is written for: fixer cannot tell that it answers the probe")


# where the mysql and mariadb images read configuration files besides the command line: a
# file mounted there, or a whole folder (`./conf.d:/etc/mysql/conf.d`)
_MYSQL_CONFIG = lazy_compile(r"^/etc/mysql/?$|^/etc/mysql/(?:my\.cnf|(?:conf|mariadb\.conf|"
                             r"mysql\.conf)\.d(?:/|$))|^/etc/my\.cnf")


def _mounted_config(ws: Workspace, kind: str, service: Service) -> str | None:
    """Why the TCP probe may not reach MySQL or MariaDB: the service mounts a configuration
    file the server reads (`./my.cnf:/etc/mysql/conf.d/custom.cnf`), which may move its port
    or turn networking off (`skip-networking`). A file or folder of the repository is read:
    one that sets none of that (its `port = 3306` the default) leaves the probe as it is."""
    if kind not in ("mysql", "mariadb"):
        return None
    held = dict((target, source) for source, target in bind_mounts(service))
    for _written, target in mount_entries(service):
        if not _MYSQL_CONFIG.search(target):
            continue
        source = held.get(target)
        texts = _config_texts(ws, source) if source is not None else None
        if texts is None:
            return (f"the server reads the configuration mounted at `{target}`, which may set "
                    "another port or `skip-networking`")
        directive = next((found.group(0).strip() for text in texts
                          for found in _MYSQL_PROBE_DIRECTIVES.finditer(text)
                          if not _DEFAULT_MYSQL_PORT.match(text, found.start())), None)
        if directive is not None:
            return (f"the server reads the configuration mounted at `{target}` ({source}), "
                    f"which sets `{directive}`: the probe does not follow it")
    return None


# what a MySQL option file may set that a TCP probe of 127.0.0.1:3306 does not follow
_MYSQL_PROBE_DIRECTIVES = lazy_compile(
    r"^[ \t]*(?:port|skip[-_]networking|bind[-_]address|!include(?:dir)?)\b[^\n#]*",
    re.M | re.I)
# what leaves the probe as it is: the default port, a bind to every address or the loopback
_DEFAULT_MYSQL_PORT = lazy_compile(
    r"[ \t]*(?:port[ \t]*=[ \t]*3306|bind[-_]address[ \t]*=[ \t]*"
    r"(?:0\.0\.0\.0|\*|::|127\.0\.0\.1|localhost))[ \t]*(?:#|$)", re.M | re.I)


def _config_texts(ws: Workspace, source: str) -> list[str] | None:
    """The texts of the option files a mount of the repository's `source` brings: the file,
    or the `.cnf` files of the folder; None where the repository holds neither."""
    file = ws.read(source)
    if file is not None:
        return [file.text]
    files = [ws.read(path) for path in files_in(ws.tree, source) if path.endswith(".cnf")]
    texts = [f.text for f in files if f is not None]
    return texts if texts or files_in(ws.tree, source) else None


def _tls_only(kind: str, words: list[str]) -> str | None:
    """Why the plain probe cannot pass: the server takes TLS connections only (`redis-server
    --port 0 --tls-port 6379`, `mongod --tlsMode requireTLS`), and the probe would need the
    client's certificates, which only the author knows."""
    if kind in ("redis", "valkey") and _option(words, ("--port",)) == "0":
        return (f"{kind}-server takes no plain connections (`--port 0`), so `{kind}-cli "
                "ping` cannot reach it: write a probe with `--tls` and the client "
                "certificates by hand")
    mode = _option(words, ("--tlsMode", "--sslMode"))
    if kind == "mongo" and mode is not None and mode.lower() in ("requiretls", "requiressl"):
        return (f"mongod takes TLS connections only (`{mode}`), so a plain `mongosh` probe "
                "cannot reach it: write one with `--tls` and the certificates by hand")
    return None


def _tls_port(kind: str, words: list[str]) -> str | None:
    """Why a plain probe may ask a port nobody uses: the server also listens for TLS."""
    port = _option(words, ("--tls-port",))
    if kind not in ("redis", "valkey") or port is None:
        return None
    return (f"{kind}-server takes TLS connections on `--tls-port {port}`, and the probe asks "
            "the plain port, which its clients may not use")


def server_words(service: Service) -> tuple[list[str], str | None]:
    """The words that start the server, where its port options are: compose's `entrypoint:`
    and `command:` (its arguments), a `sh -c "..."` script split into its words; and why
    they may not say where it listens (an entrypoint fixer cannot read)."""
    given = service.entrypoint()
    found = service.command()
    # a string is split as Compose splits it (`entrypoint: redis-server --appendonly yes`)
    words = (_command_words(given[2]) if given and given[2] else []) + \
        (_command_words(found[2]) if found else [])
    if given is None and found is None and service.app is not None:   # a built server
        words = _image_command(service.app.dockerfile, service.app.stage)
    script = shell_script_at(words)
    if script is not None:
        words = _script_words(words[script]) + words[script + 1:]
    if given is not None and given[2] is None:
        return words, "fixer cannot read the service's `entrypoint:`, which may move its port"
    return words, None


# the images whose probe tool changed between versions, and how
_SHELL_BY_VERSION = {"mongo": "`mongosh` from 6.0, `mongo` before",
                     "mariadb": "`mariadb-admin` from 10.5, `mysqladmin` before"}


def _argv(kind: str, env: Environment, words: list[str], version: tuple[int, ...] | None,
          unknown: str | None, conf: str | None = None) -> tuple[list[Word], str | None]:
    """The probe's words and its doubt; `conf`: the text of the redis configuration the
    command names, where a bind mount puts a file of the repository there."""
    if kind == "postgres":
        return _postgres(env, words)
    if kind in ("redis", "valkey"):
        port = _option(words, ("--port",))
        tool = "valkey-cli" if kind == "valkey" else "redis-cli"
        # `--cluster-config-file nodes.conf` names the cluster's own state file, no settings
        settings = [w for i, w in enumerate(words)
                    if not (i and words[i - 1] == "--cluster-config-file")]
        return [Word(tool), *([Word("-p"), _port(port)] if port else []), Word("ping")], \
            _redis_config_doubt(settings, conf)
    if kind in ("mysql", "mariadb"):
        # mariadb 11 images no longer ship `mysqladmin`; `mariadb-admin` came in 10.5
        modern = kind == "mariadb" and (version is None or version >= (10, 5))
        doubt = unknown if kind == "mariadb" else None
        # over TCP: the socket answers already while the entrypoint initialises the database
        # on a temporary server with `--skip-networking`, where the app cannot connect yet
        port = _option(words, ("--port", "-P"))
        tool = "mariadb-admin" if modern else "mysqladmin"
        if "--skip-networking" in words:   # the server's own choice: its socket is all
            socket = _option(words, ("--socket",))
            return [*_words(tool, "ping"), *([Word(f"--socket={socket}")] if socket else [])], \
                doubt
        return [*_words(tool, "ping", "-h", "127.0.0.1", "--protocol=tcp"),
                *([Word("-P"), _port(port)] if port else [])], doubt
    if kind == "mongo":
        # the legacy `mongo` shell left the image in 6.0; `mongosh` came in 5.0
        shell = "mongo" if version is not None and version < (6,) else "mongosh"
        port = _option(words, ("--port",))
        return [Word(shell), *([Word("--port"), _port(port)] if port else []),
                *_words("--quiet", "--eval", "db.adminCommand('ping')")], unknown or _config_doubt(
                          words, "mongod", r"^(--config|-f)$|\.conf$")
    return _words("rabbitmq-diagnostics", "-q", "ping"), None


def probe_fails(ws: Workspace, service: Service, text: str) -> str | None:
    """Why a database image's own healthcheck (`text`, the test as one text) cannot pass,
    as the probe C005 would write knows it: a tool the image's version no longer ships
    (`mysqladmin` on `mariadb` 11, the `mongo` shell on `mongo` 6), or `pg_isready` asking
    port 5432 of a server the command moves (`postgres -c port=5433`). None when fixer
    sees no such reason (or cannot resolve the image)."""
    app = service.app
    image = resolved_image(service) if app is None else \
        base_image(app.dockerfile, app.stage, service.build_args())   # a database built FROM it
    kind = family(image) if image is not None else None
    words = text.split()
    version = image_version(image) if image is not None else None
    newest = version is None and ":" not in (image or "").rsplit("/", 1)[-1] or \
        (image or "").endswith((":latest", ":lts"))
    if kind == "mariadb" and {"mysqladmin", "mysql"} & set(words) and \
            (newest or (version is not None and version >= (11,))):
        return "mariadb 11 images ship `mariadb-admin`, not `mysqladmin`"
    if kind == "mongo" and "mongo" in words and \
            (newest or (version is not None and version >= (6,))):
        return "mongo 6 images ship `mongosh`, not the `mongo` shell"
    words = server_words(service)[0]
    if kind == "postgres" and "pg_isready" in text:
        port = _option(words, ("-p",), ("port=",))
        asked = re.search(r"(?:-p|--port)(?:=|\s+)?\S|PGPORT", text)
        env = written_environment(ws, service)
        if port and port != "5432" and asked is None and "PGPORT" not in env.values:
            return f"pg_isready asks port 5432, and the server listens on {port}"
    return _default_port_asked(kind, words, text)


# per family: the probe tools that call the default port unless told another, the option
# that tells them, and that default; `mysqladmin -h localhost` takes the socket instead
_TCP_PROBES = {
    "redis": (("redis-cli",), r"(?:^|\s)-p\s*\S", "6379"),
    "valkey": (("valkey-cli", "redis-cli"), r"(?:^|\s)-p\s*\S", "6379"),
    "mongo": (("mongosh", "mongo"), r"--port|--host\s+\S+:\d|mongodb://\S+:\d", "27017"),
    "mysql": (("mysqladmin", "mysql"), r"(?:^|\s)(?:-P|--port)", "3306"),
    "mariadb": (("mariadb-admin", "mysqladmin", "mariadb", "mysql"), r"(?:^|\s)(?:-P|--port)",
                "3306"),
}


def _image_command(dockerfile: Dockerfile, stage: Stage) -> list[str]:
    """The final stage's ENTRYPOINT and CMD as words (the nearest the chain sets)."""
    words: list[str] = []
    for name in ("ENTRYPOINT", "CMD"):
        found = next((i for i in (link.last(name) for link in chain(dockerfile, stage)) if i),
                     None)
        if found is not None:
            words += list(found.value) if found.json else _script_words(" ".join(found.value))
    return words


def probe_unsure(service: Service, text: str) -> str | None:
    """Why fixer cannot tell whether the database's own probe (`text`) calls the port its
    server listens on: the command takes the port from a variable (`--port
    $${REDIS_PORT:-6380}`) and the probe names none, or compose's `entrypoint:` is one
    fixer cannot read."""
    words, unread = server_words(service)
    if unread is not None:
        return unread
    port = _option(words, ("--port", "-p"), ("port=",))
    if port is not None and not port.isdigit() and \
            not re.search(r"(?:^|\s)(?:-p|-P|--port)|PGPORT|mongodb://", text):
        return f"the server's port is `{port}`, and the probe names none"
    return None


def _default_port_asked(kind: str | None, words: list[str], text: str) -> str | None:
    """A probe that calls its server's default port while the command moves the server
    (`redis-server --port 6390` probed by `redis-cli ping`): it never passes."""
    known = _TCP_PROBES.get(kind or "")
    tool = next((t for t in known[0] if t in text.split()), None) if known else None
    if known is None or tool is None:
        return None
    port = _option(words, ("--port",))
    if port is None or not port.isdigit() or port == known[2] or re.search(known[1], text):
        return None   # a port from a variable may be the default: fixer cannot tell
    if kind in ("mysql", "mariadb") and not re.search(r"-h\s*(?:127\.0\.0\.1|0\.0\.0\.0)|"
                                                      r"--protocol[= ]tcp", text):
        return None   # `-h localhost` (or no host) talks to the socket: the port is not asked
    return f"{tool} asks port {known[2]}, and the server listens on {port}"


# Over TCP: the socket answers already while the entrypoint creates the database and runs
# /docker-entrypoint-initdb.d on a temporary server with `listen_addresses=''`, and a service
# let through then finds port 5432 closed (a migration fails). C001's service asks the same.
PG_OVER_TCP = ("-h", "127.0.0.1")


def _postgres(env: Environment, words: list[str]) -> tuple[list[Word], str | None]:
    """`pg_isready -U user -d database -h 127.0.0.1`: the entrypoint's defaults are user
    `postgres` and a database named after the user. Naming them keeps the server's log free
    of failed connection attempts for `root`, or for `postgres` where a deployment's env file
    names another user."""
    user = _from_file(env, "POSTGRES_USER") or _reference(env, "POSTGRES_USER", Word("postgres"))
    database = _from_file(env, "POSTGRES_DB") or _reference(env, "POSTGRES_DB", user)
    port = _option(words, ("-p",), ("port=",))
    argv = [Word("pg_isready"), Word("-U"), user, Word("-d"), database, *_words(*PG_OVER_TCP)]
    argv += [Word("-p"), _port(port)] if port else []
    return argv, _config_doubt(words, "postgres", r"^config_file=") or _listens_apart(words)


def _listens_apart(words: list[str]) -> str | None:
    """Why the TCP probe may not reach PostgreSQL: the command tells it where to listen
    (`-c listen_addresses=10.0.0.5`), and not on every address or the loopback one."""
    found = _option(words, ("-h",), ("listen_addresses=",))
    if found is None or {"*", "0.0.0.0", "::", "127.0.0.1", "localhost"} & \
            set(found.strip("'\"").replace(" ", "").split(",")):
        return None
    return f"the server listens on `{found}` only, and the probe asks 127.0.0.1"


def _from_file(env: Environment, name: str) -> Word | None:
    """`"$$(cat "$$POSTGRES_USER_FILE")"`: the value the entrypoint reads from the file that
    `POSTGRES_USER_FILE` names (a compose secret), as the container's shell reads it; None
    when the variable itself is set, or no file is named."""
    if name in env.values or f"{name}_FILE" not in env.values:
        return None
    return Word(f'"$$(cat "$${name}_FILE")"', shell=True)


def _port(written: str) -> Word:
    """The server's port as its command writes it: `$${PG_PORT:-5433}` is the container
    shell's to expand, so the probe runs in a shell too (an exec-form test would be given
    the text as written)."""
    return Word(written, shell="$$" in written)


def _reference(env: Environment, name: str, default: Word) -> Word:
    """The variable's value as written; `$$NAME` for the container's shell when only the
    container knows it (an env_file sets it); `$${NAME:-default}` when it may be unset
    there: an env file fixer cannot read may set it, or the compose `environment` passes
    it through from a shell that may not (`pg_isready -d` with no value exits 3)."""
    if name in env.values and name not in env.passed:
        value = env.values[name]
        return Word(f"$${name}", shell=True) if value is None else Word(value)
    if name not in env.passed and not env.unseen:
        return default
    word = f"$${{{name}:-{default.text}}}"
    plain = default.shell or _PLAIN_WORD.fullmatch(default.text)
    return Word(word if plain else f'"{word}"', shell=True)


def _words(*texts: str) -> list[Word]:
    return [Word(text) for text in texts]


def _test(argv: list[Word]) -> tuple[str, ...]:
    """Exec form, unless a word is for the container's shell to expand."""
    if not any(word.shell for word in argv):
        return ("CMD", *(word.text for word in argv))
    script = " ".join(w.text if w.shell or (_PLAIN_WORD.fullmatch(w.text) and "$" not in w.text)
                      else f'"{w.text}"' if "$" in w.text else shlex.quote(w.text)
                      for w in argv)   # `-d "${POSTGRES_DB}"`: Compose may substitute ""
    return ("CMD-SHELL", script)


def _command_words(argv: list[str]) -> list[str]:
    """A compose `command:` as words: a list as it is, a string split as Compose splits it."""
    return argv if len(argv) != 1 else compose_words(argv[0])


def _script_words(script: str) -> list[str]:
    """A shell script's words, command after command as the shell splits them at its
    operators (`sleep 5; rabbitmq-server;` runs `rabbitmq-server`, not `rabbitmq-server;`);
    its words as written where it does not split (an unbalanced quote)."""
    return [word for command in split_shell(script) for word in command] or script.split()


def _option(words: list[str], flags: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> str | None:
    """The value of `--port N`, `--port=N`, `-pN` or a `port=N` word, as written."""
    for index, word in enumerate(words):
        for flag in flags:
            if word == flag and index + 1 < len(words):
                return words[index + 1]
            if word.startswith(flag + "=") or (len(flag) == 2 and word.startswith(flag)
                                               and len(word) > 2):
                return word[len(flag):].lstrip("=")
        for prefix in prefixes:
            if word.startswith(prefix):
                return word[len(prefix):]
    return None


# the directives of a redis configuration that bear on `redis-cli ping` on 127.0.0.1: its
# port, TLS, a password or ACL users, a renamed PING, a file it includes, and `daemonize`
# (the server leaves the container's main process, which ends); `bind` is read apart
# (`_bound_elsewhere`)
_REDIS_PROBE_DIRECTIVES = lazy_compile(r"^[ \t]*(?:port|tls-port|requirepass|aclfile|user|"
                                       r"include|rename-command|daemonize)\b", re.M | re.I)


# `port 6379`: the port the probe asks already
_DEFAULT_REDIS_PORT = lazy_compile(r"[ \t]*port[ \t]+6379[ \t]*(?:#|$)", re.M | re.I)


def _redis_config_doubt(words: list[str], conf: str | None = None) -> str | None:
    """A configuration file redis-server reads may set its port, a password or a bind
    address; a `--port` after it on the command line wins over the file's port (redis
    applies its arguments in order), so only the rest is in doubt. None where the file is
    one of the repository (`conf`, its text) that sets none of them."""
    at = next((i for i, w in enumerate(words) if w.endswith(".conf")), None)
    if at is None:
        return None
    if conf is not None:
        directive = next((found for found in _REDIS_PROBE_DIRECTIVES.finditer(conf)
                          if not _DEFAULT_REDIS_PORT.match(conf, found.start())), None)
        return None if directive is None else (
            f"redis-server reads the configuration `{words[at]}`, which sets "
            f"`{directive.group(0).strip()}`: the probe does not follow it")
    if any(w == "--port" or w.startswith("--port=") for w in words[at + 1:]):
        return (f"redis-server reads the configuration `{words[at]}`, which may set a "
                "password or a bind address the probe does not know (the command's `--port` "
                "after it wins over the file's port)")
    return _config_doubt(words, "redis-server", r"\.conf$")


def _config_doubt(words: list[str], server: str, pattern: str) -> str | None:
    """A configuration file may set a port (or a socket) the probe does not know."""
    found = next((w for w in words if re.search(pattern, w)), None)
    return f"{server} reads the configuration `{found}`, which may set another port" \
        if found else None


# what the image's entrypoint needs before it initialises a fresh data folder: one of these
_MYSQL_NEEDS = ("MYSQL_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD_FILE", "MYSQL_ALLOW_EMPTY_PASSWORD",
                "MYSQL_RANDOM_ROOT_PASSWORD")
_INIT_NEEDS = {
    "postgres": ("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE", "POSTGRES_HOST_AUTH_METHOD"),
    "mysql": _MYSQL_NEEDS,
    "mariadb": ("MARIADB_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD_FILE",
                "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD",
                *_MYSQL_NEEDS),
}


def init_needs(kind: str) -> tuple[str, ...]:
    """The settings of which the `kind` image's entrypoint needs one before it creates its
    database; none for an image that needs none."""
    return _INIT_NEEDS.get(kind, ())


def stops_uninitialised(ws: Workspace, service: Service, kind: str | None = None) -> str | None:
    """`stops_at_first_start`, said of a probe of the database: it would never pass."""
    why = stops_at_first_start(ws, service, kind)
    return f"{why}: the probe would never pass" if why is not None else None


def stops_at_first_start(ws: Workspace, service: Service,
                         kind: str | None = None) -> str | None:
    """Why the database never runs: the image's entrypoint stops at the first start
    (`data_moved`, `no_superuser_password`): the server never runs, and a service that
    waits for it never starts (before the gate, it started). Whether the probe is C005's
    or the author's. `kind`: the image's family, else read from its image."""
    found = first_start_stop(ws, service, kind)
    return found.why if found is not None else None


def stops_every_start(ws: Workspace, service: Service, kind: str | None = None) -> str | None:
    """`stops_at_first_start` where the cause is what compose itself sets (the data folder a
    volume mounts, a server option), not a password a checkout's env file may fill in: known,
    no doubt. None otherwise."""
    found = first_start_stop(ws, service, kind)
    return found.why if found is not None and (found.data_moved or found.removed_option) \
        else None


class FirstStartStop(NamedTuple):
    """Why a database image's entrypoint stops at its first start, and which cause it is:
    its data folder moved (`data_moved`), a server option its release removed
    (`removed_option`), else no superuser password."""

    why: str
    data_moved: bool
    removed_option: bool = False


def first_start_stop(ws: Workspace, service: Service,
                     kind: str | None = None) -> FirstStartStop | None:
    """The cause `stops_at_first_start` names, or None."""
    kind = kind if kind is not None else database_kind(service)
    moved = data_moved(ws, service) if kind == "postgres" else None
    if moved is not None:
        return FirstStartStop(moved, True)
    removed = removed_option(service) if kind == "mysql" else None
    if removed is not None:
        return FirstStartStop(removed, False, True)
    password = no_superuser_password(ws, service, kind)
    return FirstStartStop(password, False) if password is not None else None


# `--default-authentication-plugin=mysql_native_password`: MySQL 8.4 removed the option,
# and the server stops at start-up with "unknown variable"
_REMOVED_IN_84 = lazy_compile(r"--default[-_]authentication[-_]plugin\b")


def removed_option(service: Service) -> str | None:
    """Why the official `mysql` image's server stops at every start: its compose `command:`
    gives `--default-authentication-plugin`, which MySQL removed in 8.4, and the image runs
    8.4 or later (`mysql`, `latest`, `lts`, `8`, `8.4`, `9`). Not with an `entrypoint:` of
    its own, nor a release fixer cannot read from the tag."""
    image = resolved_image(service)
    found = service.command()
    if image is None or image_name(image) != "mysql" or found is None or \
            service.entrypoint() is not None:
        return None
    option = next((w for w in _command_words(found[2]) if _REMOVED_IN_84.match(w)), None)
    release = _mysql_release(image)
    if option is None or release is None or release < (8, 4):
        return None
    runs = "the newest MySQL" if release == _NEWEST else f"MySQL {release[0]}.{release[1]}"
    return (f"{service.name} runs {image} ({runs}) with `{option.split('=', 1)[0]}`, which "
            "MySQL removed in 8.4: the server stops at start-up with \"unknown variable\", "
            "before it accepts a connection")


# what no tag, `latest` and `innovation` run: the newest release, past every removal
_NEWEST = (99, 0)


def _mysql_release(image: str) -> tuple[int, int] | None:
    """(major, minor) of the MySQL release the official image's tag runs: `8` is 8.4 (the
    LTS line), `lts` 8.4, no tag, `latest`, `innovation` and `oracle` the newest (9.x);
    None for a tag fixer cannot read."""
    tag = image_tag(image).lower()
    if tag in ("", "latest", "innovation", "oracle", "oraclelinux9"):
        return _NEWEST
    if tag.startswith("lts"):
        return (8, 4)
    version = image_version(image)
    if version is None:
        return None
    if len(version) == 1:   # `8` is the 8.4 line, `5` the 5.7 one, `9` its newest minor
        return {8: (8, 4), 5: (5, 7)}.get(version[0], (version[0], 0))
    return (version[0], version[1])


def database_kind(service: Service) -> str | None:
    """The family of the database image the service runs (`postgres`), else None."""
    image = resolved_image(service)
    return family(image) if image is not None else None


def no_superuser_password(ws: Workspace, service: Service, kind: str | None) -> str | None:
    """Why the `kind` image stops at its first start: the service sets no password, or an
    empty one (`POSTGRES_PASSWORD=` in a template env file), nor says to go without one
    (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`, their `_FILE` forms,
    `POSTGRES_HOST_AUTH_METHOD`). Not for a built image (its ENV may set it), an
    `entrypoint:` of its own, or an `env_file` the repository does not hold (each
    deployment's may set it)."""
    needs = init_needs(kind or "")
    if not needs or service.app is not None or service.entrypoint() is not None or \
            any(not ws.tree.exists(path) for path in service.env_files()):
        return None
    if given_in_environment(service, ws.tree) & set(needs):
        return None
    empty = [name for name in needs if name in named_in_environment(service, ws.tree)]
    others = [name for name in needs[:3] if name not in empty]
    sets = f"sets {empty[0]} empty and none of {', '.join(others)}" if empty else \
        f"sets no {needs[0]} (nor {', '.join(needs[1:3])})"
    return (f"{service.name} {sets}, so the {kind} image stops at its first start, before "
            "the server runs")


def needs_a_stopped_database(ws: Workspace, target: Service) -> str | None:
    """Why the target may never turn healthy though its own healthcheck is sound: a
    database it depends on stops at its first start (`stops_at_first_start`), and an app
    that reaches for it at start-up stops or waits with it."""
    for entry in dependencies(target):
        needed = target.stack.services.get(entry.name)
        why = stops_at_first_start(ws, needed) if needed is not None else None
        if why is not None:
            return (f"{target.name} depends on {entry.name}, and {why}: {target.name} may "
                    "stop or wait with it, its healthcheck failing")
    return None


# where the postgres image keeps its data up to 17; from 18 on it is /var/lib/postgresql/18/docker
_OLD_PGDATA = "/var/lib/postgresql/data"


def _postgres_major(image: str) -> int | None:
    """The PostgreSQL major version the image runs: its tag's for the official image and
    postgis's (`images.postgres_major`: the newest for `latest`, `alpine`, a codename or no
    tag; none for a digest alone); a `pg16` in another image's tag (`pgvector/pgvector:pg16`);
    None where the tag does not say."""
    if image_name(image) in ("postgres", "postgis/postgis"):
        return postgres_major(image)   # `latest`, `alpine`, `bookworm`: the newest release
    named = re.search(r"(?:^|[-_])pg(\d+)", image_tag(image))
    return int(named.group(1)) if named is not None else None


def data_moved(ws: Workspace, service: Service) -> str | None:
    """Why the postgres image stops at its first start: from 18 on (`latest`, a tag with no
    version), its entrypoint refuses a volume mounted at /var/lib/postgresql/data, where
    17 and earlier kept their data, unless PGDATA points there."""
    image = resolved_image(service)
    version = _postgres_major(image) if image is not None else None
    if image is None or service.app is not None or version is None or version < 18 \
            or "PGDATA" in service.environment(ws.tree):
        return None
    if not any(posixpath.normpath(target) == _OLD_PGDATA
               for target in volume_targets(service) or []):
        return None
    shown = image.rsplit("/", 1)[-1]
    bound = next((source for source, target in mount_entries(service)
                  if target == _OLD_PGDATA), None)
    mounts = f"bind-mounts {bound} at" if bound is not None else "mounts a volume at"
    return (f"{service.name} {mounts} {_OLD_PGDATA}, which the postgres image from 18 "
            f"on (`{shown}`) refuses at its first start, its data having moved to "
            "/var/lib/postgresql/18/docker")
