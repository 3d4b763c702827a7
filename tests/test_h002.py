"""H002 health-probe-not-served: a healthcheck that asks for a path the app does not serve.

The apps here are served by a real uvicorn where it matters: the probe's path gets 404
before the fix and 200 after it (a `/health/` route answers `/health` through FastAPI's
redirect, which urllib, like curl's caller, follows)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

import fixer_rules.health.h002_health_probe_not_served as h002
from fixer.model.rule import Finding
from kit import calls, check, fix
from support import GOLDEN, copy_tree, run_cli
from test_boot import health_status, running

APP = "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\n"
CURL = 'test: ["CMD", "curl", "-f", "http://localhost:8000{path}"]'
LOCAL_URL = re.compile(r"//(?:localhost|127\.0\.0\.1):\d+(/[^\s\"')]*)")


def service(files: Mapping[str, str], healthcheck: str = "",
            dockerfile_extra: str = "") -> dict[str, str]:
    compose = "services:\n  api:\n    build: ./svc\n"
    if healthcheck:
        compose += f"    healthcheck:\n      {healthcheck}\n"
    return {"docker-compose.yml": compose, "svc/app/__init__.py": "",
            "svc/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n" + dockerfile_extra
            + 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
            **files}


def route(path: str, method: str = "get", name: str = "handler") -> str:
    return f'\n\n@app.{method}("{path}")\ndef {name}():\n    return {{"status": "ok"}}\n'


def findings(files: Mapping[str, str | bytes]) -> list[Finding]:
    return check(files, select="H002")


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
    # Starlette versions differ on taking the root path off before routing: unknown
    pytest.param(APP.replace("FastAPI()", 'FastAPI(root_path="/api")') + route("/health"),
                 "/api/health", id="root-path"),
    pytest.param(APP + 'v1 = FastAPI()\n\n\n@v1.get("/health")\ndef h():\n    return {}\n'
                 '\n\napp.mount("/v1", v1)\n', "/v1/health", id="mounted-fastapi-serves-it"),
    # a POST-only route names the path: fixer cannot tell what else answers it
    # FastAPI's own pages, at their default URLs or where the constructor puts them
    pytest.param(APP, "/docs", id="docs-page"),
    pytest.param(APP, "/openapi.json", id="openapi-schema"),
    pytest.param(APP, "/redoc", id="redoc-page"),
    pytest.param(APP, "/docs/oauth2-redirect", id="oauth2-redirect-page"),
    pytest.param(APP.replace("FastAPI()", 'FastAPI(openapi_url=SCHEMA)') + 'SCHEMA = "/s.json"\n',
                 "/docs", id="docs-page-with-a-schema-elsewhere"),
    # a URL fixer cannot settle: the page may be on or off
    pytest.param(APP.replace("FastAPI()", 'FastAPI(docs_url=None if PROD else "/docs")'),
                 "/docs", id="docs-page-maybe-off"),
    pytest.param(APP.replace("FastAPI()", "FastAPI(**settings.app_options)"), "/redoc",
                 id="keywords-spread"),
    pytest.param(APP.replace("FastAPI()", "FastAPI(openapi_url=settings.openapi_url)"), "/docs",
                 id="schema-url-from-settings"),
])
def test_h002_noop(main: str, probe: str) -> None:
    assert findings(service({"svc/app/main.py": main}, CURL.format(path=probe))) == []


@pytest.mark.parametrize(("main", "probe"), [
    pytest.param(APP.replace("FastAPI()", "FastAPI(docs_url=None)"), "/docs", id="docs-off"),
    pytest.param(APP.replace("FastAPI()", 'FastAPI(openapi_url="")'), "/docs",
                 id="schema-off-takes-the-docs-page"),
    pytest.param(APP.replace("FastAPI()", "FastAPI(openapi_url=None)"), "/openapi.json",
                 id="schema-off"),
    pytest.param(APP.replace("FastAPI()", 'FastAPI(redoc_url="/api/redoc")'), "/redoc",
                 id="redoc-moved"),
])
def test_h002_a_fastapi_page_the_app_turns_off_gets_no_fake_route(main: str, probe: str) -> None:
    """The probe is unserved; a route answering {"status": "ok"} there would fake the page."""
    [finding] = findings(service({"svc/app/main.py": main}, CURL.format(path=probe)))
    assert not finding.fixable and "FastAPI's own page" in (finding.reason or "")


def test_h002_reads_no_probe_it_cannot_read() -> None:
    """A port or path in a variable, and a Flask app: nothing to judge."""
    for test in ('test: ["CMD-SHELL", "curl -f http://localhost:${PORT:-8000}/health"]',
                 'test: ["CMD-SHELL", "curl -f http://localhost:8000/$HEALTH_PATH"]'):
        assert findings(service({"svc/app/main.py": APP + route("/ok")}, test)) == []
    flask = "from flask import Flask\n\napp = Flask(__name__)\n"
    assert findings(service({"svc/app/main.py": flask}, CURL.format(path="/health"))) == []


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
def test_h002_fixes(main: str, healthcheck: str, extra: str, edited: str,
                    expected: str) -> None:
    outcome = fix(service({"svc/app/main.py": main}, healthcheck, extra), select="H002")
    assert outcome.clean and outcome.applied
    assert sorted(outcome.files) == [edited]
    assert expected in outcome.text(edited)
    assert findings(outcome.tree) == []
    assert fix(outcome.tree, select="H002").diff == ""


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
        files: dict[str, str], healthcheck: str, extra: str, path: str) -> None:
    """An app with no route at all: the route added is the path the probe that runs asks
    for, wherever that probe is written."""
    outcome = fix(service({"svc/app/main.py": APP, **files}, healthcheck, extra), select="H002")
    assert outcome.clean and outcome.applied
    assert outcome.text("svc/app/main.py") == APP + route(path, name="health")
    assert findings(outcome.tree) == []


def test_h002_is_an_error_at_the_probe() -> None:
    files = service({"svc/app/main.py": APP + route("/ready")}, CURL.format(path="/heathz"))
    [finding] = findings(files)
    line = files["docker-compose.yml"].splitlines()[4]
    assert (finding.rule.severity.value, finding.line) == ("error", 5)
    assert finding.column == line.index("/heathz") + 1


def test_h002_display_only_where_routes_are_in_doubt() -> None:
    main = ("from fastapi import FastAPI\n\n\nclass Api(FastAPI):\n"
            "    def get(self, path, **kwargs):\n        return super().get('/v2' + path, **kwargs)"
            "\n\n\napp = Api()\n" + route("/healthz"))
    [finding] = findings(service({"svc/app/main.py": main}, CURL.format(path="/health")))
    assert not finding.fixable
    assert "redefines `get`" in (finding.reason or "")


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


@pytest.mark.parametrize(("folder", "page"), [("orders", "/docs"), ("billing", "/schema.json")])
@pytest.mark.slow
def test_fastapi_pages_the_probes_ask_for_answer_200(tmp_path: Path, folder: str,
                                                     page: str) -> None:
    """The no-op case is right: uvicorn answers the probed page (the default `/docs`, the
    schema at the `openapi_url` the app sets) before any fix."""
    root = copy_tree(GOLDEN / "H002-health-probe-not-served" / "fastapi-docs-page-is-served" /
                     "before", tmp_path / "r")
    log = tmp_path / "server.log"
    with running(root / folder, log) as (process, port):
        assert health_status(process, port, log, page) == 200


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
def test_h001_leaves_an_unserved_probe_to_h002(healthcheck: str) -> None:
    """One defect, one finding: an app with no health route whose healthcheck asks for
    `/status` is H002's, not H001's too; fixing both adds the one route the probe asks for
    (never `/status}`, read past the end of a `${VAR:-...}` default), and then neither
    rule has anything left to say."""
    files = service({"svc/app/main.py": APP + route("/items")}, healthcheck)
    assert [f.code for f in check(files, select=("H001", "H002"))] == ["H002"]
    outcome = fix(files, select=("H001", "H002"))
    assert outcome.clean and outcome.applied
    main = outcome.text("svc/app/main.py")
    assert re.findall(r'@app\.get\("([^"]*)"\)', main) == ["/items", "/status"]
    assert fix(outcome.tree, select=("H001", "H002")).diff == ""


HEALTHCHECK = 'HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]\n'


def test_h002_shared_dockerfile_probe_is_not_rewritten() -> None:
    """Two apps build one Dockerfile: rewriting its HEALTHCHECK for one would break the
    other's; each app gets the probed route instead."""
    admin = "from fastapi import FastAPI\n\napp = FastAPI()\n" + route("/admin/healthz")
    files = service({"svc/app/main.py": APP + route("/healthz"), "svc/app/admin.py": admin},
                    dockerfile_extra=HEALTHCHECK)
    files["docker-compose.yml"] += ("  admin:\n    build: ./svc\n"
                                    "    command: uvicorn app.admin:app --host 0.0.0.0 --port 8000\n")
    assert len(findings(files)) == 2
    outcome = fix(files, select="H002")
    assert outcome.clean and outcome.applied
    assert "svc/Dockerfile" not in outcome.files
    for module in ("main", "admin"):
        assert '@app.get("/health")' in outcome.text(f"svc/app/{module}.py")
    assert findings(outcome.tree) == []


