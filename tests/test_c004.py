"""C004 missing-healthcheck: an app service gets a compose healthcheck on /health."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import fixer_rules.compose.c004_missing_healthcheck as c004
from fixer.core.textfile import TextFile
from fixer.model.image_paths import unknown_base_workdir
from fixer.sources.dockerfile import parse
from kit import FixOutcome, calls, check, fix
from support import (GOLDEN, assert_compose_accepts, compose_binary, copy_tree, run_cli,
                     write_tree)

MAIN = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
        'def health():\n    return {"status": "ok"}\n')
CMD = '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]'
# A FastAPI subclass whose `get` takes the path by keyword: `@app.get("/health")` fails
KEYWORD_GET = ("from fastapi import APIRouter, FastAPI\n\n\nclass Api(FastAPI):\n"
               "    def get(self, *, path, **kwargs):\n"
               "        return super().get(path, **kwargs)\n\n\n")
COMPOSE = "services:\n  api:\n    build: ./api\n"


def repo(compose: str = COMPOSE, dockerfile_extra: str = "", cmd: str = CMD,
         base: str = "python:3.12", main: str = MAIN) -> dict[str, str]:
    return {"docker-compose.yml": compose,
            "api/Dockerfile": f"FROM {base}\nWORKDIR /app\nCOPY . .\n{dockerfile_extra}CMD {cmd}\n",
            "api/app/__init__.py": "", "api/app/main.py": main}


def fixed(files: dict[str, str], select: str | tuple[str, ...] = "C004",
          **options: object) -> FixOutcome:
    outcome = fix(files, select=select, **options)
    assert outcome.clean and outcome.applied, outcome
    return outcome


def healthcheck(outcome: FixOutcome) -> dict[str, object]:
    return dict(yaml.safe_load(outcome.text("docker-compose.yml"))["services"]["api"]
                ["healthcheck"])


STRATEGIES = [
    pytest.param("install", ["CMD", "curl", "-f", "http://localhost:8000/health"], id="install"),
    pytest.param("python", ["CMD", "python", "-c", "import urllib.request; urllib.request."
                            "urlopen('http://localhost:8000/health', timeout=3)"], id="python"),
]


@pytest.mark.parametrize(("strategy", "test"), STRATEGIES)
def test_c004_strategies(strategy: str, test: list[str]) -> None:
    outcome = fixed(repo(), healthcheck_strategy=strategy)
    assert healthcheck(outcome) == {"test": test, "interval": "10s", "timeout": "5s",
                                    "retries": 3, "start_period": "10s"}
    assert fix(outcome.tree, select="C004").diff == ""


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize("strategy", ["install", "python"])
def test_c004_compose_accepts_the_healthcheck(tmp_path: Path, strategy: str) -> None:
    assert_compose_accepts(write_tree(tmp_path, fixed(repo(), healthcheck_strategy=strategy).tree))


def test_c004_port_from_compose_command() -> None:
    compose = ("services:\n  api:\n    build: ./api\n"
               "    command: uvicorn app.main:app --host 0.0.0.0 --port 9000\n")
    outcome = fixed(repo(compose))
    assert healthcheck(outcome)["test"] == ["CMD", "curl", "-f", "http://localhost:9000/health"]


@pytest.mark.parametrize(("command", "how"), [
    pytest.param("uvicorn app.main:app --port 9000", "no `--host`", id="uvicorn-default-host"),
    pytest.param("uvicorn app.main:app --host 127.0.0.1 --port 9000", "`--host 127.0.0.1`",
                 id="uvicorn-loopback-host"),
    pytest.param("gunicorn -k uvicorn.workers.UvicornWorker app.main:app", "no `--bind`",
                 id="gunicorn-default-bind"),
    pytest.param("fastapi dev app/main.py --port 9000", "no `--host`", id="fastapi-dev"),
])
def test_c004_is_unsafe_where_the_app_binds_loopback_only(command: str, how: str) -> None:
    """A server on 127.0.0.1 answers the probe inside its container and nothing else: the
    healthcheck would pass (and release `service_healthy` waits) on a service no other
    container reaches. The reason says how it binds."""
    compose = f"services:\n  api:\n    build: ./api\n    command: {command}\n"
    [finding] = check(repo(compose), select="C004")
    assert finding.safety.value == "unsafe", finding
    assert f"binds 127.0.0.1 only ({how})" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize("environment", ["UVICORN_HOST: 0.0.0.0", "PORT: '9000'"])
def test_c004_host_from_the_environment_is_no_loopback(environment: str) -> None:
    """uvicorn reads UVICORN_HOST; gunicorn binds 0.0.0.0:$PORT when PORT is set."""
    server = "uvicorn app.main:app" if "UVICORN" in environment else \
        "gunicorn -k uvicorn.workers.UvicornWorker app.main:app"
    compose = (f"services:\n  api:\n    build: ./api\n    command: {server}\n"
               f"    environment:\n      {environment}\n")
    [finding] = check(repo(compose), select="C004")
    assert "127.0.0.1" not in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("compose", "extra", "cmd"), [
    pytest.param(COMPOSE, "HEALTHCHECK CMD curl -f http://localhost:8000/health\n", CMD,
                 id="dockerfile"),
    pytest.param(COMPOSE, "HEALTHCHECK NONE\n", CMD, id="dockerfile-none"),
    pytest.param("services:\n  api:\n    build: ./api\n    healthcheck:\n      disable: true\n",
                 "", CMD, id="compose-disabled"),
    pytest.param(COMPOSE, "", '["celery", "-A", "app", "worker"]', id="not-a-web-server"),
    pytest.param("services:\n  api:\n    image: example/api:1.0\n", "", CMD, id="image-only"),
])
def test_c004_noop(compose: str, extra: str, cmd: str) -> None:
    outcome = fix(repo(compose, extra, cmd), select="C004")
    assert (outcome.diff, outcome.remaining, outcome.clean) == ("", [], True)


@pytest.mark.parametrize(("compose", "cmd", "reason"), [
    pytest.param(COMPOSE, '["uvicorn", "app.main:app", "--port", "${PORT}"]',
                 "listen port is unknown", id="unknown-port"),
    pytest.param("services:\n  api:\n    build: ./api\n    healthcheck:\n      interval: 5s\n", CMD,
                 "timings but no test", id="timings-only"),
])
def test_c004_display_only(compose: str, cmd: str, reason: str) -> None:
    outcome = fix(repo(compose, cmd=cmd), select="C004")
    [finding] = outcome.remaining
    assert (outcome.diff, outcome.clean, finding.fixable) == ("", True, False)
    assert reason in (finding.reason or "")


def test_c004_says_where_a_bind_mounted_script_comes_from() -> None:
    """The script the command runs is no file of the image but a bind mount's: the port
    stays unread, and the reason says so rather than that the script is missing."""
    files = {"compose.yaml": "services:\n  api:\n    build: .\n    command: [\"python\", "
                             "\"./server.py\"]\n    volumes:\n      - ./src/api.py:/srv/"
                             "server.py\n",
             "Dockerfile": "FROM python:3.12\nWORKDIR /srv\nRUN pip install fastapi uvicorn\n",
             "src/api.py": "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
                           "uvicorn.run(app, host=\"0.0.0.0\", port=8080)\n"}
    [finding] = fix(files, select="C004").remaining
    assert finding.reason == ("the listen port is unknown: ./server.py is bind-mounted from "
                              "src/api.py, which fixer does not read for the port")


@pytest.mark.parametrize(("base", "extra", "test"), [
    pytest.param("python:3.12-slim", "RUN apt-get update && apt-get install -y curl\n",
                 ["CMD", "curl", "-f", "http://localhost:8000/health"], id="curl-installed"),
    # BusyBox wget tries `localhost` as ::1 only, where uvicorn on 0.0.0.0 does not listen
    pytest.param("python:3.12-alpine", "",
                 ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/health"],
                 id="busybox-wget"),
    pytest.param("python:3.12-slim", "",
                 ["CMD", "curl", "-f", "http://localhost:8000/health"], id="slim-installs-curl"),
    # an image fixer does not know, whose Dockerfile installs curl itself
    pytest.param("example/cuda-runtime:12", "RUN apt-get update && apt-get install -y curl\n",
                 ["CMD", "curl", "-f", "http://localhost:8000/health"],
                 id="unknown-image-installs-curl"),
])
def test_c004_probe_runs_a_tool_the_image_has(base: str, extra: str, test: list[str]) -> None:
    outcome = fixed(repo(COMPOSE, extra, base=base))
    assert healthcheck(outcome)["test"] == test
    assert ("curl" in outcome.text("api/Dockerfile")) == (test[1] == "curl")
    assert check(outcome.tree, select=("C004", "D003")) == []  # D003 has nothing to add


PYTHON_PROBE = ["CMD", "python", "-c", "import urllib.request; urllib.request."
                "urlopen('http://localhost:8000/health', timeout=3)"]


@pytest.mark.parametrize(("base", "extra", "test"), [
    pytest.param("python:3.10-slim-buster", "", PYTHON_PROBE, id="suite-in-tag"),
    pytest.param("python:3.9.4-slim", "", PYTHON_PROBE, id="patch-pinned-before-bullseye"),
    pytest.param("python:3.7.3-slim", "RUN apt-get update && apt-get install -y gcc\n",
                 PYTHON_PROBE, id="existing-apt-install-not-extended"),
    pytest.param("python:3.9.4", "", ["CMD", "curl", "-f", "http://localhost:8000/health"],
                 id="full-image-ships-curl"),
])
def test_c004_archived_release_installs_nothing(base: str, extra: str, test: list[str]) -> None:
    files = repo(COMPOSE, extra, base=base)
    outcome = fixed(files)
    assert healthcheck(outcome)["test"] == test
    assert outcome.text("api/Dockerfile") == files["api/Dockerfile"]
    assert check(outcome.tree, select=("C004", "D003")) == []


def test_c004_adds_the_route_it_probes_when_h001_is_not_selected() -> None:
    main = "from fastapi import FastAPI\n\n\nclass Api(FastAPI):\n    pass\n\n\napp = Api()\n"
    outcome = fixed(repo(COMPOSE, main=main))
    assert healthcheck(outcome)["test"][-1] == "http://localhost:8000/health"  # type: ignore[index]
    assert outcome.text("api/app/main.py") == main + (
        '\n\n@app.get("/health")\ndef health():\n    return {"status": "ok"}\n')
    assert check(outcome.tree, select=("H001", "C004")) == []


def test_c004_after_h001_in_one_run_probes_its_route() -> None:
    """H001 fixes first; C004 then probes the route H001 added (two commits, no overlap)."""
    outcome = fixed(repo(COMPOSE, main="from fastapi import FastAPI\n\napp = FastAPI()\n"),
                    select=("H001", "C004"))
    assert len(outcome.applied) == 2
    assert outcome.diff.count('@app.get("/health")') == 1


@pytest.mark.parametrize(("base", "main", "safety", "reason"), [
    pytest.param("example/python-runtime:3", MAIN, "unsafe", "does not know what the base image",
                 id="unknown-image-python3"),
    pytest.param("mambaorg/micromamba:1.5.8-bookworm-slim", MAIN, "unsafe", "has no system "
                 "`python3`, and its environment is on PATH only through the image's entrypoint "
                 "script, which a healthcheck does not run", id="micromamba-image"),
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom app.config import PATHS\n\n"
                 "app = FastAPI()\n\n\n@app.get(PATHS['live'])\ndef live():\n    return 1\n",
                 "unsafe", "is a health path its code names", id="health-path-only-a-literal"),
    # a class's string constant is the route's path, as a literal is
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom app.config import Paths\n\n"
                 "app = FastAPI()\n\n\n@app.get(Paths.live)\ndef live():\n    return 1\n",
                 "safe", "http://localhost:8000/healthz", id="class-constant-path"),
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom app.config import Route\n\n"
                 "app = FastAPI()\n\n\n@app.get(Route.LIVE.value)\ndef live():\n    return 1\n",
                 "safe", "http://localhost:8000/livez", id="enum-member-value-path"),
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom common import health\n\n"
                 "app = FastAPI()\napp.include_router(health.router)\n",
                 "display-only", "which fixer cannot read", id="health-router-unreadable"),
    pytest.param("python:3.12", "from fastapi import FastAPI\n\n\ndef make():\n"
                 "    return FastAPI()\n\n\napp = make()\n", "display-only",
                 "cannot find where the app object is created", id="app-object-not-found"),
    pytest.param("python:3.12", MAIN.replace("def health():\n", "def health():\n<<<<<<< HEAD\n"),
                 "display-only", "the app stops at start-up: api/app/main.py:8 does not compile "
                 "(merge-conflict marker `<<<<<<< HEAD`) (S004)",
                 id="app-module-does-not-compile"),
    pytest.param("gcr.io/distroless/python3-debian12", MAIN, "display-only",
                 "neither curl nor wget", id="distroless"),
    pytest.param("debian:10-slim", MAIN, "display-only", "cannot install it: debian:10-slim is "
                 "Debian buster, whose package archive is gone: apt-get cannot install curl",
                 id="archived-release-no-python"),
    pytest.param("python:3.12", KEYWORD_GET + "app = Api()\n", "display-only",
                 "fixer cannot vouch that one added with a decorator would work: the app's "
                 "class `Api` (api/app/main.py:4) redefines `get`", id="class-redefines-get"),
    pytest.param("python:3.12", KEYWORD_GET + 'app = Api()\n\n\n@app.get(path="/health")\n'
                 "def health():\n    return 1\n", "unsafe", "redefines `get`: fixer cannot vouch "
                 "that the app serves `/health`", id="class-redefines-get-health-on-the-app"),
    pytest.param("python:3.12", KEYWORD_GET + 'ops = APIRouter()\n\n\n@ops.get("/healthz")\n'
                 "def health():\n    return 1\n\n\napp = Api()\napp.include_router(ops)\n",
                 "safe", "http://localhost:8000/healthz", id="class-redefines-get-health-router"),
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom kit.web import ServiceApp\n"
                 "\napp = ServiceApp()\n", "display-only",
                 "the app is built by `kit.web.ServiceApp`, which fixer cannot read",
                 id="class-unreadable"),
    # the doubt of keywords fixer cannot read is about every route, not one H001 would add
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom app.config import KWARGS\n\n"
                 "app = FastAPI(**KWARGS)\n\n\n@app.get('/health')\ndef health():\n"
                 "    return 1\n", "unsafe", "there apply to every route, a health route too): "
                 "fixer cannot vouch that the app serves `/health`", id="spread-keywords"),
    # a dependency written in `Annotated[...]` is one, not a value the request must carry
    pytest.param("python:3.12", "from typing import Annotated\n\nfrom fastapi import Depends, "
                 "FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\ndef health(s: "
                 "Annotated[dict, Depends(dict)]):\n    return 1\n", "unsafe",
                 "/health: its handler takes `s` from `Depends`", id="annotated-depends"),
    pytest.param("python:3.12", "from typing import Annotated\n\nfrom fastapi import Depends, "
                 "FastAPI\n\nDep = Annotated[dict, Depends(dict)]\napp = FastAPI()\n\n\n"
                 "@app.get('/health')\ndef health(s: Dep):\n    return 1\n", "unsafe",
                 "/health: its handler takes `s` (`Dep`) with no default (a dependency, or a "
                 "value the request must carry)", id="annotated-alias"),
    # a route that reads as a health route is probed: no second one is added beside it
    pytest.param("python:3.12", "from fastapi import FastAPI\nfrom app.extras import extras\n\n"
                 "app = FastAPI()\nextras(app)\n\n\n@app.get('/ping')\ndef ping():\n"
                 "    return 1\n", "unsafe", "(`extras(app)` may add routes: fixer cannot vouch "
                 "that the app serves `/ping`", id="health-like-route-after-a-helper"),
])
def test_c004_unsafe_or_display_only(base: str, main: str, safety: str, reason: str) -> None:
    files = repo(COMPOSE, base=base, main=main)
    if "app.config" in main:
        files["api/app/config.py"] = (
            'from enum import Enum\n\nPATHS = {"live": "/healthz", "ready": "/readyz"}\n\n\n'
            'class Paths:\n    live = "/healthz"\n\n\nclass Route(Enum):\n    LIVE = "/livez"\n'
            'KWARGS = {"title": "demo"}\n')
    if "app.extras" in main:
        # a mount at the root, before `/ping`: it may answer every path (one under its own
        # prefix, `/ws`, answers none of the app's routes)
        files["api/app/extras.py"] = 'def extras(app):\n    app.mount("/", object())\n'
    [finding] = check(files, select="C004")
    assert finding.safety.value == safety
    outcome = fix(files, select="C004", unsafe=True)
    if finding.fixable:
        assert reason in (finding.fix_title or "")
    else:
        [left] = outcome.remaining
        assert reason in (left.reason or "")
    assert bool(outcome.diff) == (safety != "display-only")


def test_c004_unknown_image_probes_with_python3() -> None:
    outcome = fixed(repo(COMPOSE, base="example/python-runtime:3"), unsafe=True)
    assert healthcheck(outcome)["test"][:3] == ["CMD", "python3", "-c"]  # type: ignore[index]


def test_c004_display_only_when_h001_is_off_for_the_service() -> None:
    outcome = fix(repo(COMPOSE, main="from fastapi import FastAPI\n\napp = FastAPI()\n"),
                  select="C004", per_service_ignores=(("api", ("H001",)),))
    [finding] = outcome.remaining
    assert outcome.diff == "" and "H001, which adds one, is turned off" in (finding.reason or "")


def test_c004_check_builds_no_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fixer check` judges where the healthcheck, the route and the curl layer go without
    writing them: each is rendered only when the fix's edits are asked for."""
    built = calls(monkeypatch, c004, "add_entry", "route_edits", "install_edits")
    files = repo(base="python:3.12-slim", main="from fastapi import FastAPI\n\napp = FastAPI()\n")
    [finding] = check(files, select="C004")
    assert finding.fix_title == ("Add a healthcheck on http://localhost:8000/health, with the GET "
                                 "/health route it probes (api/app/main.py) and curl installed "
                                 "in api/Dockerfile")
    assert built == []
    edits = finding.edits()
    assert [name for name, _ in built] == ["add_entry", "route_edits", "install_edits"]
    assert [e.path for e in edits] == ["docker-compose.yml", "api/app/main.py", "api/Dockerfile"]


