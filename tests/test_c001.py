"""C001 missing-database-service: PostgreSQL URLs parsed, a healthy database service added."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixer.core.edits import TextEdit
from fixer.facts.database import dburl
from fixer.model.services import Stack
from fixer_rules.compose import pgservice
from kit import FixOutcome, calls, check, fix
from support import assert_compose_accepts, compose_binary, write_tree

@pytest.mark.parametrize(("url", "parts"), [
    pytest.param("postgresql://fleet:fleet@db:5432/fleet",
                 ("postgresql", "fleet", "fleet", "db", "5432", "fleet"), id="full"),
    pytest.param("postgres://db", ("postgres", None, None, "db", None, None), id="host-only"),
    pytest.param("postgresql+asyncpg://u@pg/app?ssl=require",
                 ("postgresql+asyncpg", "u", None, "pg", None, "app"), id="driver-query"),
    pytest.param("postgresql+psycopg://u:@db/app", ("postgresql+psycopg", "u", "", "db", None,
                                                    "app"), id="empty-password"),
    pytest.param("postgresql://${DB_USER}:${DB_PASS:-a:b@c}@${DB_HOST:-db}:${DB_PORT}/${DB}",
                 ("postgresql", "${DB_USER}", "${DB_PASS:-a:b@c}", "${DB_HOST:-db}",
                  "${DB_PORT}", "${DB}"), id="interpolated-parts-stay-whole"),
    pytest.param("postgresql://u:p%40ss@[::1]:5433/d",
                 ("postgresql", "u", "p%40ss", "[::1]", "5433", "d"), id="ipv6-percent"),
    pytest.param("postgresql://u:p#w?rd@db/d", ("postgresql", "u", "p#w?rd", "db", None, "d"),
                 id="hash-in-password"),   # libpq and SQLAlchemy: the credentials end at `@`
    pytest.param("postgresql://u:pa$$w0rd@db/d", ("postgresql", "u", "pa$$w0rd", "db", None,
                                                  "d"), id="escaped-dollar"),
])
def test_dburl_parts(url: str, parts: tuple[str | None, ...]) -> None:
    parsed = dburl.parse(url)
    assert parsed is not None
    assert (parsed.scheme, parsed.user, parsed.password, parsed.host, parsed.port,
            parsed.database) == parts


@pytest.mark.parametrize("url", [
    "mysql://u:p@db/app", "sqlite:///./app.db", "postgresql://u@h1:5432,h2:5432/app",
    "postgresql://u@db:notaport/app", "redis://db:6379/0",
])
def test_dburl_rejects(url: str) -> None:
    assert dburl.parse(url) is None


def test_dburl_query_parameters() -> None:
    parsed = dburl.parse("postgresql://u@db/app?sslmode=require&host=/cloudsql/p:r:i&sslmode=x")
    assert parsed is not None and parsed.database == "app"
    assert (parsed.param("sslmode"), parsed.param("host"), parsed.param("ssl")) == \
        ("require", "/cloudsql/p:r:i", None)
    asyncpg = dburl.parse("postgres://u@db?SSL=${TLS:-true}")
    assert asyncpg is not None and asyncpg.param("ssl") == "${TLS:-true}"


@pytest.mark.parametrize(("image", "path"), [
    pytest.param("postgres:17-alpine", "/var/lib/postgresql/data", id="17"),
    pytest.param("postgres:16.4-bookworm", "/var/lib/postgresql/data", id="16.4-codename"),
    pytest.param("postgres:18", "/var/lib/postgresql", id="18"),
    pytest.param("postgres:alpine", "/var/lib/postgresql", id="newest"),
    pytest.param("pgvector/pgvector:pg18", "/var/lib/postgresql", id="pgvector-pg18"),
    pytest.param("pgvector/pgvector:0.8.0-pg17", "/var/lib/postgresql/data",
                 id="pgvector-version-first"),
    pytest.param("timescale/timescaledb:latest-pg18", "/var/lib/postgresql", id="latest-pg18"),
    pytest.param("timescale/timescaledb:2.17.2-pg16", "/var/lib/postgresql/data",
                 id="timescale-version-first"),
    pytest.param("postgis/postgis:16-3.4", "/var/lib/postgresql/data", id="postgis"),
])
def test_pgservice_data_path_follows_the_major_version(image: str, path: str) -> None:
    assert pgservice.data_path(image) == path
    assert pgservice.version_doubt(image) is None


@pytest.mark.parametrize("image", ["timescale/timescaledb:latest", "acme/postgres:stable",
                                   "postgres@sha256:" + "0" * 64])
def test_pgservice_unknown_major_version_is_a_doubt(image: str) -> None:
    assert "cannot read the PostgreSQL major version" in (pgservice.version_doubt(image) or "")


def test_dburl_helpers() -> None:
    assert dburl.decoded("p%40ss${X:-%20}") == "p@ss${X:-%20}"
    # a decoded dollar is Compose's literal `$$`; one written `$$` already stays one
    assert dburl.decoded("Kx9%24REGION%21x") == "Kx9$$REGION!x"
    assert dburl.decoded("pa$$w%24rd$X") == "pa$$w$$rd$X"
    assert not dburl.has_interpolation("pa$$w0rd") and dburl.interpolations("$$A$B") == ["B"]
    assert dburl.wholly_interpolated("${DATABASE_URL:-postgresql://u@db/x}")
    assert not dburl.wholly_interpolated("postgresql://${U}@db/x")
    assert dburl.interpolations("${A}-$B-${C:-x}") == ["A", "B", "C"]


def fixed(files: dict[str, str], select: str | tuple[str, ...] = "C001") -> FixOutcome:
    outcome = fix(files, select=select)
    assert outcome.clean and outcome.applied, outcome
    return outcome


def services(outcome: FixOutcome, path: str = "docker-compose.yml") -> dict[str, Any]:
    """The services of the fixed compose file as written (tests marked slow below check that
    the real Compose binary reads them alike)."""
    found: dict[str, Any] = yaml.safe_load(outcome.text(path))["services"]
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, list form or mapping, as the mapping Compose makes of it."""
    entries = service.get("environment") or {}
    if isinstance(entries, list):
        return dict(entry.split("=", 1) for entry in entries)
    return dict(entries)