@pytest.mark.parametrize(("main", "title", "renderer"), [
    pytest.param(APP + route("/healthz"), "Probe /healthz, the app's health route, instead of "
                 "/health", "_rewrite", id="probe-rewritten"),
    pytest.param(APP + route("/orders"), "Add a GET /health route for the probe", "route_edits",
                 id="route-added"),
])
def test_h002_check_builds_no_edit(monkeypatch: pytest.MonkeyPatch, main: str, title: str,
                                   renderer: str) -> None:
    """`fixer check` judges whether the probe can be rewritten where it is written without
    rewriting it: the edit is rendered only when the fix's edits are asked for."""
    built = calls(monkeypatch, h002, "_rewrite", "route_edits")
    [finding] = findings(service({"svc/app/main.py": main}, CURL.format(path="/health")))
    assert finding.fix_title == title
    assert built == []
    assert finding.edits()
    assert [name for name, _ in built] == [renderer]


@pytest.mark.parametrize("method", ["post", "head", "websocket"])
def test_h002_a_route_that_answers_no_get_does_not_serve_the_probe(method: str) -> None:
    """`@app.post("/health")` explains the path's literal: the GET probe gets 405."""
    [finding] = findings(service({"svc/app/main.py": APP + route("/health", method=method)},
                                 CURL.format(path="/health")))
    assert "does not serve" in finding.message