def test_c004_healthcheck_goes_where_the_service_is_defined(tmp_path: Path) -> None:
    """An override that repeats the service's `build:` is not always loaded (`-f
    docker-compose.yml` in CI): the healthcheck goes in the file that defines the service,
    where C003's `service_healthy` on it goes too, so the base file alone still starts."""
    root = copy_tree(GOLDEN / "C004-missing-healthcheck" /
                     "healthcheck-goes-where-the-service-is-defined" / "before", tmp_path / "r")
    code, _, err = run_cli("fix", "--apply", root, "--select", "C004,C003,D003")
    assert code == 1, err
    alone = subprocess.run([str(compose_binary()), "-f", str(root / "docker-compose.yml"),
                            "config"], cwd=root, capture_output=True, text=True, timeout=60)
    assert alone.returncode == 0, alone.stderr
    services = yaml.safe_load(alone.stdout)["services"]
    assert services["web"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert "curl" in services["api"]["healthcheck"]["test"]
    assert "healthcheck" not in (root / "docker-compose.override.yml").read_text()


# Syntax of a newer Python than the one running fixer, with an image that runs that newer one:
# a PEP 701 f-string (3.12) or a PEP 758 exception list (3.14).
NEWER_SYNTAX = [
    pytest.param("python:3.12", 'names = ["a"]\nlabel = f"{", ".join(names)}"\n',
                 marks=pytest.mark.skipif(sys.version_info >= (3, 12),
                                          reason="this Python reads PEP 701 f-strings"),
                 id="pep-701-f-string-on-python-3-12"),
    pytest.param("python:3.14", "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
                 marks=pytest.mark.skipif(sys.version_info >= (3, 14),
                                          reason="this Python reads PEP 758 exception lists"),
                 id="pep-758-except-list-on-python-3-14"),
]


@pytest.mark.parametrize(("base", "newer"), NEWER_SYNTAX)
def test_c004_says_when_only_fixers_python_cannot_read_the_app(base: str, newer: str) -> None:
    """Not "does not compile": the image's Python accepts what fixer's rejects, so the
    service may well start; fixer only cannot read its routes. S004 stays silent."""
    files = repo(COMPOSE, base=base, main=MAIN.replace("app = FastAPI()\n",
                                                       "app = FastAPI()\n" + newer))
    [finding] = check(files, select="C004")
    assert finding.safety.value == "display-only"
    [left] = fix(files, select="C004", unsafe=True).remaining
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"fixer cannot tell which path to probe: fixer's Python {running} cannot read " \
        "api/app/main.py:" in (left.reason or "")
    assert "which the image's newer Python may accept" in (left.reason or "")
    assert "does not compile" not in (left.reason or "")
    assert check(files, select="S004") == []


def test_c004_leaves_a_service_that_extends_another_alone() -> None:
    """`extends:` may bring the healthcheck (a CUDA variant extending the base service with
    other build args); fixer does not follow it, so it cannot tell the service has none."""
    files = {
        "compose.yaml": 'services:\n  api:\n    build:\n      context: .\n'
                        '    ports: ["8000:8000"]\n'
                        '    healthcheck:\n      test: ["CMD", "curl", "-f", '
                        '"http://localhost:8000/health"]\n',
        "compose.cuda.yaml": "services:\n  api:\n    extends:\n      file: compose.yaml\n"
                             "      service: api\n    build:\n      args:\n"
                             "        BASE_IMAGE: ubuntu:24.04\n",
        "Dockerfile": 'FROM python:3.12\nCOPY app ./app\nCMD ["uvicorn", "app.main:app", '
                      '"--host", "0.0.0.0", "--port", "8000"]\n',
        "app/__init__.py": "",
        "app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
                       'def health():\n    return {"status": "ok"}\n',
    }
    assert check(files, select="C004") == []


@pytest.mark.parametrize(("cmd", "extra", "main"), [
    pytest.param('["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", '
                 '"--ssl-keyfile", "key.pem", "--ssl-certfile", "cert.pem"]', "", MAIN,
                 id="uvicorn-certificate"),
    pytest.param('["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8000", '
                 '"--certfile", "cert.pem", "app.main:app"]', "", MAIN, id="gunicorn-certfile"),
    pytest.param(CMD, "ENV UVICORN_SSL_CERTFILE=/certs/cert.pem\n", MAIN, id="uvicorn-environment"),
    pytest.param('["python", "-m", "app.main"]', "", MAIN + '\n\nif __name__ == "__main__":\n'
                 "    import uvicorn\n\n    uvicorn.run(app, host='0.0.0.0', port=8000, "
                 "ssl_keyfile='key.pem', ssl_certfile='cert.pem')\n", id="uvicorn-run-script"),
])
def test_c004_no_http_probe_of_an_app_that_serves_https(cmd: str, extra: str,
                                                         main: str) -> None:
    """`curl http://localhost:8000/health` never passes against a TLS port: the container
    would stay unhealthy, and every gate on it would stop `docker compose up`."""
    [finding] = check(repo(COMPOSE, extra, cmd=cmd, main=main), select="C004")
    assert not finding.fixable and "the app serves HTTPS" in (finding.reason or ""), finding


def test_c004_leaves_a_service_another_extends_alone() -> None:
    """`api` extends `api-base` and runs it on 7000: a probe of 9000 written into api-base
    would be inherited by api, which never listens there."""
    files = {
        "docker-compose.common.yml": "services:\n  api-base:\n    build: ./api\n",
        "docker-compose.yml": "services:\n  api:\n    extends:\n"
                              "      file: docker-compose.common.yml\n      service: api-base\n"
                              '    command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", '
                              '"--port", "7000"]\n',
        "api/Dockerfile": 'FROM python:3.12\nCOPY app ./app\nCMD ["uvicorn", "app.main:app", '
                          '"--host", "0.0.0.0", "--port", "9000"]\n',
        "api/app/__init__.py": "", "api/app/main.py": MAIN,
    }
    assert check(files, select="C004") == []


@pytest.mark.parametrize(("main", "why"), [
    pytest.param("from fastapi import APIRouter, Depends, FastAPI\n\n\ndef token():\n    pass\n\n\n"
                 "router = APIRouter()\n\n\n@router.get('/health')\ndef health():\n    return 1\n"
                 "\n\napp = FastAPI()\napp.include_router(router, prefix='/api', "
                 "dependencies=[Depends(token)])\n", "gives its routes dependencies",
                 id="include-router-dependencies"),
    pytest.param("from fastapi import Depends, FastAPI\n\n\ndef token():\n    pass\n\n\n"
                 "app = FastAPI()\n\n\n@app.get('/health', dependencies=[Depends(token)])\n"
                 "def health():\n    return 1\n", "the route has dependencies",
                 id="route-dependencies"),
    pytest.param("from fastapi import Depends, FastAPI\n\n\ndef token():\n    pass\n\n\n"
                 "app = FastAPI()\n\n\n@app.get('/health')\ndef health(user=Depends(token)):\n"
                 "    return 1\n", "takes `user` from `Depends`", id="depends-parameter"),
    pytest.param("from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n"
                 "@app.get('/health')\ndef health(request: Request, verbose: bool):\n"
                 "    return 1\n", "requires the parameter `verbose`", id="required-query"),
])
def test_c004_probe_of_a_health_route_that_may_refuse_it_is_unsafe(main: str, why: str) -> None:
    """A GET with no token, no header and no query answers 401, 403 or 422 there: the
    container would stay unhealthy."""
    [finding] = check(repo(COMPOSE, main=main), select="C004")
    assert finding.safety.value == "unsafe" and why in (finding.reason or ""), finding.reason


def test_c004_a_health_route_taking_only_the_request_stays_safe() -> None:
    main = ("from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n@app.get('/health')\n"
            "def health(request: Request, verbose: bool = False):\n    return 1\n")
    [finding] = check(repo(COMPOSE, main=main), select="C004")
    assert finding.safety.value == "safe", finding.reason


@pytest.mark.parametrize("path", ["/health", "/healthcheck"])
def test_c004_probe_of_a_health_route_with_side_effects_is_unsafe(path: str) -> None:
    """A probe every 10 s repeats what the handler does: a task queued each time."""
    main = ("from fastapi import FastAPI\n\nfrom app.worker import ping\n\napp = FastAPI()\n\n\n"
            f"@app.get('{path}')\ndef check():\n    ping.delay()\n    return 1\n")
    files = {**repo(COMPOSE, main=main), "api/app/worker.py": "ping = None\n"}
    [finding] = check(files, select="C004")
    assert finding.safety.value == "unsafe"
    assert "its handler calls `ping.delay()`" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("call", "unsafe"), [
    ("await app.state.producer.send('raw-events', value=b'x')", True),
    ("await producer.send_and_wait('events', b'x')", True),
    ("await websocket_manager.send('hello')", False),
])
def test_c004_a_message_producer_s_send_in_the_health_handler_is_a_side_effect(
        call: str, unsafe: bool) -> None:
    main = ("from fastapi import FastAPI\n\nproducer = None\nwebsocket_manager = None\n"
            f"app = FastAPI()\n\n\n@app.get('/health')\nasync def health():\n    {call}\n"
            "    return 1\n")
    [finding] = check(repo(COMPOSE, main=main), select="C004")
    assert (finding.safety.value == "unsafe") is unsafe, finding.reason


