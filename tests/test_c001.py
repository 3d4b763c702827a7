"""C001 missing-database-service: PostgreSQL URLs parsed, a healthy database service added."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fixer.facts.database import dburl
from support import SEED_FLEET, assert_compose_accepts, compose_binary, copy_tree, run_cli


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


def test_dburl_helpers() -> None:
    assert dburl.decoded("p%40ss${X:-%20}") == "p@ss${X:-%20}"
    assert dburl.wholly_interpolated("${DATABASE_URL:-postgresql://u@db/x}")
    assert not dburl.wholly_interpolated("postgresql://${U}@db/x")
    assert dburl.interpolations("${A}-$B-${C:-x}") == ["A", "B", "C"]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


def c001(root: Path) -> list[dict[str, Any]]:
    code, out, err = run_cli("check", root, "--format", "json", "--select", "C001")
    document = json.loads(out)
    assert document["errors"] == [], err
    return [f for f in document["findings"]]


def config(root: Path, *files: str) -> dict[str, Any]:
    args = [str(compose_binary())]
    for name in files or ("docker-compose.yml",):
        args += ["-f", str(root / name)]
    result = subprocess.run(args + ["config", "--format", "json"], cwd=root, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    model: dict[str, Any] = json.loads(result.stdout)
    return model


API = "services:\n  api:\n    image: example/api:1.0\n    environment:\n      DATABASE_URL: {url}\n"


@pytest.mark.parametrize(("url", "reason"), [
    pytest.param("postgresql://app@db:5432/app", None, id="no-password-trust"),
    pytest.param("postgresql://db:5432/app", "names no user", id="no-user"),
])
def test_c001_credentials(tmp_path: Path, url: str, reason: str | None) -> None:
    root = write(tmp_path, {"docker-compose.yml": API.format(url=url)})
    [finding] = c001(root)
    if reason:
        code, diff, err = run_cli("fix", root, "--select", "C001")
        assert (finding["fix"], code, diff) == (None, 0, "") and reason in err
        return
    assert run_cli("fix", "--apply", root, "--select", "C001")[0] == 1
    db = config(root)["services"]["db"]
    assert db["environment"] == {"POSTGRES_USER": "app", "POSTGRES_HOST_AUTH_METHOD": "trust",
                                 "POSTGRES_DB": "app"}


def test_c001_port_is_honoured(tmp_path: Path) -> None:
    root = write(tmp_path, {"docker-compose.yml": API.format(url="postgresql://a:b@pg:6543/a")})
    assert run_cli("fix", "--apply", root, "--select", "C001")[0] == 1
    pg = config(root)["services"]["pg"]
    assert pg["command"] == ["postgres", "-p", "6543"]
    assert pg["healthcheck"]["test"][-2:] == ["-p", "6543"]


def test_c001_never_copies_a_secret_out_of_an_env_file(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    image: x\n    env_file: app.env\n",
        "app.env": "DATABASE_URL=postgresql://app:TopSecret@db/app\n"})
    [finding] = c001(root)
    assert finding["fix"] is None
    code, diff, _ = run_cli("fix", root, "--select", "C001")
    assert (code, diff) == (0, "")
    assert "TopSecret" not in (root / "docker-compose.yml").read_text()


def test_c001_existing_volume_name_is_not_reused(tmp_path: Path) -> None:
    compose = API.format(url="postgresql://a:b@db/a") + "volumes:\n  db_data:\n"
    root = write(tmp_path, {"docker-compose.yml": compose})
    assert run_cli("fix", "--apply", root, "--select", "C001")[0] == 1
    assert (root / "docker-compose.yml").read_text().endswith("  db_data:\n  db_pgdata:\n")
    db = config(root)["services"]["db"]
    assert db["volumes"][0]["source"] == "db_pgdata"


def test_seed_fleet_gets_a_healthy_postgres(tmp_path: Path) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "seed-fleet")
    code, _, err = run_cli("fix", "--apply", fleet)
    assert code == 1, err
    model = config(fleet)
    services = model["services"]
    db = services["db"]
    assert db["image"] == "postgres:17-alpine"
    assert db["environment"] == {"POSTGRES_USER": "fleet", "POSTGRES_PASSWORD": "fleet",
                                 "POSTGRES_DB": "fleet"}
    assert db["healthcheck"]["test"] == ["CMD", "pg_isready", "-U", "fleet", "-d", "fleet"]
    assert db["volumes"][0]["target"] == "/var/lib/postgresql/data"
    users = sorted(n for n, s in services.items() if "DATABASE_URL" in s.get("environment", {}))
    assert users == ["auth_service", "billing_service", "invoice_service", "usage_service"]
    for name in users:
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert run_cli("check", fleet, "--select", "C")[:2] == (0, "")
    assert run_cli("fix", fleet)[:2] == (0, "")
    assert_compose_accepts(fleet)


NETWORKED = ("services:\n  api:\n    image: example/api:1.0\n    environment:\n"
             "      DATABASE_URL: postgresql://a:b@db/a\n{api}"
             "  proxy:\n    image: nginx:1.27-alpine\n    networks: [edge]\n    depends_on: [db]\n"
             "{top}")


@pytest.mark.parametrize(("api", "top", "joined"), [
    pytest.param("", "networks:\n  edge:\n", ["default", "edge"],
                 id="default-and-a-depending-proxy"),
    pytest.param("    networks: [backend]\n", "networks:\n  edge:\n  backend:\n    external: true\n",
                 ["backend", "edge"], id="external-network"),
    pytest.param("    networks:\n      backend:\n        aliases: [api.internal]\n",
                 "networks:\n  edge:\n  backend:\n", ["backend", "edge"], id="mapping-form"),
    pytest.param("    <<: *on-backend\n", "networks:\n  edge:\n  backend:\n",
                 ["backend", "edge"], id="through-a-merge-key"),
])
def test_c001_database_joins_its_users_networks(tmp_path: Path, api: str, top: str,
                                                joined: list[str]) -> None:
    anchor = "x-net: &on-backend\n  networks: [backend]\n" if "*" in api else ""
    root = write(tmp_path, {"docker-compose.yml": anchor + NETWORKED.format(api=api, top=top)})
    assert run_cli("fix", "--apply", root, "--select", "C001")[0] == 1
    services = config(root)["services"]
    assert sorted(services["db"]["networks"]) == joined
    assert_compose_accepts(root)


@pytest.mark.parametrize(("compose", "files", "reason"), [
    pytest.param(NETWORKED.format(api="    network_mode: host\n", top="networks:\n  edge:\n"), {},
                 "network_mode: host", id="host-network"),
    pytest.param(NETWORKED.format(api="", top=""), {"docker-compose.override.yml":
                                                     "networks:\n  edge:\n"},
                 "network `edge` is not declared in docker-compose.yml", id="declared-later"),
])
def test_c001_network_it_cannot_join_is_display_only(tmp_path: Path, compose: str,
                                                     files: dict[str, str], reason: str) -> None:
    root = write(tmp_path, {"docker-compose.yml": compose, **files})
    [finding] = c001(root)
    assert finding["fix"] is None
    code, diff, err = run_cli("fix", root, "--select", "C001")
    assert (code, diff) == (0, "") and reason in err


def test_c001_url_only_in_an_overlay_is_display_only(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    image: example/api:1.0\n",
        "docker-compose.drill.yml": "services:\n  api:\n    env_file: drill.env\n",
        "drill.env": "DATABASE_URL=postgresql://a:b@replica/a\n"})
    [finding] = c001(root)
    assert finding["fix"] is None and finding["path"] == "drill.env"
    code, diff, err = run_cli("fix", root, "--select", "C001")
    assert (code, diff) == (0, "") and "only docker-compose.drill.yml names it" in err


def test_c001_url_in_base_and_overlay_adds_to_the_base(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "docker-compose.yml": API.format(url="postgresql://a:b@db/a"),
        "docker-compose.ci.yml": "services:\n  api:\n    environment:\n"
                                 "      DATABASE_URL: postgresql://a:b@db/a\n"})
    assert run_cli("fix", "--apply", root, "--select", "C001")[0] == 1
    assert "  db:\n    image: postgres" in (root / "docker-compose.yml").read_text()
    assert "postgres" not in (root / "docker-compose.ci.yml").read_text().replace(
        "postgresql://", "")
    assert config(root, "docker-compose.yml", "docker-compose.ci.yml")["services"]["db"]


def test_c001_overlay_overriding_the_credentials_is_display_only(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "docker-compose.yml": API.format(url="postgresql://a:b@db/a"),
        "docker-compose.ci.yml": "services:\n  api:\n    environment:\n"
                                 "      DATABASE_URL: postgresql://ci:ci@db/ci\n"})
    [finding] = c001(root)
    assert finding["fix"] is None
    code, diff, err = run_cli("fix", root, "--select", "C001")
    assert (code, diff) == (0, "") and "disagree on the user" in err


FASTAPI_APP = {
    "api/Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n'
                      'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    "api/app/__init__.py": "",
    "api/app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
                       'def health():\n    return {"status": "ok"}\n'}


def test_c001_short_list_with_a_sibling_c005_probes(tmp_path: Path) -> None:
    """Adding `db` turns `[cache]` into the long form; cache gets its probe from C005, so
    pinning it to `service_started` now would keep it from ever being gated: the fix is
    unsafe until C005's is in, and `fixer fix` applies C005 first."""
    compose = ("services:\n  api:\n    build: ./api\n    environment:\n"
               "      DATABASE_URL: postgresql://shop:shop@db:5432/shop\n"
               "    depends_on: [cache]\n  cache:\n    image: redis:7-alpine\n")
    root = write(tmp_path, {"docker-compose.yml": compose, **FASTAPI_APP})
    [finding] = c001(root)
    assert finding["fix"]["safety"] == "unsafe"
    assert "waits until cache has a healthcheck (C005)" in finding["fix"]["title"]
    code, _, err = run_cli("fix", "--apply", root, "--select", "C001,C005")
    assert code == 1, err
    api = config(root)["services"]["api"]
    assert {name: entry["condition"] for name, entry in api["depends_on"].items()} == \
        {"cache": "service_healthy", "db": "service_healthy"}
    assert run_cli("fix", root, "--select", "C001,C005")[:2] == (0, "")
