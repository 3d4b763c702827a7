"""C010's reason for the postgres 18 data path: the pin it names keeps the image's own
variant and registry, and says which file tells the release that wrote the data."""

from __future__ import annotations

import pytest

from kit import check

COMPOSE = ("services:\n  db:\n    image: {image}\n    environment:\n"
           "      POSTGRES_PASSWORD: secret\n    volumes:\n"
           "      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n")


@pytest.mark.parametrize(("image", "pin"), [
    ("postgres", "postgres:17"),
    ("postgres:latest", "postgres:17"),
    ("postgres:18-alpine", "postgres:17-alpine"),
    ("postgres:18.1-bookworm", "postgres:17-bookworm"),
    ("postgres:alpine", "postgres:17-alpine"),
    ("docker.io/library/postgres:18", "docker.io/library/postgres:17"),
    ("postgres:bookworm", "postgres:17-bookworm"),
])
def test_the_pin_named_keeps_the_images_variant(image: str, pin: str) -> None:
    [finding] = check({"docker-compose.yml": COMPOSE.format(image=image)}, select="C010")
    reason = finding.violation.reason or ""
    assert f"(its PG_VERSION file says which: `{pin}` where 17 did)" in reason, reason


MYSQL = ("services:\n  db:\n    image: {image}\n    command: {command}\n"
         "    environment:\n      MYSQL_ROOT_PASSWORD: root\n")


@pytest.mark.parametrize(("image", "runs"), [
    ("mysql", "the newest MySQL"),
    ("mysql:latest", "the newest MySQL"),
    ("mysql:lts", "MySQL 8.4"),
    ("mysql:8", "MySQL 8.4"),
    ("mysql:8.4.3-oraclelinux9", "MySQL 8.4"),
    ("mysql:9.1", "MySQL 9.1"),
])
def test_a_server_option_mysql_84_removed_stops_it(image: str, runs: str) -> None:
    compose = MYSQL.format(image=image,
                           command="--default-authentication-plugin=mysql_native_password")
    [finding] = check({"docker-compose.yml": compose}, select="C010")
    assert finding.message == (
        f"db runs {image} ({runs}) with `--default-authentication-plugin`, which MySQL "
        "removed in 8.4: the server stops at start-up with \"unknown variable\", before it "
        "accepts a connection")
    assert "pin `mysql:8.0`" in (finding.violation.reason or "")
    # `--mysql-native-password=ON` is no way out on 9 (an untagged image): 9.0 removed it
    assert "only 8.4 still loads the old plugin, with `--mysql-native-password=ON`, and 9.0 " \
        "removed it" in (finding.violation.reason or "")


@pytest.mark.parametrize("command", [
    "mysqld --default-authentication-plugin=mysql_native_password",
    "mysqld --character-set-server=utf8mb4 --default_authentication_plugin=caching_sha2_password",
    '["mysqld", "--default-authentication-plugin=mysql_native_password"]',
])
def test_the_option_after_other_words_stops_it_too(command: str) -> None:
    """A command string's words, split as Compose splits them, not the string as a word."""
    compose = MYSQL.format(image="mysql:8.4", command=command)
    [finding] = check({"docker-compose.yml": compose}, select="C010")
    assert "MySQL 8.4" in finding.message


@pytest.mark.parametrize(("image", "command"), [
    ("mysql:8.0", "--default-authentication-plugin=mysql_native_password"),
    ("mysql:5.7", "--default-authentication-plugin=mysql_native_password"),
    ("mysql:8.0.36", "mysqld --default_authentication_plugin=mysql_native_password"),
    ("mysql", "--mysql-native-password=ON"),
    ("mariadb", "--default-authentication-plugin=mysql_native_password"),
    ("mysql:${MYSQL_TAG}", "--default-authentication-plugin=mysql_native_password"),
])
def test_a_release_that_keeps_the_option_or_another_option_is_no_stop(
        image: str, command: str) -> None:
    assert check({"docker-compose.yml": MYSQL.format(image=image, command=command)},
                 select="C010") == []


def test_an_app_waiting_for_a_mysql_that_stops_gets_no_gate() -> None:
    """C005 would make the app wait for a server that never runs: `docker compose up`
    then aborts where the app used to start."""
    compose = ("services:\n  api:\n    build: ./api\n    depends_on:\n      - db\n"
               + MYSQL.format(image="mysql", command="--default-authentication-plugin="
                              "mysql_native_password").replace("services:\n", ""))
    files = {"docker-compose.yml": compose,
             "api/Dockerfile": "FROM python:3.12-slim\nRUN pip install fastapi uvicorn\n"
                               "COPY . /app\nWORKDIR /app\n"
                               'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
             "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                            "@app.get('/health')\ndef health():\n    return {}\n"}
    [c005] = [f for f in check(files) if f.code == "C005"]
    # known, not in doubt: no fix, not even an unsafe one
    assert c005.safety.value == "display-only", c005
    assert "a gate on it would keep api from starting" in (c005.reason or ""), c005


def test_a_postgres_that_stops_at_every_start_gets_no_gate_on_its_own_healthcheck() -> None:
    """Its healthcheck never passes: C003 would make the app wait for it forever, where the
    app starts today. The reason says what stops it, not that fixer cannot tell."""
    compose = ("services:\n  api:\n    build: ./api\n    depends_on:\n      - db\n"
               "  db:\n    image: postgres:latest\n    environment:\n"
               "      POSTGRES_PASSWORD: secret\n    volumes:\n"
               "      - pgdata:/var/lib/postgresql/data\n    healthcheck:\n"
               "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n"
               "volumes:\n  pgdata:\n")
    files = {"docker-compose.yml": compose,
             "api/Dockerfile": "FROM python:3.12-slim\nRUN pip install fastapi uvicorn\n"
                               "COPY . /app\nWORKDIR /app\n"
                               'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
             "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [c003] = [f for f in check(files) if f.code == "C003"]
    assert c003.safety.value == "display-only", c003
    assert (c003.reason or "").startswith("db's healthcheck cannot pass: db mounts a volume"), \
        c003.reason