def test_c004_the_reason_names_the_helper_that_may_serve_the_health_route() -> None:
    main = ("from fastapi import FastAPI\n\nfrom platform_kit import add_cors, attach_health\n\n"
            "app = FastAPI()\nadd_cors(app)\nattach_health(app)\n")
    files = {**repo(COMPOSE, main=main), "api/app/health.py": "HEALTH = '/health'\n"}
    [finding] = check(files, select="C004")
    assert (finding.reason or "").startswith("`attach_health(app)` may add routes"), finding


@pytest.mark.parametrize(("main", "why"), [
    pytest.param("from fastapi import Depends, FastAPI\n\nfrom app.auth import user\n\n"
                 "app = FastAPI()\n\n\n@app.get('/healthcheck')\ndef check(u=Depends(user)):\n"
                 "    return 1\n", "/healthcheck: its handler takes `u` from `Depends`",
                 id="depends-parameter"),
    pytest.param("from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\nready = []\n\n\n"
                 "@app.get('/ping')\ndef ping():\n    if not ready:\n"
                 "        raise HTTPException(503)\n    return 1\n",
                 "/ping: its handler answers 503 in some state", id="error-answer"),
])
def test_c004_probe_of_a_route_reading_as_health_that_may_refuse_it_is_unsafe(
        main: str, why: str) -> None:
    """A route that only reads as the health route (`/healthcheck`, `/ping`) is guarded as
    one H001 counts is: a probe of it would stay unhealthy all the same."""
    files = {**repo(COMPOSE, main=main), "api/app/auth.py": "def user() -> None:\n    pass\n"}
    [finding] = check(files, select="C004")
    assert finding.safety.value == "unsafe" and why in (finding.reason or ""), finding.reason


