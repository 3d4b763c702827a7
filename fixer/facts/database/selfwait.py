"""Whether an app service waits on its own before its server starts: its start script
loops (`until python -c "psycopg2.connect(...)"; do sleep 2; done`) or runs a waiter
(`wait-for-it.sh db:5432 -- uvicorn ...`, `pg_isready`, `python -m app.wait_for_db`) on
its way to the server.

C005 and its impact text then must not say the app cannot wait or may crash on its first
connection: what is true there is that Compose cannot hold it back, and that fixer does
not tell what the script waits for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from fixer.core.lazyre import lazy_compile
from fixer.facts.database.dbusage import reachable
from fixer.facts.database.images import family
from fixer.facts.database.probes import resolved_image
from fixer.model.image_paths import in_image
from fixer.model.listen import RUNS_ARGUMENTS
from fixer.model.services import BuiltService, Service
from fixer.model.startscript import PASSING_ON, program_run
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import entrypoint
from fixer.sources.launch import find_launch
from fixer.sources.shellquote import without_comment_lines

# a loop of the shell, or a program that waits for a host or a database to answer
_WAITS = lazy_compile(
    r"^[ \t]*(?:until|while)\b"
    r"|(?<![\w-])(?:wait-for-it|wait-for|dockerize|pg_isready|wait_for_\w+|wait-for-\w+|"
    # a copy of wait-for-it by another name on the image's PATH: `wait_for db:5432 ...`
    r"wait_for(?=[ \t]+[\w.-]+:\d))"
    r"|\bnc[ \t]+-z\b|\bmysqladmin[ \t]+ping\b", re.M)


def waits_on_its_own(ws: Workspace, service: Service, host: str | None = None,
                     documented: Mapping[str, str] | None = None) -> bool:
    """The text the container runs before its server (the start command, and the script
    of the ENTRYPOINT that runs it) loops or runs a waiter; with `host`, one that may wait
    for it: a waiter whose line names another service of the stack and not `host`
    (`wait-for-kafka.sh kafka 9092`, for redis) waits for that one. A variable there is
    read as the container's environment, then Compose's `.env`, then `documented` (the
    values the stack's example files give, `envvars.examples.documented_values`) set it."""
    if not isinstance(service, BuiltService):
        return False
    others = set(service.stack.services) - {host} if host is not None else set()
    env = {**(documented or {}), **service.stack.dotenv, **service.environment(ws.tree)} \
        if host is not None else {}
    target = service.stack.services.get(host) if host is not None else None
    image = resolved_image(target) if target is not None else None
    kind = family(image) if image is not None else None
    known = reachable(ws, service.stack) if host is not None else set()
    return any(_for_host(text, match.start(), host, others, env,
                         _LOOP_BODY if match.group().lstrip().startswith(("until", "while"))
                         else 0, kind, known)
               for text in map(without_comment_lines, _before_server(ws, service))
               for match in _WAITS.finditer(text))


# wait-for-it (`wait-for-it.sh kafka:9092 -- python main.py`) naming a `host:port`, up to the
# end of its line: without `-s`/`--strict` it runs the command when its timeout passes (15 s,
# or what `-t`/`--timeout` gives; 0 waits for ever), whether the host answered or not
_WAIT_FOR_IT = lazy_compile(r"(?<![\w-])wait-for-it(?:\.sh)?\b[^\n]*")
_STRICT = lazy_compile(r"(?<![\w-])(?:-s|--strict)(?![\w-])")
# `-t 60`, `-t60`, `--timeout=60`, and the words of an exec form (`"-t", "60"`)
_TIMEOUT = lazy_compile(r"(?<![\w-])(?:-t|--timeout)(?:[= \t\"',]*)(\d+)\b")


def gives_up(ws: Workspace, service: Service, host: str) -> str | None:
    """How a `wait-for-it` of what the container runs before its server waits for `host` for
    a while and then starts the server anyway (`wait-for-it.sh kafka:9092 -- python
    main.py`, no `--strict`): `wait-for-it waits for kafka:9092 for 15 s at most`; None
    where none does."""
    if not isinstance(service, BuiltService):
        return None
    for text in map(without_comment_lines, _before_server(ws, service)):
        for match in _WAIT_FOR_IT.finditer(text):
            line = match.group()
            target = next((m for m in _TARGET.finditer(line) if m[1] == host), None)
            if target is None or _STRICT.search(line):
                continue
            timeout = _TIMEOUT.search(line)
            seconds = int(timeout.group(1)) if timeout is not None else 15
            if seconds:
                return f"wait-for-it waits for {target[1]}:{target[2]} for {seconds} s at most"
    return None


def _for_host(text: str, at: int, host: str | None, others: set[str],
              env: dict[str, str], below: int = 0, kind: str | None = None,
              known: set[str] | None = None) -> bool:
    """Whether the waiter at `at` may wait for `host`: its line (and the `below` lines after
    it, a loop's body: `while True:` then `psycopg.connect(host=host)`) names it, or names
    no other service (a loop on `psycopg2.connect(...)`, `python -m app.wait_for_db`) nor
    only servers of another kind than `host`'s (`kind`: `until postgres_ready` and
    `pg_isready` wait for a PostgreSQL, not for redis). A variable there is read as the
    container's environment sets it (`nc -z $DB_HOST $DB_PORT` with `DB_HOST=db` names
    db). One that names its targets as `host:port` (`wait-for-it.sh db:3306`) only where
    one of them is `host` or a name the stack's containers resolve (`known`): `db:3306` in a
    stack with no `db` waits for nothing there, however its line speaks of the server."""
    if host is None:
        return True
    end = at
    for _ in range(below + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    # a shell loop's body ends at its `done`: the lines after it wait for nothing of its own
    done = _DONE.search(text, at, end) if below else None
    end = done.end() if done is not None else end
    line = text[text.rfind("\n", 0, at) + 1:end]
    line += "".join(_function_body(text, name) for name in _CALLED.findall(line))
    line = _VARIABLE.sub(lambda m: f" {env.get(m[1] or m[3]) or m[2] or ''} ", line)
    words = set(re.findall(r"[\w.-]+", line))
    if host in words:
        return True
    targets = {m[1] for m in _TARGET.finditer(line)}
    if targets and known is not None and not targets & known:
        return False
    if words & others:
        return False
    named = {each for word in re.findall(r"[a-z0-9]+", line.lower())
             for each, spelled in _KIND_WORDS.items() if word in spelled}
    return kind is None or not named or kind in named


# a waiter the script defines as a shell function (`wait_for_db() {`): its body says what
# it waits for, not the line that names it
_CALLED = lazy_compile(r"(?<![\w-])(wait_for_\w+|wait-for-\w+)")


def _function_body(text: str, name: str) -> str:
    """The body of the shell function `name` the script defines (`name() {` or `function
    name {`, up to the `}` that closes it at the line's start), or ""."""
    named = re.escape(name)
    start = re.search(rf"(?m)^[ \t]*(?:function[ \t]+{named}[ \t]*(?:\(\))?|{named}[ \t]*"
                      r"\(\))[ \t]*\{?[ \t]*$", text)
    if start is None:
        return ""
    close = re.compile(r"(?m)^[ \t]*\}").search(text, start.end())
    return "\n" + text[start.end():close.start() if close is not None else len(text)]


# a waiter's target written as `host:port` (`db:3306`, `tcp://db:5432`)
_TARGET = lazy_compile(r"(?<![\w.:/-])(?:tcp://)?([A-Za-z_][\w.-]*):(\d{2,5})\b")


# the words a waiter's line uses for the server it waits for, by the family of its image:
# names, client libraries and default ports (`nc -z $DB_HOST 5432`)
_KIND_WORDS = {
    "postgres": frozenset({"postgres", "postgresql", "psql", "pg", "psycopg", "psycopg2",
                           "asyncpg", "5432"}),
    "mysql": frozenset({"mysql", "mysqladmin", "pymysql", "mysqldb", "3306"}),
    "mariadb": frozenset({"mariadb", "mysql", "mysqladmin", "pymysql", "3306"}),
    "redis": frozenset({"redis", "6379"}),
    "valkey": frozenset({"valkey", "redis", "6379"}),
    "mongo": frozenset({"mongo", "mongodb", "mongosh", "pymongo", "motor", "27017"}),
    "rabbitmq": frozenset({"rabbitmq", "rabbit", "amqp", "pika", "aio_pika", "5672"}),
}


# the lines after a loop's first that hold what it waits for (its body, or the condition of a
# Python heredoc's `while True:`), up to a shell loop's `done`
_LOOP_BODY = 8
_DONE = lazy_compile(r"^[ \t]*done\b[^\n]*", re.M)

# `$DB_HOST`, `${DB_HOST}`, `${DB_HOST:-db}` (its default where the environment sets none)
_VARIABLE = lazy_compile(r"\$\{(\w+)(?::?-([^}]*))?[^}]*\}|\$(\w+)")


def _before_server(ws: Workspace, service: BuiltService) -> list[str]:
    texts = []
    region = service.app.listen.region
    file = ws.read(region.path) if region is not None else None
    if region is not None and file is not None:
        # a start script's region runs from its start to the server's line
        texts.append(region.run_text(file.text))
    if region is not None and region.kind in ("CMD", "command"):
        texts.append(_entrypoint_script(ws, service))
    return texts


def _entrypoint_script(ws: Workspace, service: BuiltService) -> str:
    """The exec-form ENTRYPOINT script of the repository that runs the CMD (`exec "$@"`
    at its end): what it runs before the server."""
    app = service.app
    found = entrypoint(app.dockerfile, app.stage)
    argv = list(found.value) if found is not None and found.json else []
    if not argv or find_launch(argv) is not None or argv[0].rsplit("/", 1)[-1] in PASSING_ON:
        return ""
    path = in_image(ws.tree, app.folder, app.dockerfile, app.stage, program_run(argv))
    file = ws.read(path) if path is not None else None
    if file is None or not RUNS_ARGUMENTS.search(file.text):
        return ""
    return file.text