def display_only(files: dict[str, str], reason: str) -> None:
    """One C001 finding, reported with no fix, and `reason` says why."""
    outcome = fix(files, select="C001")
    [finding] = outcome.remaining
    assert (finding.fixable, outcome.diff, outcome.clean) == (False, "", True)
    assert reason in (finding.reason or ""), finding.reason


API = "services:\n  api:\n    image: example/api:1.0\n    environment:\n      DATABASE_URL: {url}\n"


def test_c001_credentials_with_no_password_trust_the_network() -> None:
    db = services(fixed({"docker-compose.yml": API.format(url="postgresql://app@db:5432/app")}))
    assert db["db"]["environment"] == {"POSTGRES_USER": "app",
                                       "POSTGRES_HOST_AUTH_METHOD": "trust", "POSTGRES_DB": "app"}


def test_c001_credentials_with_no_user_are_display_only() -> None:
    display_only({"docker-compose.yml": API.format(url="postgresql://db:5432/app")},
                 "names no user")


def test_c001_port_is_honoured() -> None:
    pg = services(fixed({"docker-compose.yml": API.format(url="postgresql://a:b@pg:6543/a")}))["pg"]
    assert pg["command"] == ["postgres", "-p", "6543"]
    assert pg["healthcheck"]["test"][-2:] == ["-p", "6543"]


def test_c001_never_copies_a_secret_out_of_an_env_file() -> None:
    files = {"docker-compose.yml": "services:\n  api:\n    image: x\n    env_file: app.env\n",
             "app.env": "DATABASE_URL=postgresql://app:TopSecret@db/app\n"}
    [finding] = check(files, select="C001")
    assert not finding.fixable
    outcome = fix(files, select="C001")
    assert (outcome.diff, outcome.clean) == ("", True)
    assert "TopSecret" not in outcome.text("docker-compose.yml")


def test_c001_existing_volume_name_is_not_reused() -> None:
    compose = API.format(url="postgresql://a:b@db/a") + "volumes:\n  db_data:\n"
    outcome = fixed({"docker-compose.yml": compose})
    assert outcome.text("docker-compose.yml").endswith("  db_data:\n  db_pgdata:\n")
    assert services(outcome)["db"]["volumes"][0].startswith("db_pgdata:")