def test_c004_several_routes_reading_as_health_leave_the_choice_to_the_author() -> None:
    main = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/liveness')\n"
            "def liveness():\n    return 1\n\n\n@app.get('/readiness')\ndef readiness():\n"
            "    return 1\n")
    [finding] = check(repo(COMPOSE, main=main), select="C004")
    assert not finding.fixable
    assert "which of them to probe is the author's call" in (finding.reason or "")
    assert "added with a decorator" not in (finding.reason or ""), finding.reason


def test_c004_names_a_prefix_it_cannot_read() -> None:
    """A health route under a router prefix a setting holds: the reason says why fixer
    cannot write the probe, not only that it cannot."""
    main = ("from fastapi import APIRouter, FastAPI\n\nfrom app.config import settings\n\n"
            "router = APIRouter()\n\n\n@router.get('/health')\ndef health() -> dict:\n"
            "    return {}\n\n\napp = FastAPI()\n"
            "app.include_router(router, prefix=settings.api_prefix)\n")
    files = {**repo(main=main), "api/app/config.py": (
        "import os\n\n\nclass Settings:\n    api_prefix = os.getenv('API_PREFIX', '/api')\n"
        "\n\nsettings = Settings()\n")}
    [finding] = check(files, select="C004")
    assert not finding.fixable
    assert "its health route `…/health` is not a path fixer can write in a probe (its " \
        "router's prefix is not a literal" in (finding.reason or "")


