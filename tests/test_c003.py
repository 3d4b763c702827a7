"""C003 dependency-not-healthy: a built service waits for a healthcheck that can pass, keeping
the file's style; explicit conditions and image services are the author's wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from support import run_cli

DB = ("  db:\n    image: postgres:16-alpine\n    healthcheck:\n"
      "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n")
PLAIN = "  cache:\n    image: memcached:1.6-alpine\n"  # no healthcheck, and no rule gives it one
API = "services:\n  api:\n    build: ./api\n    depends_on:{deps}\n"
FASTAPI = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/health\")\n"
           "def health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n")
UVICORN = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'


def app_files(folder: str, base: str = "python:3.12") -> dict[str, str]:
    return {f"{folder}/Dockerfile": f"FROM {base}\nWORKDIR /app\nCOPY . .\n{UVICORN}",
            f"{folder}/app/__init__.py": "", f"{folder}/app/main.py": FASTAPI}


def write(root: Path, compose: str, files: dict[str, str]) -> None:
    for rel, content in {"docker-compose.yml": compose, **app_files("api"), **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)


def fixed(root: Path, compose: str, files: dict[str, str] | None = None,
          *extra: str) -> tuple[int, str]:
    write(root, compose, files or {})
    code, _, err = run_cli("fix", "--apply", root, "--select", "C003", *extra)
    assert code in (0, 1), err
    return code, (root / "docker-compose.yml").read_text()


def findings(root: Path) -> list[dict[str, object]]:
    code, out, err = run_cli("check", root, "--format", "json", "--select", "C003")
    document = json.loads(out)
    assert document["errors"] == [], err
    return list(document["findings"])


def depends(text: str, service: str = "api") -> object:
    return yaml.safe_load(text)["services"][service]["depends_on"]


@pytest.mark.parametrize(("deps", "expected", "changed"), [
    pytest.param("\n      - db\n      - cache  # why\n",
                 {"db": {"condition": "service_healthy"}, "cache": {"condition": "service_started"}},
                 "      db:\n        condition: service_healthy\n      cache:  # why\n", id="list"),
    pytest.param(" [cache, db]\n",
                 {"cache": {"condition": "service_started"}, "db": {"condition": "service_healthy"}},
                 "    depends_on: {cache: {condition: service_started}, db: {condition: "
                 "service_healthy}}\n", id="flow-list"),
    pytest.param("\n      db: {restart: true}\n",
                 {"db": {"restart": True, "condition": "service_healthy"}},
                 "      db: {restart: true, condition: service_healthy}\n", id="flow-entry"),
    pytest.param("\n      db:\n        required: true\n",
                 {"db": {"required": True, "condition": "service_healthy"}},
                 "        required: true\n        condition: service_healthy\n", id="no-condition"),
])
def test_c003_fixes(tmp_path: Path, deps: str, expected: object, changed: str) -> None:
    code, text = fixed(tmp_path, API.format(deps=deps) + DB + PLAIN)
    assert code == 1
    assert depends(text) == expected
    assert changed in text


def test_c003_gates_every_safe_entry_of_a_short_list_at_once(tmp_path: Path) -> None:
    redis = "  cache:\n    image: redis:7\n    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n"
    code, text = fixed(tmp_path, API.format(deps="\n      - db\n      - cache\n") + DB + redis)
    assert code == 1
    assert depends(text) == {"db": {"condition": "service_healthy"},
                             "cache": {"condition": "service_healthy"}}


def test_c003_fastapi_dependency_with_a_served_probe_is_safe(tmp_path: Path) -> None:
    compose = (API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n    healthcheck:\n"
               "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health/\"]\n")
    code, text = fixed(tmp_path, compose, app_files("auth"))
    assert code == 1 and depends(text) == {"auth": {"condition": "service_healthy"}}


def test_c003_dockerfile_healthcheck_counts(tmp_path: Path) -> None:
    dockerfile = ("FROM python:3.12 AS base\nHEALTHCHECK CMD curl -f http://localhost:8000/health\n"
                  f"FROM base\nWORKDIR /app\nCOPY . .\n{UVICORN}")
    files = {**app_files("auth"), "auth/Dockerfile": dockerfile}
    code, text = fixed(tmp_path, API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n", files)
    assert code == 1 and depends(text) == {"auth": {"condition": "service_healthy"}}


@pytest.mark.parametrize(("test", "base", "why"), [
    pytest.param('["CMD", "curl", "-f", "http://localhost:8000/status"]', "python:3.12",
                 "asks for /status, which the app does not serve", id="path-not-served"),
    pytest.param('["CMD", "curl", "-f", "http://localhost:9000/health"]', "python:3.12",
                 "probes port 9000", id="other-port"),
    pytest.param('["CMD", "curl", "-f", "http://localhost:8000/health"]', "python:3.12-slim",
                 "runs curl", id="tool-missing"),
])
def test_c003_a_healthcheck_that_cannot_pass_is_not_gated(tmp_path: Path, test: str, base: str,
                                                           why: str) -> None:
    compose = (API.format(deps="\n      - auth\n") + "  auth:\n    build: ./auth\n"
               f"    healthcheck:\n      test: {test}\n")
    write(tmp_path, compose, app_files("auth", base))
    [finding] = findings(tmp_path)
    assert finding["fix"] is None
    code, _, err = run_cli("fix", tmp_path, "--select", "C003")
    assert code == 0 and why in err and "keep api from starting" in err


@pytest.mark.parametrize("dependency", [
    pytest.param("  mailer:\n    image: example/mailer:2.3\n    healthcheck:\n"
                 "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8025/ready\"]\n",
                 id="unknown-image"),
    pytest.param("  cache:\n    image: redis:7\n    healthcheck:\n"
                 "      test: [\"CMD-SHELL\", \"/usr/local/bin/check.sh\"]\n", id="unknown-probe"),
])
def test_c003_unknown_healthcheck_is_unsafe(tmp_path: Path, dependency: str) -> None:
    name = dependency.split(":", 1)[0].strip()
    compose = API.format(deps=f" [{name}]") + dependency
    code, text = fixed(tmp_path, compose)
    assert (code, text) == (0, compose)
    [finding] = findings(tmp_path)
    assert finding["fix"] == {"safety": "unsafe", "title": f"Wait for {name} to be healthy "
                              f"(fixer cannot tell whether {name}'s healthcheck passes)"}
    code, text = fixed(tmp_path, compose, None, "--unsafe-fixes")
    assert code == 1 and depends(text) == {name: {"condition": "service_healthy"}}


def test_c003_a_probe_on_an_interpolated_port_is_unsafe(tmp_path: Path) -> None:
    """fixer judges the tool (curl is in the full image) but not the port: it cannot show
    that the healthcheck passes, so the gate is not safe."""
    probe = "http://localhost:${AUTH_PORT:-8000}/health"
    compose = (API.format(deps=" [auth]") + "  auth:\n    build: ./auth\n    healthcheck:\n"
               f"      test: [\"CMD\", \"curl\", \"-f\", \"{probe}\"]\n")
    code, text = fixed(tmp_path, compose, app_files("auth"))
    assert (code, text) == (0, compose)
    [finding] = findings(tmp_path)
    assert finding["fix"] == {"safety": "unsafe", "title": "Wait for auth to be healthy "
                              "(fixer cannot tell whether auth's healthcheck passes)"}


@pytest.mark.parametrize("deps", [
    pytest.param("\n      - cache\n", id="no-healthcheck"),
    pytest.param("\n      db:\n        condition: service_healthy\n", id="already-healthy"),
    pytest.param("\n      db:\n        condition: service_started\n", id="explicit-started"),
    pytest.param("\n      db:\n        condition: service_completed_successfully\n",
                 id="completed-successfully"),
    pytest.param("\n      - unknown\n", id="undefined-is-c002"),
])
def test_c003_noop(tmp_path: Path, deps: str) -> None:
    compose = API.format(deps=deps) + DB + PLAIN
    code, text = fixed(tmp_path, compose)
    assert (code, text) == (0, compose)
    assert findings(tmp_path) == []


def test_c003_image_services_are_not_gated(tmp_path: Path) -> None:
    compose = ("services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n"
               "    depends_on: [db]\n" + DB)
    (tmp_path / "docker-compose.yml").write_text(compose)
    assert findings(tmp_path) == []


def test_c003_disabled_healthcheck_is_none(tmp_path: Path) -> None:
    compose = API.format(deps=" [db]") + DB.replace(
        "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]\n", "      disable: true\n")
    code, text = fixed(tmp_path, compose)
    assert (code, text) == (0, compose)


def test_c003_anchor_is_display_only_and_named(tmp_path: Path) -> None:
    compose = ("x-deps: &upstreams\n  depends_on: [db]\nservices:\n  api:\n    <<: *upstreams\n"
               "    build: ./api\n" + DB)
    write(tmp_path, compose, {})
    code, diff, err = run_cli("fix", tmp_path, "--select", "C003")
    assert (code, diff) == (0, "")
    assert "`&upstreams`" in err


def test_c003_short_list_waits_for_a_sibling_whose_healthcheck_cannot_pass(tmp_path: Path) -> None:
    """Converting the list would pin the broken sibling to `service_started` for good; once its
    healthcheck is fixed (here by hand, in a run by D003), both are gated in one edit."""
    broken = ("  auth:\n    build: ./auth\n    healthcheck:\n"
              "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n")
    compose = API.format(deps="\n      - db\n      - auth\n") + DB + broken
    code, text = fixed(tmp_path, compose, app_files("auth", "python:3.12-slim"))
    assert (code, text) == (0, compose)
    assert [f["fix"] for f in findings(tmp_path)] == [None, None]
    (tmp_path / "auth/Dockerfile").write_text(
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
        f"curl && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\n{UVICORN}")
    code, text = fixed(tmp_path, compose, {"auth/Dockerfile": (tmp_path / "auth/Dockerfile")
                                           .read_text()})
    assert code == 1 and depends(text) == {"db": {"condition": "service_healthy"},
                                           "auth": {"condition": "service_healthy"}}


REDIS = "  cache:\n    image: redis:7-alpine\n"  # no healthcheck: C005 gives it `redis-cli ping`
AUTH = "  auth:\n    build: ./auth\n"                # a FastAPI app: C004 gives it a healthcheck


@pytest.mark.parametrize(("sibling", "files", "other", "reason"), [
    pytest.param(AUTH, app_files("auth"), "C004", "waits until auth has a healthcheck (C004)",
                 id="app-without-healthcheck"),
    pytest.param(REDIS, {}, "C005", "waits until cache has a healthcheck (C005)",
                 id="database-without-healthcheck"),
])
def test_c003_short_list_waits_for_the_healthcheck_another_rule_adds(
        tmp_path: Path, sibling: str, files: dict[str, str], other: str, reason: str) -> None:
    """Converting now would pin the sibling to `service_started`, and C003 never overrides an
    explicit condition: the list waits, and is converted once, after the other rule's fix."""
    name = sibling.split(":", 1)[0].strip()
    compose = API.format(deps=f"\n      - db\n      - {name}\n") + DB + sibling
    code, text = fixed(tmp_path, compose, files)
    assert (code, text) == (0, compose)
    assert [f["fix"] for f in findings(tmp_path)] == [None]
    _, _, err = run_cli("fix", tmp_path, "--select", "C003")
    assert reason in err
    code, _, err = run_cli("fix", "--apply", tmp_path, "--select", f"C003,{other}")
    text = (tmp_path / "docker-compose.yml").read_text()
    assert code == 1, err
    assert depends(text) == {"db": {"condition": "service_healthy"},
                             name: {"condition": "service_healthy"}}
    assert run_cli("fix", tmp_path, "--select", f"C003,{other}")[:2] == (0, "")


