"""C005's unsafe reason names exactly the gates and probes its fix writes that fixer cannot
vouch for: every one of them, a second database's probe and a list's other entries included,
and none of a list the fix does not edit (a worker's, which C005 does not make wait), unless
that list, which C003 then writes in long form, is all that is in doubt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import run_cli, write_tree

MAIN = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
        'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')
API_DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n'
                  'RUN pip install -r requirements.txt\nCOPY . .\nEXPOSE 8000\n'
                  'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
WORKER_DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY worker.py .\n'
                     'CMD ["python", "worker.py"]\n')
BROKER = ('  broker:\n    image: apache/kafka:4.1.0\n    healthcheck: {test: ["CMD", '
          '"kafka-broker-api-versions.sh", "--bootstrap-server", "localhost:9092"]}\n')
SEARCH = """\
  search:
    image: elasticsearch:9.1.5
    healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:9200"]}
"""
# the app calls each database on another port than the probe asks: both probes are in doubt
CACHE_AND_DB = """\
  cache:
    image: redis:7
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: x
"""
CALLS = """\
    environment:
      DATABASE_URL: postgresql://app@db:6543/app
      REDIS_URL: redis://cache:6380/0
"""
CACHE_DOUBT = "api calls cache on port 6380, and the probe asks 6379"
DB_DOUBT = "api calls db on port 6543, and the probe asks 5432"


def write_repo(root: Path, compose: str) -> Path:
    return write_tree(root, {
        "compose.yaml": compose,
        "api/requirements.txt": "fastapi\nuvicorn\n", "api/main.py": MAIN,
        "api/Dockerfile": API_DOCKERFILE,
        "worker/worker.py": "import time\n\nwhile True:\n    time.sleep(60)\n",
        "worker/Dockerfile": WORKER_DOCKERFILE})


def c005_reasons(root: Path) -> dict[str, str | None]:
    """Per database, the reason `fixer check` gives for its C005 finding."""
    code, out, err = run_cli("check", root, "--format", "json")
    assert code in (0, 1), err
    return {f["service"]: f["reason"] for f in json.loads(out)["findings"] if f["code"] == "C005"}


def c005_fix_line(root: Path) -> str:
    """The line `fixer fix` writes for the C005 fix it holds back as unsafe."""
    code, _out, err = run_cli("fix", root)
    assert code in (0, 1), err
    return next(line for line in err.splitlines()
                if " C005 unsafe fix available with --unsafe-fixes: " in line)


def test_reason_names_the_app_list_not_a_worker_list(tmp_path: Path) -> None:
    # worker comes first in the file: its list names broker, whose healthcheck fixer cannot
    # judge, but the fix leaves that list alone; api's long form waits for search
    root = write_repo(tmp_path, """\
services:
  worker:
    build: ./worker
    depends_on: [db, broker]
  api:
    build: ./api
    depends_on: [db, search]
  db:
    image: mongo:8.0
""" + BROKER + SEARCH)
    reason = c005_reasons(root)["db"]
    assert reason is not None and "search's healthcheck" in reason and "broker" not in reason
    line = c005_fix_line(root)
    assert "search's healthcheck" in line and "broker" not in line, line


def test_worker_list_alone_in_doubt_is_named_as_c003_s_change(tmp_path: Path) -> None:
    # the fix writes no gate in doubt, but C003 then writes the worker's list in long form,
    # gating broker: that fix is unsafe, so this one is, and says why
    root = write_repo(tmp_path, """\
services:
  worker:
    build: ./worker
    depends_on: [db, broker]
  api:
    build: ./api
    depends_on: [db]
  db:
    image: mongo:8.0
""" + BROKER)
    assert c005_reasons(root)["db"] == (
        "once db has a healthcheck, C003 writes the depends_on of worker in long form, and "
        "fixer cannot tell whether broker's healthcheck passes: its test runs "
        "`kafka-broker-api-versions.sh`, whose answer fixer does not judge")


def test_reason_covers_both_databases_the_fix_probes(tmp_path: Path) -> None:
    root = write_repo(tmp_path, f"""\