def test_c004_leaves_the_curl_install_to_d003_ignored_at_its_final_from() -> None:
    """`# fixer: ignore[D003]` above the final stage's FROM, where D003 reports, turns off
    the part of C004's fix D003 owns: no curl layer, a Python probe instead."""
    dockerfile = ("FROM python:3.12 AS build\nRUN pip wheel -w /w fastapi uvicorn\n\n"
                  "# fixer: ignore[D003]\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                  f"CMD {CMD}\n")
    files = {**repo(), "api/Dockerfile": dockerfile}
    outcome = fixed(files)
    assert "curl" not in outcome.text("api/Dockerfile")
    assert healthcheck(outcome)["test"][:2] == ["CMD", "python"]


@pytest.mark.parametrize(("script", "reason"), [
    pytest.param("sleep 12\n", "its command sleeps 12 s before the server starts", id="sleep"),
    pytest.param("while ! nc -z db 5432; do\n  sleep 10\ndone\n",
                 "its command waits in a loop before the server starts (`sleep 10` each turn)",
                 id="wait-loop")])
def test_c004_says_how_an_entrypoint_script_delays_the_server(script: str, reason: str) -> None:
    """The ENTRYPOINT script that starts the server is read once (its `sleep 12` is not 24 s),
    and a loop's sleep is a wait of unknown length, not a fixed one."""
    files = {"docker-compose.yml": COMPOSE,
             "api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                               'ENTRYPOINT ["/app/start.sh"]\n',
             "api/start.sh": f"#!/bin/sh\n{script}exec uvicorn --host 0.0.0.0 main:app\n",
             "api/main.py": MAIN}
    [finding] = check(files, select="C004")
    assert finding.safety.value == "unsafe" and reason in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("overlay", "how"), [
    pytest.param("docker-compose.prod.yml", "loaded with `-f`", id="an-f-file"),
    pytest.param("docker-compose.override.example.yml",
                 "a template a checkout may copy in as an overlay", id="a-template-to-copy"),
])
def test_c004_says_how_the_overlay_that_changes_the_service_comes_in(overlay: str,
                                                                     how: str) -> None:
    """An overlay sets the service's environment: the healthcheck of the base file is
    unsafe, and the reason says how that file comes into a run (an `.example` file is a
    template a checkout copies, never loaded as it is)."""
    files = {**repo(), overlay: "services:\n  api:\n    environment:\n      LOG: debug\n"}
    [found] = check(files, select="C004")
    said = (f"{overlay}, {how}, sets api's `environment`; the healthcheck goes in "
            "docker-compose.yml, which also runs without it")
    assert found.reason == said, found.reason


_PING_APP = """\
from fastapi import APIRouter, FastAPI, HTTPException

router = APIRouter()


@router.get("/{item_id}")
def get_item(item_id: int):
    raise HTTPException(status_code=404)


app = FastAPI()
{first}
{second}
"""
_INCLUDE = "app.include_router(router)\n"
_PING = '\n@app.get("/ping")\ndef ping():\n    return {"message": "pong"}\n'


@pytest.mark.parametrize(("first", "second", "reason"), [
    pytest.param(_INCLUDE, _PING, "its route `/{item_id}` answers /ping first: fixer cannot "
                 "vouch that the app serves `/ping` as its code writes it",
                 id="a-route-registered-before-it-answers-the-probe"),
    pytest.param(_PING, _INCLUDE, None, id="registered-before-the-route-that-would"),
])
def test_c004_probes_the_apps_own_health_like_route_as_it_is_registered(
        first: str, second: str, reason: str | None) -> None:
    """C004 probes `/ping`, the route the app serves that reads as its health route: what
    may keep a probe of it from its handler is said of it (a `/{item_id}` route registered
    before it takes the request), not of the `/health` route H001 would add after them."""
    files = {"compose.yaml": 'services:\n  api:\n    build: ./api\n    ports:\n'
                             '      - "8000:8000"\n',
             "api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                               'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", '
                               '"--port", "8000"]\n',
             "api/requirements.txt": "fastapi\nuvicorn\n", "api/app/__init__.py": "",
             "api/app/main.py": _PING_APP.replace("{first}", first).replace("{second}",
                                                                            second)}
    [found] = check(files, select="C004")
    assert found.fix_title is not None and "/ping" in found.fix_title, found.fix_title
    assert found.reason == reason, found.reason


@pytest.mark.parametrize(("exempt", "unsafe"), [("", True),
                                                ("    if request.url.path == '/health':\n"
                                                 "        return await call_next(request)\n",
                                                 False)])
def test_c004_a_middleware_that_writes_on_every_request_makes_the_probe_unsafe(
        exempt: str, unsafe: bool) -> None:
    main = ("from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n"
            "@app.middleware('http')\nasync def track(request: Request, call_next):\n"
            f"{exempt}    response = await call_next(request)\n"
            "    await app.state.producer.send('raw-events', value=b'x')\n"
            "    return response\n\n\n@app.get('/health')\nasync def health():\n    return 1\n")
    [finding] = check(repo(COMPOSE, main=main), select="C004")
    assert (finding.safety.value == "unsafe") is unsafe, finding.reason
    if unsafe:
        assert finding.reason == ("the middleware `track` calls `app.state.producer.send()` on "
                                  "every request, which a probe every 10 s would repeat")