FLASK = {"admin/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                             'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "admin:app"]\n',
         "admin/admin.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
MAILER = ("  mailer:\n    image: example/mailer:2.3\n    healthcheck:\n"
          "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8025/ready\"]\n")


def test_c003_every_entry_of_a_short_list_is_decided_in_one_fix(tmp_path: Path) -> None:
    """db passes; a Flask admin has no healthcheck and no rule gives it one (`service_started`);
    mailer's healthcheck fixer cannot judge: gated too, so the whole conversion is unsafe."""
    compose = (API.format(deps="\n      - db\n      - admin\n      - mailer\n") + DB +
               "  admin:\n    build: ./admin\n" + MAILER)
    code, text = fixed(tmp_path, compose, FLASK)
    assert (code, text) == (0, compose)
    titles = {f["fix"]["title"] for f in findings(tmp_path)}  # type: ignore[index]
    assert titles == {"Wait for db and mailer to be healthy (fixer cannot tell whether mailer's "
                      "healthcheck passes)"}
    code, text = fixed(tmp_path, compose, FLASK, "--unsafe-fixes")
    assert code == 1
    assert depends(text) == {"db": {"condition": "service_healthy"},
                             "admin": {"condition": "service_started"},
                             "mailer": {"condition": "service_healthy"}}