services:
  api:
    build: ./api
{CALLS}    depends_on: [cache, db]
{CACHE_AND_DB}""")
    reasons = c005_reasons(root)
    for reason in reasons.values():
        assert reason is not None and CACHE_DOUBT in reason and DB_DOUBT in reason, reasons
    assert "db's probe may not pass" in (reasons["cache"] or "")
    line = c005_fix_line(root)
    assert CACHE_DOUBT in line and DB_DOUBT in line, line


def test_reason_covers_every_doubtful_entry_of_the_list(tmp_path: Path) -> None:
    # search's gate is C003's change on the way, db's probe this fix's: both are written
    root = write_repo(tmp_path, f"""\
services:
  api:
    build: ./api
{CALLS}    depends_on: [search, cache, db]
{CACHE_AND_DB}{SEARCH}""")
    reason = c005_reasons(root)["cache"]
    assert reason is not None, reason
    assert all(part in reason for part in (CACHE_DOUBT, DB_DOUBT, "search's healthcheck"))
    assert reason.count(DB_DOUBT) == 1, reason   # each risk once


def test_probe_asked_for_by_a_worker_list_keeps_its_doubt(tmp_path: Path) -> None:
    # the worker's list is not edited, but it asks for cache's probe, which the fix writes
    # (api2 waits for cache): that probe's doubt is still the fix's
    compose = """\
services:
  worker:
    build: ./worker
    depends_on: [db, cache]
  api:
    build: ./api
    depends_on: [db]
  api2:
    build: ./api
    environment:
      REDIS_URL: redis://cache:6380/0
    depends_on: [cache]
""" + CACHE_AND_DB
    reason = c005_reasons(write_repo(tmp_path, compose))["db"]
    assert reason == ("cache's probe may not pass: api2 calls cache on port 6380, and the "
                      "probe asks 6379: the server may listen where fixer does not read"), reason


def test_a_command_that_runs_no_server_of_the_image_makes_the_probe_unsafe(
        tmp_path: Path) -> None:
    """`mongos` (the sharding router) and redis Sentinel run in the database's image but are
    not the server its probe is written for; a server started through `sh -c` or with its
    own options is."""
    compose = ("services:\n  api:\n    build: ./api\n    depends_on: [router, sentinel, cache,"
               " db]\n  router:\n    image: mongo:7.0\n    command: mongos --configdb "
               "cfg/c1:27019 --bind_ip_all\n  sentinel:\n    image: redis:7\n    command: "
               "redis-sentinel /etc/redis/sentinel.conf\n  cache:\n    image: redis:7\n"
               "    command: [\"sh\", \"-c\", \"exec redis-server --appendonly yes\"]\n"
               "  db:\n    image: postgres:16\n    command: postgres -c max_connections=200\n"
               "    environment:\n      POSTGRES_PASSWORD: x\n")
    reasons = c005_reasons(write_repo(tmp_path, compose))
    assert reasons["router"] is not None and reasons["router"].startswith(
        "the command runs `mongos`, not mongod")
    assert reasons["sentinel"] is not None and "Sentinel" in reasons["sentinel"]
    assert "`sh`" not in str(reasons["cache"]) and "`postgres`" not in str(reasons["db"])


@pytest.mark.parametrize("command", ["-c timezone=Asia/Seoul",
                                     '["-c", "max_connections=200"]'])
def test_a_command_of_server_options_alone_runs_the_server(tmp_path: Path,
                                                           command: str) -> None:
    """The postgres image's entrypoint puts `postgres` in front of a command that starts with
    an option: `-c timezone=Asia/Seoul` runs the server, not a program `Seoul`."""
    compose = ("services:\n  api:\n    build: ./api\n    depends_on: [db]\n"
               f"  db:\n    image: postgres:16-alpine\n    command: {command}\n"
               "    environment:\n      POSTGRES_PASSWORD: pw\n")
    assert c005_reasons(write_repo(tmp_path, compose))["db"] is None


def test_an_overlay_that_repeats_the_image_is_no_other_server(tmp_path: Path) -> None:
    """A test overlay repeats db's `image: postgres:16`: the probe follows no other server,
    so that is no reason to hold the fix back (one that sets another database is)."""
    compose = ("services:\n  api:\n    build: ./api\n    depends_on: [db]\n"
               "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: pw\n")
    overlays = {"repeats": ("    image: postgres:16\n", None),
                "moves": ("    image: postgres:16\n    environment:\n      POSTGRES_DB: test\n",
                          "sets db's `environment`")}
    for name, (overlay, held) in overlays.items():
        root = write_repo(tmp_path / name, "")
        (root / "compose.yaml").unlink()
        # `api` with only `ports` there: the file is an overlay of the base, not a stack
        write_tree(root, {"docker-compose.yml": compose,
                          "docker-compose.test.yml": f"services:\n  db:\n{overlay}"
                                                     '  api:\n    ports: ["8000:8000"]\n'})
        code, out, err = run_cli("check", root, "--format", "json")
        assert code in (0, 1), err
        [reason] = [f["reason"] or "" for f in json.loads(out)["findings"] if f["code"] == "C005"]
        assert (held in reason) if held else "loaded with `-f`" not in reason, reason


def test_credentials_that_look_like_a_host_and_port_are_no_call(tmp_path: Path) -> None:
    """`postgres:1974@localhost` is the user `postgres` and the password 1974: no call of
    the service `postgres` on port 1974 puts its probe in doubt."""
    root = write_repo(tmp_path, """\