def test_c004_a_script_whose_option_picks_its_role_is_an_app_only_for_http() -> None:
    """Three services run `python main.py --adapter X`: the option picks the role, so only
    the `http` one is an app service, and its reason names what the script writes (two
    `uvicorn.Config` calls on different ports), not "several uvicorn.run(...) calls"."""
    script = ("import asyncio\nimport sys\n\nimport uvicorn\nfrom fastapi import FastAPI\n\n"
              "app = FastAPI()\n\n\nasync def http() -> None:\n"
              "    await uvicorn.Server(uvicorn.Config(app, host='0.0.0.0', port=8000)).serve()\n"
              "\n\nasync def both() -> None:\n"
              "    await uvicorn.Server(uvicorn.Config(app, host='0.0.0.0', port=8001)).serve()\n"
              "\n\nif __name__ == '__main__':\n"
              "    asyncio.run(http() if sys.argv[-1] == 'http' else both())\n")
    services = "".join(f"  {role}:\n    build: .\n    command: python main.py --adapter {role}\n"
                       for role in ("http", "kafka", "celery"))
    files = {"compose.yaml": "services:\n" + services,
             "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                           "RUN pip install -r requirements.txt\nCOPY . .\n",
             "requirements.txt": "fastapi\nuvicorn\n", "main.py": script}
    [finding] = check(files, select="C004")
    assert finding.service == "http"
    assert (finding.reason or "").endswith(
        "main.py starts uvicorn in 2 places (uvicorn.Config at lines 11 and 15), and fixer "
        "cannot tell which one runs"), finding.reason


_BUILT_IN_EACH = ("import asyncio\nimport sys\n\nimport uvicorn\n\nfrom factory import create_app\n"
                  "\n\nasync def http() -> None:\n    app = create_app()\n"
                  "    config = uvicorn.Config(app, host='0.0.0.0', port=8000)\n"
                  "    await uvicorn.Server(config).serve()\n"
                  "\n\nasync def both(roles: list[str]) -> None:\n"
                  "    if 'http' in roles:\n        {bind}\n"
                  "        config = uvicorn.Config(app, host='0.0.0.0', port={port})\n"
                  "        await uvicorn.Server(config).serve()\n"
                  "\n\nif __name__ == '__main__':\n"
                  "    asyncio.run(http() if sys.argv[-1] == 'http' else both(sys.argv))\n")


@pytest.mark.parametrize(("bind", "port", "probed"), [
    pytest.param("app = create_app()", 8000, True, id="each-builds-the-app-on-one-port"),
    pytest.param("app = create_app()", 8001, False, id="two-ports"),
    pytest.param("app = object()", 8000, False, id="another-object"),
    pytest.param("app = create_app()\n        for app in [app]:\n            pass", 8000, False,
                 id="bound-twice"),
])
def test_c004_uvicorn_calls_that_each_build_the_app_where_they_run_it_agree(
        bind: str, port: int, probed: bool) -> None:
    """`app = create_app()` in the function (or the branch) that hands it to uvicorn.Config,
    twice on port 8000: whichever runs, the app listens on 8000, and the healthcheck probes
    it. A local `app` that is no call of a module-level function stays unknown."""
    files = {"compose.yaml": "services:\n  http:\n    build: .\n"
                             "    command: python main.py --adapter http\n",
             "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                           "RUN pip install -r requirements.txt\nCOPY . .\n",
             "requirements.txt": "fastapi\nuvicorn\n",
             "factory.py": "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n"
                           "    app = FastAPI()\n\n    @app.get('/health')\n"
                           "    def health() -> dict[str, str]:\n"
                           "        return {'status': 'ok'}\n\n    return app\n",
             "main.py": _BUILT_IN_EACH.replace("{bind}", bind).replace("{port}", str(port))}
    [finding] = check(files, select="C004")
    assert (finding.fix_title is not None and "localhost:8000/health" in finding.fix_title) \
        is probed, (finding.fix_title, finding.reason)


def test_c004_health_like_routes_before_a_catch_all_are_the_authors_call() -> None:
    """`/health/live` and `/health/ready` come before the SPA's `/{full_path:path}`, which
    takes only what no earlier route answers: the app serves health-like routes, and which
    to probe is the author's call; the catch-all matters only to a route added after it."""
    case = GOLDEN / "H001-missing-health-endpoint" / \
        "several-health-like-routes-before-a-catch-all-display-only" / "before"
    files = {p.relative_to(case).as_posix(): p.read_text() for p in case.rglob("*")
             if p.is_file()}
    found = {f.code: f for f in check(files, select=["H001", "C004"])}
    assert "which of them to probe is the author's call" in (found["C004"].reason or ""), \
        found["C004"].reason
    assert "answers /health first" not in (found["H001"].reason or ""), found["H001"].reason


def test_c004_a_package_importing_its_own_submodules_does_not_stop_the_app() -> None:
    """`from app.api.v1 import auth, users` in app/api/v1/__init__.py imports the package's
    submodules auth.py and users.py: no ImportError, the fix stays safe."""
    router = "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
    files = {"docker-compose.yml": 'services:\n  api:\n    build: .\n',
             "Dockerfile": 'FROM python:3.12\nWORKDIR /code\nCOPY app ./app\n'
                           'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
             "app/__init__.py": "", "app/api/__init__.py": "",
             "app/api/v1/__init__.py": "from fastapi import APIRouter\n\n"
                                       "from app.api.v1 import auth, users\n\n"
                                       "api_router = APIRouter()\n"
                                       "api_router.include_router(auth.router)\n",
             "app/api/v1/auth.py": router, "app/api/v1/users.py": router,
             "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.v1 import api_router\n\n"
                            "app = FastAPI()\napp.include_router(api_router)\n\n\n"
                            "@app.get('/health')\ndef health():\n    return {'status': 'ok'}\n"}
    [found] = check(files, select="C004")
    assert found.safety.value == "safe", found.reason



# api on 8000, as a proxy reaches it; a URL calls it at 8080: P001 moves the URL
PEERS = ("services:\n  api:\n    build: ./api\n    ports:\n      - 8002:8000\n"
         "  web:\n    build: ./api\n    environment:\n      - API_URL=http://api:8080/v1/\n"
         "  proxy:\n    image: nginx:1.27\n    ports:\n      - \"8080:8080\"\n    volumes:\n"
         "      - ./nginx.conf:/etc/nginx/conf.d/default.conf\n")
PROXY = "server {\n    listen 8080;\n    location /api {\n        proxy_pass http://api:8000/v1;\n" \
        "    }\n}\n"


def test_c004_is_not_held_by_a_p001_fix_that_leaves_the_app_on_its_port() -> None:
    """A healthcheck written on the port the app listens on waits for P001's fix only where
    that fix may move the app: one that rewrites compose's side (the URL that calls api at
    8080) leaves the probe right either way, so the check offers both, and a branch does
    not say the C004 commit relies on the P001 one."""
    findings = {(f.code, f.service): f
                for f in check({**repo(PEERS), "nginx.conf": PROXY}, select=("P001", "C004"))}
    assert findings["P001", "api"].fix_title == \
        "Point the URLs that call api at port 8000 (docker-compose.yml)"
    assert findings["P001", "api"].safety.value == "safe"
    assert findings["C004", "api"].fixable and findings["C004", "api"].safety.value == "safe"