def test_seed_fleet_gets_a_healthy_postgres(seed_fleet_fixed: FixOutcome) -> None:
    fleet = services(seed_fleet_fixed)
    db = fleet["db"]
    assert db["image"] == "postgres:17-alpine"
    assert db["environment"] == {"POSTGRES_USER": "fleet", "POSTGRES_PASSWORD": "fleet",
                                 "POSTGRES_DB": "fleet"}
    assert db["healthcheck"]["test"] == ["CMD", "pg_isready", "-U", "fleet", "-d", "fleet",
                                        "-h", "127.0.0.1"]
    assert db["volumes"][0].endswith(":/var/lib/postgresql/data")
    users = sorted(n for n, s in fleet.items() if "DATABASE_URL" in environment(s))
    assert users == ["auth_service", "billing_service", "invoice_service", "usage_service"]
    for name in users:
        assert fleet[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert check(seed_fleet_fixed.tree, select="C") == []
    assert fix(seed_fleet_fixed.tree).diff == ""


NETWORKED = ("services:\n  api:\n    image: example/api:1.0\n    environment:\n"
             "      DATABASE_URL: postgresql://a:b@db/a\n{api}"
             "  proxy:\n    image: nginx:1.27-alpine\n    networks: [edge]\n    depends_on: [db]\n"
             "{top}")
JOINED = [
    pytest.param("", "networks:\n  edge:\n", ["default", "edge"],
                 id="default-and-a-depending-proxy"),
    pytest.param("    networks:\n      backend:\n        aliases: [api.internal]\n",
                 "networks:\n  edge:\n  backend:\n", ["backend", "edge"], id="mapping-form"),
    pytest.param("    <<: *on-backend\n", "networks:\n  edge:\n  backend:\n",
                 ["backend", "edge"], id="through-a-merge-key"),
]


def networked(api: str, top: str) -> dict[str, str]:
    anchor = "x-net: &on-backend\n  networks: [backend]\n" if "*" in api else ""
    return {"docker-compose.yml": anchor + NETWORKED.format(api=api, top=top)}


@pytest.mark.parametrize(("api", "top", "joined"), JOINED)
def test_c001_database_joins_its_users_networks(api: str, top: str, joined: list[str]) -> None:
    assert sorted(services(fixed(networked(api, top)))["db"]["networks"]) == joined


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize(("api", "top", "joined"), JOINED)
def test_c001_compose_puts_the_database_on_its_users_networks(
        tmp_path: Path, api: str, top: str, joined: list[str]) -> None:
    root = write_tree(tmp_path, fixed(networked(api, top)).tree)
    assert sorted(compose_model(root)["services"]["db"]["networks"]) == joined
    assert_compose_accepts(root)


@pytest.mark.parametrize(("compose", "files", "reason"), [
    pytest.param(NETWORKED.format(api="    network_mode: host\n", top="networks:\n  edge:\n"), {},
                 "network_mode: host", id="host-network"),
    pytest.param(NETWORKED.format(api="    networks: [backend]\n",
                                  top="networks:\n  edge:\n  backend:\n    external: true\n"),
                 {}, "the network `backend` is external, shared with containers of other stacks",
                 id="external-network"),
    pytest.param(NETWORKED.format(api="", top=""), {"docker-compose.override.yml":
                                                     "networks:\n  edge:\n"},
                 "network `edge` is not declared in docker-compose.yml", id="declared-later"),
])
def test_c001_network_it_cannot_join_is_display_only(compose: str, files: dict[str, str],
                                                     reason: str) -> None:
    display_only({"docker-compose.yml": compose, **files}, reason)


def test_c001_url_only_in_an_overlay_is_display_only() -> None:
    files = {"docker-compose.yml": "services:\n  api:\n    image: example/api:1.0\n",
             "docker-compose.drill.yml": "services:\n  api:\n    env_file: drill.env\n",
             "drill.env": "DATABASE_URL=postgresql://a:b@replica/a\n"}
    [finding] = check(files, select="C001")
    assert (finding.fixable, finding.path) == (False, "drill.env")
    display_only(files, "only docker-compose.drill.yml names it")


OVERLAY = {"docker-compose.yml": API.format(url="postgresql://a:b@db/a"),
           "docker-compose.ci.yml": "services:\n  api:\n    environment:\n"
                                    "      DATABASE_URL: postgresql://a:b@db/a\n"}


def test_c001_url_in_base_and_overlay_adds_to_the_base() -> None:
    outcome = fixed(OVERLAY)
    assert "  db:\n    image: postgres" in outcome.text("docker-compose.yml")
    assert "postgres" not in outcome.text("docker-compose.ci.yml").replace("postgresql://", "")
    assert services(outcome)["db"]


@pytest.mark.slow  # the Compose binary
def test_c001_compose_reads_the_database_through_the_overlay(tmp_path: Path) -> None:
    root = write_tree(tmp_path, fixed(OVERLAY).tree)
    assert compose_model(root, "docker-compose.yml", "docker-compose.ci.yml")["services"]["db"]


def test_c001_overlay_overriding_the_credentials_is_display_only() -> None:
    display_only({"docker-compose.yml": API.format(url="postgresql://a:b@db/a"),
                  "docker-compose.ci.yml": "services:\n  api:\n    environment:\n"
                                           "      DATABASE_URL: postgresql://ci:ci@db/ci\n"},
                 "disagree on the user")


FASTAPI_APP = {
    "api/Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n'
                      'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    "api/app/__init__.py": "",
    "api/app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
                       'def health():\n    return {"status": "ok"}\n'}
SIBLING = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n    environment:\n"
                                 "      DATABASE_URL: postgresql://shop:shop@db:5432/shop\n"
                                 "    depends_on: [cache]\n  cache:\n    image: redis:7-alpine\n",
           **FASTAPI_APP}