services:
  api:
    build: ./api
    depends_on: [postgres]
    environment:
      DATABASE_URL: postgresql://postgres:1974@localhost:5432/shop
  postgres:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: "1974"
""")
    assert c005_reasons(root) == {"postgres": None}


def test_a_database_probed_along_brings_its_own_fixs_doubt(tmp_path: Path) -> None:
    """api waits for db and cache; worker waits for db and a broker fixer cannot judge. The
    fix of either database probes both, so once db has a healthcheck C003 writes worker's
    list, gating the broker: cache's finding says so as db's does (it was safe, and
    `fixer fix` then failed verifying it, exit 2)."""
    root = write_repo(tmp_path, """\
services:
  api:
    build: ./api
    depends_on: [db, cache]
  worker:
    build: ./worker
    depends_on: [broker, db]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: x
  cache:
    image: redis:7
""" + BROKER)
    reasons = c005_reasons(root)
    assert reasons["cache"] == reasons["db"] and reasons["db"] is not None, reasons
    assert "C003 writes the depends_on of worker in long form" in reasons["db"], reasons
    code, _out, err = run_cli("fix", root)
    assert code in (0, 1) and "fix failed" not in err, err


def test_each_doubt_is_said_once_when_databases_probed_along_share_them(
        tmp_path: Path) -> None:
    # db's fix probes cache and mongo along (api's list names them), and each of their plans
    # doubts broker and search, as db's own does: the reason names each doubt once
    root = write_repo(tmp_path, """\
services:
  api:
    build: ./api
    depends_on: [db, cache, mongo, broker, search]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: x
  mongo:
    image: mongo:8.0
  cache:
    image: redis:7
""" + BROKER + SEARCH)
    line = c005_fix_line(root)
    doubts = line.rsplit(" (", 1)[1].rstrip(")").split("; ")
    assert "fixer cannot tell whether broker's healthcheck passes: its test runs " \
        "`kafka-broker-api-versions.sh`, whose answer fixer does not judge" in doubts, line
    assert len(doubts) == len(set(doubts)), line


def test_a_databases_own_probe_doubt_is_said_once(tmp_path: Path) -> None:
    # db's fix probes cache along, whose plan reads api's list, which names db: its doubt
    # comes back as "db's probe may not pass: ..."; the reason says it once, as its own
    root = write_repo(tmp_path, """\