@pytest.mark.parametrize(("gitignore", "reason"), [
    pytest.param(None, "a `.env` is edited where the stack is deployed", id="committed"),
    # git leaves it out of what fixer reads: each checkout's own, not in the repository
    pytest.param(".env\n", "its env_file .env (not in the repository) may set", id="ignored"),
])
def test_c004_port_from_the_env_file_says_whose_value_it_is(
        tmp_path: Path, gitignore: str | None, reason: str) -> None:
    """A committed `.env` is no file each checkout keeps for itself: the reason says what
    is true of it (edited where deployed), and of one git ignores (not in the repository)."""
    case = copy_tree(GOLDEN / "C004-missing-healthcheck" / "port-variable-from-the-checkouts-"
                     "env-file" / "before", tmp_path / "repo")
    if gitignore is not None:
        (case / ".gitignore").write_text(gitignore)
    subprocess.run(["git", "init", "-q", str(case)], check=True)
    code, out, _ = run_cli("check", case, "--select", "C004", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert code == 1 and reason in finding["reason"], finding["reason"]


def test_c004_names_the_module_it_finds_nowhere() -> None:
    """`uvicorn main:app` beside a bind mount of the context, which holds no main.py (the app
    is `sql_app/main.py`, and the mount brings none either): the reason says which module
    fixer finds nowhere, not that it cannot find where the app object is created."""
    files = {**repo(COMPOSE + "    volumes:\n      - ./api:/app\n",
                    cmd='["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]'),
             "api/app/main.py": MAIN}
    [finding] = check(files, select="C004")
    assert finding.reason is not None and "the command serves `main:app`, and fixer finds no " \
        "main.py in /app, where it runs" in finding.reason, finding.reason


def test_c004_names_a_middleware_object_a_call_builds_as_such() -> None:
    """`app.middleware("http")(MetricsMiddleware())` registers what the call returns (an
    instance whose `__call__` runs), not a function: the reason says so."""
    main = MAIN + '\n\nclass MetricsMiddleware:\n' \
                  '    async def __call__(self, request, call_next):\n' \
                  '        return await call_next(request)\n\n\n' \
                  'app.middleware("http")(MetricsMiddleware())\n'
    [found] = check(repo(main=main), select="C004")
    assert "the middleware `MetricsMiddleware()` is what a call returns, which fixer does " \
           "not read" in (found.reason or ""), found.reason


def test_c004_predicts_no_start_up_failure_for_a_module_a_wheel_installs() -> None:
    """The image installs the project's wheel (`pip install *.whl`): the served module imports
    from site-packages, so its absence from the working directory says nothing of the start."""
    files = {"docker-compose.yml": "services:\n  api:\n    build: .\n    command: gunicorn -k "
                                   "uvicorn.workers.UvicornWorker app.api.http_server:application"
                                   "\n",
             "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY dist/*.whl .\n"
                           "RUN pip install *.whl\n",
             "pyproject.toml": '[tool.poetry]\nname = "api"\npackages = [{include = "app"}]\n',
             "app/__init__.py": "", "app/api/__init__.py": "", "app/api/http_server.py": MAIN}
    [found] = check(files, select="C004")
    assert found.reason is not None and "may stop at start-up" not in found.reason, found.reason


_UV_IMAGE = ("FROM python:3.12-slim\n"
             "COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv\n"
             "WORKDIR /app\nCOPY pyproject.toml .\nRUN uv sync --no-dev\nCOPY . .\n"
             "{env}CMD {cmd}\n")
_SH_C = ('["sh", "-c", "uv run alembic upgrade head && '
         'uv run uvicorn app.main:app --host 0.0.0.0 --port 8000"]')
_UV_PROJECT = ('[project]\nname = "api"\nversion = "1"\ndependencies = ["fastapi", "uvicorn"]\n'
               '\n[dependency-groups]\ndev = ["pytest"]\n')


@pytest.mark.parametrize(("env", "cmd", "project", "slow"), [
    pytest.param("", _SH_C, _UV_PROJECT, True, id="dev-group-left-out"),
    pytest.param("", '["uv", "run", "uvicorn", "app.main:app", "--host", "0.0.0.0"]',
                 _UV_PROJECT, True, id="exec-form"),
    pytest.param("", '["uv", "run", "--no-dev", "uvicorn", "app.main:app"]',
                 _UV_PROJECT, False, id="exec-form-no-dev"),
    pytest.param("ENV UV_NO_SYNC=1\n", _SH_C, _UV_PROJECT, False, id="no-sync"),
    pytest.param("", _SH_C, _UV_PROJECT.split("\n[dependency-groups]")[0] + "\n", False,
                 id="no-dev-group")])
def test_c004_doubts_a_uv_run_that_installs_the_dev_group_first(env: str, cmd: str,
                                                                project: str,
                                                                slow: bool) -> None:
    """`uv run` syncs the environment before it runs the server: where the image's `uv sync
    --no-dev` left the project's dev group out, it installs that first, over the network."""
    files = {"docker-compose.yml": COMPOSE, "api/Dockerfile": _UV_IMAGE.format(env=env, cmd=cmd),
             "api/pyproject.toml": project, "api/app/__init__.py": "", "api/app/main.py": MAIN}
    [found] = check(files, select="C004")
    assert ("uv run" in (found.reason or "")) is slow, found.reason


_NO_DEV_GROUP = _UV_PROJECT.split("\n[dependency-groups]")[0] + "\n"
_UV_RUN = '["uv", "run", "uvicorn", "app.main:app", "--host", "0.0.0.0"]'


@pytest.mark.parametrize(("volumes", "env", "cmd", "slow"), [
    pytest.param(["./api:/app"], "", _UV_RUN, True, id="project-mounted-over-its-environment"),
    pytest.param(["./api:/app"], "", _SH_C, True, id="sh-c"),
    pytest.param(["./:/srv", "./api:/app"], "", _UV_RUN, True, id="one-of-two-mounts"),
    pytest.param(["./api:/app", "/app/.venv"], "", _UV_RUN, False,
                 id="an-anonymous-volume-keeps-it"),
    pytest.param(["./api:/app", "venv:/app/.venv"], "", _UV_RUN, False,
                 id="a-named-volume-keeps-it"),
    pytest.param(["./api/app:/app/app"], "", _UV_RUN, False, id="only-the-code-mounted"),
    pytest.param(["./api:/app"], "ENV UV_PROJECT_ENVIRONMENT=/usr/local\n", _UV_RUN, False,
                 id="environment-outside-the-project"),
    pytest.param(["./api:/app"], "", '["uv", "run", "--no-sync", "uvicorn", "app.main:app"]',
                 False, id="no-sync"),
    pytest.param(["./api:/app"], "", '["uvicorn", "app.main:app", "--host", "0.0.0.0"]',
                 False, id="no-uv-run"),
])
def test_c004_doubts_a_uv_run_whose_environment_a_bind_mount_hides(
        volumes: list[str], env: str, cmd: str, slow: bool) -> None:
    """`./api:/app` over the `/app/.venv` the image's `uv sync` built: `uv run` finds the
    checkout's project and no environment, and installs every dependency before the
    server starts (no dev group here, so only the mount makes it slow)."""
    mounts = "".join(f"      - {volume}\n" for volume in volumes)
    named = "volumes:\n  venv:\n" if any(v.startswith("venv:") for v in volumes) else ""
    files = {"docker-compose.yml": f"{COMPOSE}    volumes:\n{mounts}{named}",
             "api/Dockerfile": _UV_IMAGE.format(env=env, cmd=cmd),
             "api/pyproject.toml": _NO_DEV_GROUP, "api/app/__init__.py": "",
             "api/app/main.py": MAIN}
    [found] = check(files, select="C004")
    assert ("hides the environment the image's `uv sync` built in /app/.venv"
            in (found.reason or "")) is slow, found.reason


def test_c004_names_the_script_the_image_cannot_run_and_its_mode() -> None:
    """`COPY . .` keeps the checkout's mode: a `wait.sh` git holds as 100644 is no program
    the shell runs. The reason names the command's word and the checkout's file."""
    files = {"docker-compose.yml": COMPOSE,
             "api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                               'CMD ["sh", "-c", "./wait.sh && uvicorn app.main:app '
                               '--host 0.0.0.0"]\n',
             "api/wait.sh": "#!/bin/sh\necho waiting\n", "api/app/__init__.py": "",
             "api/app/main.py": MAIN}
    [found] = check(files, select="C004")
    mode = oct(stat.S_IMODE(os.stat(__file__).st_mode))[2:]   # the mode a new file gets here
    assert found.reason == (
        "the app stops at start-up: its command runs ./wait.sh, which the image holds "
        f"without execute permission (api/wait.sh has mode {mode} in the checkout, which COPY "
        "keeps) and no `chmod` of its Dockerfile sets it: the shell refuses it (Permission "
        "denied)"), found.reason


def test_c004_adds_no_healthcheck_where_a_mount_of_a_missing_folder_hides_the_code() -> None:
    """`./app/:/app` beside no `app/`: Docker mounts an empty folder over the module, the
    server stops at start-up, and a healthcheck would only turn red (S005 says why)."""
    files = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n    volumes:\n"
                                   "      - ./api/app/:/app\n",
             "api/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                               'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
             "api/main.py": MAIN}
    [found] = check(files, select="C004")
    assert found.fix_title is None and "hides the /app/main.py" in (found.reason or ""), \
        found.reason