HEAD_PROBE = 'test: ["CMD", "curl", "-fI", "http://localhost:8000/health"]'


def test_h002_a_head_probe_of_a_get_only_route_is_refused() -> None:
    """`curl -I` sends HEAD; `@app.get` answers it 405: display-only, the probe is the
    author's to rewrite."""
    [finding] = findings(service({"svc/app/main.py": APP + route("/health")}, HEAD_PROBE))
    assert "sends HEAD to /health" in finding.message and not finding.fixable


@pytest.mark.parametrize("main", [
    pytest.param(APP + route("/health") + route("/health", method="head", name="h"),
                 id="head-route-beside"),
    pytest.param(APP + '\n\n@app.api_route("/health", methods=["GET", "HEAD"])\n'
                       'def handler():\n    return {}\n', id="api-route-with-head"),
    pytest.param(APP + '\n\n@app.route("/health")\ndef handler(request):\n    return None\n',
                 id="starlette-route-adds-head"),
])
def test_h002_a_head_probe_of_a_route_that_takes_head_is_served(main: str) -> None:
    assert findings(service({"svc/app/main.py": main}, HEAD_PROBE)) == []


def test_h002_a_head_probe_of_a_head_only_route_is_served() -> None:
    main = APP + route("/health", method="head")
    assert findings(service({"svc/app/main.py": main}, HEAD_PROBE)) == []


@pytest.mark.parametrize("test", [
    pytest.param('test: ["CMD", "curl", "-fI", "-X", "GET", "http://localhost:8000/health"]',
                 id="get-after-head-option"),
    pytest.param('test: ["CMD", "curl", "-sI", "http://localhost:8000/health"]',
                 id="no-fail-option-passes-on-405"),
    pytest.param('test: ["CMD", "curl", "-fI", "http://localhost:8000/health/"]',
                 id="trailing-slash-redirect"),
])
def test_h002_a_head_probe_that_passes_is_not_reported(test: str) -> None:
    assert findings(service({"svc/app/main.py": APP + route("/health")}, test)) == []