services:
  api:
    build: ./api
    depends_on: [db, cache]
  db:
    image: mariadb:11
    volumes:
      - ./mysql:/etc/mysql/conf.d
  cache:
    image: redis:7
    command: redis-server /usr/local/etc/redis/redis.conf
    volumes:
      - ./redis.conf:/usr/local/etc/redis/redis.conf
""")
    line = c005_fix_line(root)
    assert line.count("/etc/mysql/conf.d") == 1, line
    assert line.count("/usr/local/etc/redis/redis.conf`, which may set another port") == 1, line


def test_a_redis_port_given_after_its_configuration_leaves_only_the_rest_in_doubt(
        tmp_path: Path) -> None:
    # redis applies its arguments in order: `--port 6379` after the file wins over the
    # file's port, so the reason names what the file may still set
    root = write_repo(tmp_path, """\
services:
  api:
    build: ./api
    depends_on: [cache]
  cache:
    image: redis:7
    command: ["sh", "-c", "redis-server --include /usr/local/etc/redis/redis.conf --port 6379"]
    volumes:
      - ./redis.conf:/usr/local/etc/redis/redis.conf
""")
    reason = c005_reasons(root)["cache"] or ""
    assert "which may set a password or a bind address the probe does not know (the " \
           "command's `--port` after it wins over the file's port)" in reason, reason


def test_mysql_reason_names_the_root_password_not_a_user_it_only_skips(tmp_path: Path) -> None:
    """mysql creates no user for an empty MYSQL_USER and starts all the same; an empty
    MYSQL_ROOT_PASSWORD stops it: that is the variable the reason names."""
    case = write_tree(tmp_path / "repo", {
        "docker-compose.yml": (
            "services:\n  api:\n    build: ./api\n    depends_on: [db]\n"
            "  db:\n    image: mysql:8\n    environment:\n"
            "      MYSQL_USER: ${SQL_USER}\n      MYSQL_ROOT_PASSWORD: ${SQL_PASSWORD}\n"),
        ".env.example": "SQL_USER=''\nSQL_PASSWORD=''\n",
        "api/Dockerfile": API_DOCKERFILE, "api/requirements.txt": "fastapi\nuvicorn\n",
        "api/app/__init__.py": "", "api/app/main.py": MAIN})
    _code, out, _ = run_cli("check", case, "--select", "C005", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert "MYSQL_ROOT_PASSWORD from `${SQL_PASSWORD}`" in finding["reason"], finding["reason"]


@pytest.mark.parametrize(("option", "doubt"), [
    ("port = 3307", "which sets `port = 3307`: the probe does not follow it"),
    ("skip-networking", "which sets `skip-networking`: the probe does not follow it"),
    ("port = 3306\nbind-address = 0.0.0.0", None),
])
def test_a_mysql_option_file_of_the_repository_is_read(tmp_path: Path, option: str,
                                                       doubt: str | None) -> None:
    """The option file a bind mount of the repository brings is read: a port or networking
    setting the probe does not follow keeps it in doubt, naming it; the default port and a
    bind to every address leave it as it is."""
    case = write_tree(tmp_path / "repo", {
        "docker-compose.yml": (
            "services:\n  api:\n    build: ./api\n    depends_on: [db]\n"
            "  db:\n    image: mysql:8\n    environment:\n"
            "      MYSQL_ROOT_PASSWORD: example\n    volumes:\n"
            "      - ./my.cnf:/etc/mysql/conf.d/custom.cnf\n"),
        "my.cnf": f"[mysqld]\n{option}\n",
        "api/Dockerfile": API_DOCKERFILE, "api/requirements.txt": "fastapi\nuvicorn\n",
        "api/app/__init__.py": "", "api/app/main.py": MAIN})
    _code, out, _ = run_cli("check", case, "--select", "C005", "--format", "json")
    [finding] = json.loads(out)["findings"]
    if doubt is None:
        assert finding["fix"]["safety"] == "safe", finding
    else:
        assert doubt in (finding["reason"] or ""), finding["reason"]