@pytest.mark.parametrize("base", ["public.ecr.aws/lambda/python:3.12",
                                  "amazon/aws-lambda-python:3.9"])
def test_c004_finds_the_app_in_the_task_root_of_a_lambda_image(base: str) -> None:
    """`COPY app /var/task/app` with no WORKDIR: AWS Lambda's images run in /var/task,
    where the server finds the module; the reason is about the probe, not a missing app."""
    files = {"docker-compose.yml": COMPOSE,
             "api/Dockerfile": f"FROM {base}\nCOPY app /var/task/app\nCMD {CMD}\n",
             "api/app/__init__.py": "", "api/app/main.py": MAIN}
    [finding] = check(files, select="C004")
    assert "ships; the probe assumes `python3`" in (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("dockerfile", "unknown"), [
    pytest.param("FROM registry.example.com/team/base:1\nCOPY . /srv\n",
                 "registry.example.com/team/base:1", id="unknown-base"),
    pytest.param("FROM registry.example.com/team/base:1\nWORKDIR /srv\n", None,
                 id="workdir-set"),
    pytest.param("FROM registry.example.com/team/base:1 AS base\nWORKDIR /srv\n"
                 "FROM base\nCOPY . .\n", None, id="workdir-of-the-stage-below"),
    pytest.param("FROM public.ecr.aws/lambda/python:3.12\nCOPY . .\n", None, id="lambda"),
])
def test_the_base_images_unknown_working_directory(dockerfile: str,
                                                   unknown: str | None) -> None:
    parsed = parse(TextFile("Dockerfile", dockerfile))
    assert unknown_base_workdir(parsed, parsed.stages[-1]) == unknown


@pytest.mark.parametrize(("install", "doubt"), [
    ("RUN apk add --no-cache python3 py3-pip\n", False),
    ("RUN apt-get update && apt-get install -y --no-install-recommends python3\n", False),
    # installed for the build and removed with its group: not in the image
    ("RUN apk add --no-cache --virtual .build python3 && pip3 install x && apk del .build\n",
     True),
    # a versioned package brings `python3.11`, not always `python3`
    ("RUN apt-get update && apt-get install -y python3.11\n", True),
])
def test_c004_python_probe_of_an_unknown_base_is_sure_where_the_build_installs_it(
        install: str, doubt: bool) -> None:
    """An unknown base's probe assumes `python3`; a stage that installs the package of that
    name has it on the system's PATH."""
    files = {"docker-compose.yml": COMPOSE,
             "api/Dockerfile": f"FROM ghcr.io/example/audio-tools\n{install}COPY app app\n"
                               f"CMD {CMD}\n",
             "api/app/__init__.py": "", "api/app/main.py": MAIN}
    [finding] = check(files, select="C004")
    assert finding.fix_title is not None
    assert ("the probe assumes `python3`" in (finding.reason or "")) is doubt, finding.reason
    assert (finding.safety.value == "unsafe") is doubt


_STAGES = ("FROM python:3.12-slim AS base\nWORKDIR /srv\nRUN pip install fastapi uvicorn\n\n"
           "FROM base AS dev\nCOPY app ./app\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", "
           "\"0.0.0.0\", \"--port\", \"8000\"]\n\nFROM busybox:1.36 AS docs\nCMD [\"true\"]\n")


@pytest.mark.parametrize(("target", "dotenv", "finds"), [
    pytest.param("${API_TARGET:-dev}", None, True, id="the-default-names-the-app-stage"),
    pytest.param("${API_TARGET}", "API_TARGET=dev\n", True, id="the-env-file-names-it"),
    pytest.param("${API_TARGET:-docs}", None, False, id="the-default-names-another-stage"),
    pytest.param("${API_TARGET:-nightly}", None, False, id="the-default-names-no-stage"),
    pytest.param("${API_TARGET}", None, False, id="only-the-shell-names-it"),
])
def test_c004_reads_the_stage_a_variable_target_names(target: str, dotenv: str | None,
                                                      finds: bool) -> None:
    """`target: ${API_TARGET:-dev}` builds the stage the `.env` or the default names, as a
    plain `docker compose up` does; a stage only the shell could name, or none the
    Dockerfile has, is another run's: the service is left unread, and no input error."""
    files = {"compose.yaml": f"services:\n  api:\n    build:\n      context: .\n"
                             f"      target: {target}\n",
             "Dockerfile": _STAGES, "app/__init__.py": "",
             "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                            "@app.get('/health')\ndef health():\n    return {}\n"}
    if dotenv is not None:
        files[".env"] = dotenv
    findings = check(files, select="C004")
    assert [f.code for f in findings] == (["C004"] if finds else [])
    if finds:
        assert findings[0].safety.value == "safe", findings[0].reason


def test_c004_says_which_python_path_folder_may_hold_the_module_it_cannot_find() -> None:
    """`ENV PYTHONPATH $PWD/todos` (a build knows no `$PWD`): the server may import
    `app.main` from there, so the module is not missing; the reason for offering no probe
    names the folder whose variable fixer cannot resolve."""
    files = {"docker-compose.yml": COMPOSE,
             "api/Dockerfile": "FROM python:3.12\nWORKDIR /\nENV PYTHONPATH $PWD/todos\n"
                               "COPY ./todos/app /todos/app\n"
                               'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
             "api/todos/app/__init__.py": "",
             "api/todos/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [found] = check(files, select="C004")
    assert found.reason == (
        "fixer cannot tell which path to probe: the command serves `app.main:app`, and fixer "
        "finds no app/main.py where the server imports it from: it may be in the image's "
        "PYTHONPATH folder `$PWD/todos`, whose variable fixer cannot resolve")