def test_c001_short_list_with_a_sibling_c005_probes() -> None:
    """Adding `db` turns `[cache]` into the long form; cache gets its probe from C005, so
    pinning it to `service_started` now would keep it from ever being gated: the fix
    waits until C005's is in (with `--unsafe-fixes` too), and `fixer fix` applies C005
    first. Run without C005, nothing it waits for comes: a person's job."""
    found = {f.code: f for f in check(SIBLING, select=("C001", "C005"))}
    finding = found["C001"]
    assert finding.safety.value == "display-only" and finding.violation.waits
    assert "waits until cache has a healthcheck (C005)" in (finding.reason or "")
    assert finding.violation.follows == (("C005", "cache"),)
    [alone] = check(SIBLING, select="C001")
    assert not alone.violation.waits and alone.violation.blocked
    outcome = fixed(SIBLING, ("C001", "C005"))
    api = services(outcome)["api"]
    assert {name: entry["condition"] for name, entry in api["depends_on"].items()} == \
        {"cache": "service_healthy", "db": "service_healthy"}
    assert fix(outcome.tree, select=("C001", "C005")).diff == ""


EXTENDED = {"docker-compose.yml": SIBLING["docker-compose.yml"].replace(
    "[cache]\n  cache:\n    image: redis:7-alpine\n",
    "[users]\n  users:\n    extends:\n      file: common.yml\n      service: python-svc\n"
    "    build: ./users\n"),
    "common.yml": "services:\n  python-svc:\n    healthcheck:\n      test: [CMD, python, -c, "
                  "\"import urllib.request as u; u.urlopen('http://localhost:8000/health')\"]\n",
    **FASTAPI_APP,
    **{path.replace("api/", "users/", 1): text for path, text in FASTAPI_APP.items()}}


def test_c001_short_list_naming_a_service_with_extends_is_display_only() -> None:
    """users may have its healthcheck from the service it extends, which fixer does not
    read, and C004 never gives it one: a wait for C004 would never end. Display-only for
    good, not a fix the run applies later."""
    [finding] = check(EXTENDED, select=("C001", "C003"))
    assert finding.safety.value == "display-only" and not finding.violation.waits
    assert "users has `extends:`, which fixer does not follow" in (finding.reason or "")


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize("files", [
    pytest.param({"docker-compose.yml": API.format(url="postgresql://app@db:5432/app")},
                 id="no-password-trust"),
    pytest.param({"docker-compose.yml": API.format(url="postgresql://a:b@pg:6543/a")}, id="port"),
    pytest.param({"docker-compose.yml": API.format(url="postgresql://a:b@db/a") +
                  "volumes:\n  db_data:\n"}, id="existing-volume"),
    pytest.param(SIBLING, id="short-list-with-a-sibling"),
])
def test_c001_compose_reads_the_added_database_as_written(tmp_path: Path,
                                                          files: dict[str, str]) -> None:
    outcome = fix(files, select=("C001", "C005"))
    root = write_tree(tmp_path, outcome.tree)
    model = compose_model(root)["services"]
    for name, written in services(outcome).items():
        assert model[name]["image" if "image" in written else "build"]
        for key in ("command", "environment"):
            assert model[name].get(key) == written.get(key), (name, key)
        if "healthcheck" in written:
            assert model[name]["healthcheck"]["test"] == written["healthcheck"]["test"]


