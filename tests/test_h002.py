"""H002 health-probe-not-served: a healthcheck that asks for a path the app does not serve.

The apps here are served by a real uvicorn where it matters: the probe's path gets 404
before the fix and 200 after it (a `/health/` route answers `/health` through FastAPI's
redirect, which urllib, like curl's caller, follows)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from support import GOLDEN, copy_tree, run_cli
from test_boot import health_status, running

APP = "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\n"
CURL = 'test: ["CMD", "curl", "-f", "http://localhost:8000{path}"]'
LOCAL_URL = re.compile(r"//(?:localhost|127\.0\.0\.1):\d+(/[^\s\"')]*)")


def service(root: Path, files: Mapping[str, str], healthcheck: str = "",
            dockerfile_extra: str = "") -> Path:
    compose = "services:\n  api:\n    build: ./svc\n"
    if healthcheck:
        compose += f"    healthcheck:\n      {healthcheck}\n"
    files = {"docker-compose.yml": compose, "svc/app/__init__.py": "",
             "svc/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n" + dockerfile_extra
             + 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
             **files}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


def route(path: str, method: str = "get", name: str = "handler") -> str:
    return f'\n\n@app.{method}("{path}")\ndef {name}():\n    return {{"status": "ok"}}\n'


def findings(root: Path) -> list[dict[str, object]]:
    code, out, err = run_cli("check", root, "--select", "H002", "--format", "json")
    assert code in (0, 1), err
    found: list[dict[str, object]] = json.loads(out)["findings"]
    return found


@pytest.mark.parametrize(("main", "probe"), [
    pytest.param(APP + route("/health"), "/health/", id="trailing-slash-probe"),
    pytest.param(APP + route("/health/"), "/health", id="trailing-slash-route"),
    pytest.param(APP + 'router = APIRouter(prefix="/api")\n' + route("/ping").replace(
        "@app", "@router") + "\napp.include_router(router, prefix='/v1')\n", "/v1/api/ping",
        id="prefixes-joined"),
    pytest.param(APP + route("/"), "", id="root-probe-served"),
    pytest.param(APP + "from platform_kit import health\n\napp.include_router(health.router)\n",
                 "/health", id="router-not-followed"),
    pytest.param(APP + route("/status") + '\nPUBLIC = ["/health"]\n', "/health",
                 id="path-named-in-the-code"),
    pytest.param(APP + 'app.mount("/", other_app)\n', "/health", id="mounted-app"),
    # a POST-only route names the path: fixer cannot tell what else answers it
    pytest.param(APP + route("/health", method="post"), "/health", id="post-route-names-it"),
])
def test_h002_noop(tmp_path: Path, main: str, probe: str) -> None:
    root = service(tmp_path, {"svc/app/main.py": main}, CURL.format(path=probe))
    assert findings(root) == []


def test_h002_reads_no_probe_it_cannot_read(tmp_path: Path) -> None:
    """A port or path in a variable, and a Flask app: nothing to judge."""
    for test in ('test: ["CMD-SHELL", "curl -f http://localhost:${PORT:-8000}/health"]',
                 'test: ["CMD-SHELL", "curl -f http://localhost:8000/$HEALTH_PATH"]'):
        root = service(tmp_path / str(len(test)), {"svc/app/main.py": APP + route("/ok")}, test)
        assert findings(root) == []
    flask = "from flask import Flask\n\napp = Flask(__name__)\n"
    root = service(tmp_path / "flask", {"svc/app/main.py": flask}, CURL.format(path="/health"))
    assert findings(root) == []


@pytest.mark.parametrize(("main", "healthcheck", "extra", "edited", "expected"), [
    pytest.param(APP + route("/healthz"), CURL.format(path="/health"), "", "docker-compose.yml",
                 "http://localhost:8000/healthz", id="one-health-route-probe-rewritten"),
    pytest.param(APP + route("/api/health-check"), "",
                 'HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]\n',
                 "svc/Dockerfile", '"http://localhost:8000/api/health-check"',
                 id="dockerfile-exec-form-rewritten"),
    # the URL is a variable's default: read, never edited; the route is added instead
    pytest.param(APP + route("/healthz"),
                 'test: ["CMD-SHELL", "curl -f ${PROBE_URL:-http://localhost:8000/live}"]', "",
                 "svc/app/main.py", '@app.get("/live")', id="interpolated-url-route-added"),
])
def test_h002_fixes(tmp_path: Path, main: str, healthcheck: str, extra: str, edited: str,
                    expected: str) -> None:
    root = service(tmp_path, {"svc/app/main.py": main}, healthcheck, extra)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, _, err = run_cli("fix", "--apply", root, "--select", "H002")
    assert code == 1, err
    changed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                     if p.is_file() and p.read_bytes() != before[p])
    assert changed == [edited]
    assert expected in (root / edited).read_text()
    assert findings(root) == []
    assert run_cli("fix", root, "--select", "H002")[:2] == (0, "")


STATUS = '["CMD", "curl", "-f", "http://localhost:8000/status"]'


@pytest.mark.parametrize(("files", "healthcheck", "extra", "path"), [
    # an overlay that sets only timings keeps the base's test
    pytest.param({"docker-compose.override.yml": "services:\n  api:\n    healthcheck:\n"
                  "      interval: 30s\n"}, f"test: {STATUS}", "", "/status",
                 id="overlay-sets-interval"),
    # a final stage built FROM an earlier one keeps that stage's HEALTHCHECK
    pytest.param({"svc/Dockerfile": f"FROM python:3.12 AS base\nHEALTHCHECK CMD {STATUS}\n\n"
                  "FROM base\nWORKDIR /app\nCOPY . .\n"
                  'CMD ["uvicorn", "app.main:app", "--port", "8000"]\n'}, "", "", "/status",
                 id="inherited-healthcheck"),
    pytest.param({}, "", "HEALTHCHECK CMD python -c \"import urllib.request as u; "
                 "u.urlopen('http://localhost:8000/ping')\"\n", "/ping",
                 id="shell-form-python-probe"),
])
def test_h002_adds_the_route_the_running_healthcheck_asks_for(
        tmp_path: Path, files: dict[str, str], healthcheck: str, extra: str, path: str) -> None:
    """An app with no route at all: the route added is the path the probe that runs asks
    for, wherever that probe is written."""
    root = service(tmp_path, {"svc/app/main.py": APP, **files}, healthcheck, extra)
    code, _, err = run_cli("fix", "--apply", root, "--select", "H002")
    assert code == 1, err
    assert (root / "svc" / "app" / "main.py").read_text() == APP + route(path, name="health")
    assert findings(root) == []


def test_h002_is_an_error_at_the_probe(tmp_path: Path) -> None:
    root = service(tmp_path, {"svc/app/main.py": APP + route("/ready")},
                   CURL.format(path="/heathz"))
    [finding] = findings(root)
    line = (root / "docker-compose.yml").read_text().splitlines()[4]
    assert (finding["severity"], finding["line"]) == ("error", 5)
    assert finding["column"] == line.index("/heathz") + 1


def test_h002_display_only_where_routes_are_in_doubt(tmp_path: Path) -> None:
    main = ("from fastapi import FastAPI\n\n\nclass Api(FastAPI):\n"
            "    def get(self, path, **kwargs):\n        return super().get('/v2' + path, **kwargs)"
            "\n\n\napp = Api()\n" + route("/healthz"))
    root = service(tmp_path, {"svc/app/main.py": main}, CURL.format(path="/health"))
    [finding] = findings(root)
    assert finding["fix"] is None
    _, _, err = run_cli("fix", root, "--select", "H002")
    assert "redefines `get`" in err


@pytest.mark.parametrize(("case", "folder"), [
    pytest.param("typo-rewritten-to-served-path", "orders", id="typo"),
    pytest.param("probe-health-served-under-api-v1", "payments", id="api-v1"),
    pytest.param("dockerfile-probe-gets-the-route", "notifications", id="route-added"),
    pytest.param("probe-path-route-added", "billing", id="python-probe-route-added"),
])
@pytest.mark.slow
def test_h002_probe_answered_by_the_real_server(tmp_path: Path, case: str, folder: str) -> None:
    """Before the fix the probed path gets 404 from uvicorn; after it, 200."""
    root = copy_tree(GOLDEN / "H002-health-probe-not-served" / case / "before", tmp_path / "r")
    log = tmp_path / "server.log"
    with running(root / folder, log) as (process, port):
        assert health_status(process, port, log, probed(root, folder)) == 404
    code, _, err = run_cli("fix", "--apply", root, "--select", "H002")
    assert code == 1, err
    with running(root / folder, log) as (process, port):
        assert health_status(process, port, log, probed(root, folder)) == 200


def probed(root: Path, folder: str) -> str:
    """The path of the first local URL a healthcheck calls: in compose, else the Dockerfile."""
    for path in (root / "docker-compose.yml", root / folder / "Dockerfile"):
        match = LOCAL_URL.search(path.read_text())
        if match:
            return match.group(1)
    raise AssertionError("no probe")


@pytest.mark.parametrize("healthcheck", [
    pytest.param(CURL.format(path="/status"), id="plain-url"),
    pytest.param('test: ["CMD-SHELL", "curl -f ${PROBE_URL:-http://localhost:8000/status}"]',
                 id="url-in-a-variable-default"),
])
def test_h001_leaves_an_unserved_probe_to_h002(tmp_path: Path, healthcheck: str) -> None:
    """One defect, one finding: an app with no health route whose healthcheck asks for
    `/status` is H002's, not H001's too; fixing both adds the one route the probe asks for
    (never `/status}`, read past the end of a `${VAR:-...}` default), and then neither
    rule has anything left to say."""
    root = service(tmp_path, {"svc/app/main.py": APP + route("/items")}, healthcheck)
    code, out, err = run_cli("check", root, "--select", "H001,H002", "--format", "json")
    assert code == 1, err
    assert [f["code"] for f in json.loads(out)["findings"]] == ["H002"]
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001,H002")
    assert code == 1, err
    main = (root / "svc" / "app" / "main.py").read_text()
    assert re.findall(r'@app\.get\("([^"]*)"\)', main) == ["/items", "/status"]
    assert run_cli("fix", root, "--select", "H001,H002")[:2] == (0, "")


HEALTHCHECK = 'HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]\n'


def test_h002_shared_dockerfile_probe_is_not_rewritten(tmp_path: Path) -> None:
    """Two apps build one Dockerfile: rewriting its HEALTHCHECK for one would break the
    other's; each app gets the probed route instead."""
    admin = "from fastapi import FastAPI\n\napp = FastAPI()\n" + route("/admin/healthz")
    root = service(tmp_path, {"svc/app/main.py": APP + route("/healthz"),
                              "svc/app/admin.py": admin},
                   dockerfile_extra=HEALTHCHECK)
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text() + "  admin:\n    build: ./svc\n"
                       "    command: uvicorn app.admin:app --host 0.0.0.0 --port 8000\n")
    dockerfile = (root / "svc" / "Dockerfile").read_bytes()
    assert len(findings(root)) == 2
    code, _, err = run_cli("fix", "--apply", root, "--select", "H002")
    assert code == 1, err
    assert (root / "svc" / "Dockerfile").read_bytes() == dockerfile
    for module in ("main", "admin"):
        assert '@app.get("/health")' in (root / "svc" / "app" / f"{module}.py").read_text()
    assert findings(root) == []