@pytest.mark.slow  # the Compose binary, on the whole fixed seed fleet
def test_seed_fleet_database_as_compose_reads_it(tmp_path: Path,
                                                 seed_fleet_fixed: FixOutcome) -> None:
    root = write_tree(tmp_path, seed_fleet_fixed.tree)
    db = compose_model(root)["services"]["db"]
    assert db["volumes"][0]["target"] == "/var/lib/postgresql/data"
    assert db["healthcheck"]["test"] == ["CMD", "pg_isready", "-U", "fleet", "-d", "fleet",
                                        "-h", "127.0.0.1"]
    assert_compose_accepts(root)


def compose_model(root: Path, *files: str) -> dict[str, Any]:
    """`docker-compose config --format json`: the files as the real Compose binary reads them."""
    args = [str(compose_binary())]
    for name in files or ("docker-compose.yml",):
        args += ["-f", str(root / name)]
    result = subprocess.run(args + ["config", "--format", "json"], cwd=root, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    model: dict[str, Any] = json.loads(result.stdout)
    return model


def test_c001_builds_its_edits_only_when_the_fix_is_applied(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`fixer check` judges the fix (its safety, its reason) on the plan; the service and the
    `depends_on` gate are written only when the fix's edits are asked for."""
    built = calls(monkeypatch, pgservice, "add_entry", "set_conditions")
    compose = API.format(url="postgresql://a:b@db/a") + "    depends_on:\n      - cache\n" \
        + "  cache:\n    image: memcached:1.6-alpine\n"
    [finding] = check({"docker-compose.yml": compose}, select="C001")
    assert (finding.safety.value, built) == ("safe", [])
    edits = finding.edits()
    assert sorted(name for name, _ in built) == ["add_entry", "set_conditions"]
    assert any(isinstance(e, TextEdit) and "image: postgres:17-alpine" in e.text for e in edits)


@pytest.mark.parametrize(("volumes", "reason"), [
    pytest.param("volumes: {}\n", None, id="flow"),
    pytest.param("volumes:\n  other:\n", None, id="block"),
    pytest.param("volumes: &v {}\n", "the collection is an anchor", id="anchored-empty"),
    pytest.param("x-v: &v {other: {}}\nvolumes: *v\n", "come from a YAML alias", id="alias"),
])
def test_c001_judges_the_volume_where_the_edit_would_put_it(volumes: str,
                                                            reason: str | None) -> None:
    """Check says the fix is impossible exactly where writing the volume would be."""
    files = {"docker-compose.yml": API.format(url="postgresql://a:b@db/a") + volumes}
    if reason is not None:
        display_only(files, reason)
        return
    outcome = fixed(files)
    assert "db_data" in yaml.safe_load(outcome.text("docker-compose.yml"))["volumes"]


@pytest.mark.parametrize(("include", "files", "reported"), [
    # Compose loads the included file's services into the project: a second `db` would be
    # refused ("services.db conflicts with imported resource")
    pytest.param("include:\n  - infra/db.yaml\n",
                 {"infra/db.yaml": "services:\n  db:\n    image: postgres:16\n"}, False,
                 id="included-defines-it"),
    pytest.param("include:\n  - path: [infra/db.yaml]\n",
                 {"infra/db.yaml": "services:\n  db:\n    image: postgres:16\n"}, False,
                 id="long-syntax-path-list"),
    pytest.param("include:\n  - infra/cache.yaml\n",
                 {"infra/cache.yaml": "services:\n  cache:\n    image: redis:7\n"}, True,
                 id="included-defines-something-else"),
    pytest.param("include:\n  - infra/missing.yaml\n", {}, False, id="included-unreadable"),
    pytest.param("include:\n  - ${INFRA}/db.yaml\n", {}, False, id="included-interpolated"),
])
def test_c001_and_c002_read_what_the_stack_includes(include: str, files: dict[str, str],
                                                    reported: bool) -> None:
    """A host an included file defines is no missing service; one fixer cannot read may
    define it, so neither C001 nor C002 says it is missing."""
    compose = include + API.format(url="postgresql://app:pw@db:5432/app") + \
        "    depends_on:\n      - db\n"
    found = check({"docker-compose.yml": compose, **files}, select=("C001", "C002"))
    assert [f.code for f in found] == (["C001"] if reported else [])


def test_c001_the_message_names_each_service_with_its_own_variable() -> None:
    compose = ("services:\n  api:\n    image: example/api\n    environment:\n"
               "      DATABASE_URL: postgresql://app:pw@postgres:5432/app\n"
               "  worker:\n    image: example/worker\n    environment:\n"
               "      BROKER_DB_URL: postgresql://app:pw@postgres:5432/app\n")
    [finding] = check({"docker-compose.yml": compose}, select="C001")
    assert finding.message.startswith("DATABASE_URL of api and BROKER_DB_URL of worker point "
                                      "at PostgreSQL host `postgres`"), finding.message


@pytest.mark.parametrize(("password", "dotenv", "empty"), [
    pytest.param("${DB_PASSWORD}", {}, True, id="unset"),
    pytest.param("${DB_PASSWORD:-}", {}, True, id="empty-default"),
    pytest.param("${DB_PASSWORD-}", {}, True, id="empty-default-unset-only"),
    pytest.param("${DB_PASSWORD:?set it}", {}, False, id="required"),
    pytest.param("${DB_PASSWORD}", {"DB_PASSWORD": "s3cret"}, False, id="set-by-dotenv"),
    pytest.param("${DB_PASSWORD:-app}", {}, False, id="default"),
    pytest.param("plain", {}, False, id="literal"),
])
def test_c001_doubts_a_password_that_may_be_empty(password: str, dotenv: dict[str, str],
                                                   empty: bool) -> None:
    """The official image refuses an empty POSTGRES_PASSWORD. A required variable (`:?`)
    stops Compose before the database matters, so it is no doubt of the fix's."""
    stack = Stack(docs=[], dotenv=dotenv)
    assert (pgservice._empty_password(stack, password) is not None) is empty


@pytest.mark.parametrize(("url", "files", "reason"), [
    pytest.param("postgresql://app:app@db/app?sslmode=verify-ca", {},
                 "demands SSL (`sslmode=verify-ca`)", id="sslmode"),
    pytest.param("postgresql+asyncpg://app:app@db/app?ssl=true", {},
                 "demands SSL (`ssl=true`)", id="asyncpg-ssl"),
    pytest.param("postgresql://app:app@db/app?sslmode=${PGSSLMODE}",
                 {".env": "PGSSLMODE=require\n"}, "demands SSL (`sslmode=${PGSSLMODE}`)",
                 id="sslmode-from-dotenv"),
    pytest.param("postgresql://app:app@${DB_HOST:-db}/app", {},
                 "the host is `${DB_HOST:-db}`, chosen per deployment (`DB_HOST`", id="host-var"),
    pytest.param("postgresql://app@db/app\n      PGPASSFILE: /run/secrets/pgpass", {},
                 "reads one from `PGPASSFILE`", id="password-file"),
])
def test_c001_unsafe_with_the_reason(url: str, files: dict[str, str], reason: str) -> None:
    [finding] = check({"docker-compose.yml": API.format(url=url), **files}, select="C001")
    assert finding.safety.value == "unsafe"
    assert reason in (finding.reason or ""), finding.reason


@pytest.mark.parametrize("url", [
    "postgresql://app:app@db/app?sslmode=prefer", "postgresql://app:app@db/app?ssl=disable",
])
def test_c001_ssl_the_server_may_decline_stays_safe(url: str) -> None:
    [finding] = check({"docker-compose.yml": API.format(url=url)}, select="C001")
    assert finding.safety.value == "safe"


def test_c001_a_host_query_parameter_replaces_the_host() -> None:
    url = "postgresql://app:app@localhost/app?host=/cloudsql/project:region:instance"
    assert check({"docker-compose.yml": API.format(url=url)}, select="C001") == []


@pytest.mark.parametrize(("beside", "advice"), [
    ("  db:\n    image: postgres:16\n", "use the database service's name (`db`) as the host"),
    ("", "the stack runs no PostgreSQL service: add one, or reach a database on the host as "
         "`host.docker.internal`"),
])
def test_c001_loopback_advice_names_the_database_the_stack_has(beside: str, advice: str) -> None:
    """`localhost` in a compose URL: the advice names the stack's database service, and one
    with none is told to add one or reach the host's, not to use a name it does not have."""
    url = "postgresql://app:app@localhost:54320/app"
    [finding] = check({"docker-compose.yml": API.format(url=url) + beside}, select="C001")
    assert (finding.reason or "").startswith(advice), finding.reason


BUILT_API = ("services:\n  api:\n    build: ./api\n{extra}    environment:\n"
             "      {variable}: postgresql://app:app@db:5432/app\n")
BUILT_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                    'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


@pytest.mark.parametrize(("variable", "code", "extra", "unread"), [
    pytest.param("LEGACY_DB_URL", 'URL = os.environ.get("DATABASE_URL", "sqlite://")\n', "",
                 True, id="named-nowhere"),
    pytest.param("LEGACY_DB_URL", 'URL = os.environ["LEGACY_DB_URL"]\n', "", False,
                 id="read-by-its-name"),
    pytest.param("ORDERS_DB_URL", "class Settings(BaseSettings):\n    orders_db_url: str\n", "",
                 False, id="a-settings-field-in-lower-case"),
    pytest.param("APP_DB_URL", "class Settings(BaseSettings):\n"
                 "    model_config = SettingsConfigDict(env_prefix='APP_')\n    db_url: str\n",
                 "", False, id="under-a-settings-prefix"),
    pytest.param("DATABASE_URL", "import dj_database_url\nDB = dj_database_url.config()\n", "",
                 False, id="a-name-libraries-read-unnamed"),
    pytest.param("APP_DB__URL", "URL = 1\n", "", False, id="nested-settings"),
    pytest.param("LEGACY_DB_URL", "URL = 1\n", "    volumes:\n      - ../shared:/shared\n",
                 False, id="code-mounted-from-elsewhere"),
    pytest.param("LEGACY_DB_URL", "URL = 1\n",
                 "    command: sh -c 'migrate $$LEGACY_DB_URL && uvicorn app.main:app'\n",
                 False, id="its-command-reads-it"),
])
def test_c001_unsafe_where_no_file_of_the_app_names_the_variable(
        variable: str, code: str, extra: str, unread: bool) -> None:
    """A URL in a variable the app's files never name (`LEGACY_DB_URL` left beside the
    `DATABASE_URL` the code reads): a database added for it is one nobody connects to."""
    main = f"import os\n\nfrom fastapi import FastAPI\n\n{code}\napp = FastAPI()\n"
    [finding] = check({"docker-compose.yml": BUILT_API.format(variable=variable, extra=extra),
                       "api/Dockerfile": BUILT_DOCKERFILE, "api/app/__init__.py": "",
                       "api/app/main.py": main}, select="C001")
    assert (finding.safety.value == "unsafe") is unread, finding.reason
    said = f"nothing in the build context, Dockerfile or command of api names `{variable}`"
    assert (said in (finding.reason or "")) is unread, finding.reason


@pytest.mark.parametrize(("installs", "said"), [
    ({"web/requirements.txt": "fastapi\nuvicorn\npgvector\n"}, "web's dependency `pgvector`"),
    # installed by the Dockerfile alone, no requirements file naming it
    ({"web/requirements.txt": "fastapi\nuvicorn\n"}, "web's dependency `pgvector`"),
])
def test_c001_the_extension_a_dependency_needs_is_named_as_what_says_so(
        installs: dict[str, str], said: str) -> None:
    files = {"docker-compose.yml": "services:\n  web:\n    build: ./web\n    environment:\n"
                                   "      DATABASE_URL: postgresql://app:secret@db:5432/app\n",
             "web/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                               "RUN pip install -r requirements.txt && pip install pgvector\n"
                               'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
             "web/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", **installs}
    [finding] = check(files, select="C001")
    assert finding.reason is not None and finding.reason.startswith(
        f"{said} says the database needs pgvector, which postgres:17-alpine does not ship"), \
        finding.reason
