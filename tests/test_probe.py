"""`fixer probe` against real uvicorn servers on loopback ports that a generated compose
stack publishes: one healthy, one answering 500, one not listening, one that starts late.
The emitted shell script runs under sh with the real curl and passes shellcheck."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from fixer.app.probe.plan import Target, choose_stack, targets
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from support import run_cli, write_tree
from test_boot import free_port
from test_terminal import run_fixer

HEALTHY_APP = '''\
from fastapi import FastAPI

app = FastAPI(title="{name}")


@app.get("/health")
def health() -> dict[str, str]:
    return {{"status": "ok"}}
'''
FAILING_APP = '''\
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/healthz")
def healthz() -> JSONResponse:
    # the database is unreachable: the route says so
    return JSONResponse({"status": "degraded"}, status_code=500)
'''
FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\n'
              'RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n'
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
FLASK_DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n'
                    'CMD ["gunicorn", "-b", "0.0.0.0:5000", "app.main:app"]\n')


@dataclass(frozen=True)
class Ports:
    api: int       # healthy
    billing: int   # answers 500
    search: int    # nothing listens


def write_service(root: Path, name: str, app: str, dockerfile: str = DOCKERFILE) -> None:
    write_tree(root, {f"{name}/app/__init__.py": "", f"{name}/app/main.py": app,
                      f"{name}/requirements.txt": "fastapi\nuvicorn[standard]\n",
                      f"{name}/Dockerfile": dockerfile})


def stack_yaml(ports: Ports) -> str:
    """A stack as teams write it: an anchor, a custom network, a proxy in front, a Flask
    admin beside the FastAPI services, an internal worker, a database."""
    return f"""\
x-service: &service
  restart: unless-stopped
  networks: [backend]

services:
  api:
    <<: *service
    build: ./api
    ports:
      - "${{API_PORT:-{ports.api}}}:8000"   # API_PORT is not in .env: the default applies
  billing:
    <<: *service
    build:
      context: ./billing
    ports:
      - target: 8000
        published: "${{BILLING_PORT}}"
        protocol: tcp
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:8000/healthz"]
      interval: 10s
  search:
    <<: *service
    build: ./search
    ports: ["127.0.0.1:{ports.search}:8000"]
  worker:
    <<: *service
    build: ./worker
    expose:
      - "8000"
  admin:
    build: ./admin
    ports: ["5000:5000"]
  db:
    image: postgres:16-alpine
    networks: [backend]

networks:
  backend: {{}}
"""


def write_stack(root: Path, ports: Ports) -> Path:
    write_service(root, "api", HEALTHY_APP.format(name="api"))
    write_service(root, "billing", FAILING_APP)
    write_service(root, "search", HEALTHY_APP.format(name="search"))
    write_service(root, "worker", HEALTHY_APP.format(name="worker"))
    write_service(root, "admin", FLASK_APP, FLASK_DOCKERFILE)
    return write_tree(root, {"compose.yaml": stack_yaml(ports),
                             ".env": f"# ports on the host\nBILLING_PORT={ports.billing}\n"})


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def serving(service: Path, port: int, delay: float = 0.0) -> Iterator[None]:
    """The service's FastAPI app under a real uvicorn on 127.0.0.1:port, started `delay`
    seconds from now (returns at once then; else once the port answers)."""
    code = (f"import time, uvicorn; time.sleep({delay}); "
            f"uvicorn.run('app.main:app', host='127.0.0.1', port={port}, log_level='warning')")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=service,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not delay and not answers(port):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, f"uvicorn did not listen on {port}"
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Ports]]:
    """The stack, with api and billing running; search's port has no listener."""
    root = tmp_path_factory.mktemp("stack")
    ports = Ports(free_port(), free_port(), free_port())
    write_stack(root, ports)
    with serving(root / "api", ports.api), serving(root / "billing", ports.billing):
        yield root, ports


def row(service: str, url: str, status: str, verdict: str) -> re.Pattern[str]:
    latency = r"\d+ ms" if status != "-" else "-"
    return re.compile(rf"^{service} +{re.escape(url)} +{status} +{latency} +{re.escape(verdict)}$",
                      re.M)


# -- the plan (pure) ----------------------------------------------------------------------

def plan_of(root: Path, stack_file: str | None = None) -> dict[str, Target]:
    ws = Workspace.load(Tree(FolderSource(root)))
    return {t.service: t for t in targets(ws, choose_stack(ws, stack_file))}


def test_plan_reads_ports_routes_and_reasons(tmp_path: Path) -> None:
    ports = Ports(18001, 18002, 18003)
    plan = plan_of(write_stack(tmp_path, ports))
    assert list(plan) == ["api", "billing", "search", "worker"]   # no Flask admin, no db
    assert (plan["api"].port, plan["api"].path, plan["api"].route) == (18001, "/health", "served")
    assert plan["billing"].port == 18002                          # from .env
    assert (plan["billing"].path, plan["billing"].route) == ("/healthz", "served")
    assert (plan["search"].port, plan["search"].bind) == (18003, None)  # loopback: the default
    assert plan["worker"].port is None
    assert plan["worker"].reason.startswith("only `expose` (8000)")


@pytest.mark.parametrize(("ports", "port", "reason"), [
    ('["${WEB_PORT}:8000"]', None, "its published port `${WEB_PORT}` is interpolated with no "
                                   "default, and the stack's .env does not set it"),
    ('["8000"]', None, "container port 8000 is published on a random host port "
                       "(`docker compose port web 8000` shows it)"),
    ('["9001:9000", "9090:9090"]', None, "its `ports` publish container port 9000, 9090, "
                                         "not its listen port 8000 (P001)"),
    ('["53:53/udp", "8080:8000/tcp"]', 8080, ""),
    ('["8000-8002:8000"]', None, "its published port `8000-8002` is not one port fixer can "
                                 "call"),
    ("[{target: 8000, published: 8081}]", 8081, ""),
    (None, None, "it publishes no port (no `ports`)"),
], ids=["no-default", "random-host-port", "other-target", "udp-skipped", "range", "long",
        "none"])
def test_plan_published_port(tmp_path: Path, ports: str | None, port: int | None,
                             reason: str) -> None:
    write_service(tmp_path, "web", HEALTHY_APP.format(name="web"))
    entry = f"    ports: {ports}\n" if ports else ""
    (tmp_path / "docker-compose.yml").write_text(f"services:\n  web:\n    build: ./web\n{entry}")
    target = plan_of(tmp_path)["web"]
    assert (target.port, target.reason) == (port, reason)


def test_plan_route_without_a_served_health_route(tmp_path: Path) -> None:
    """No health route in the app: the path its healthcheck probes, else /health, with a
    note that the app serves none (H001)."""
    write_service(tmp_path, "web", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    write_service(tmp_path, "jobs", "from fastapi import FastAPI\n\napp = FastAPI()\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./web\n    ports: ['8000:8000']\n"
        "  jobs:\n    build: ./jobs\n    ports: ['8001:8000']\n    healthcheck:\n"
        "      test: curl -f http://localhost:8000/status || exit 1\n")
    plan = plan_of(tmp_path)
    assert (plan["web"].path, plan["web"].route) == ("/health", "default")
    assert (plan["jobs"].path, plan["jobs"].route) == ("/status", "healthcheck")
    assert plan["web"].note == plan["jobs"].note == "the app serves no health route (H001)"


def test_plan_host_network_and_bind_address(tmp_path: Path) -> None:
    write_service(tmp_path, "web", HEALTHY_APP.format(name="web"))
    write_service(tmp_path, "edge", HEALTHY_APP.format(name="edge"))
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./web\n    network_mode: host\n"
        "  edge:\n    build: ./edge\n    ports: ['10.0.0.5:8443:8000']\n")
    plan = plan_of(tmp_path)
    assert plan["web"].url(None) == "http://127.0.0.1:8000/health"   # the listen port itself
    assert plan["edge"].url(None) == "http://10.0.0.5:8443/health"
    assert plan["edge"].url("docker") == "http://docker:8443/health"  # --host wins


# -- fixer probe against real servers -----------------------------------------------------

@pytest.mark.slow
def test_probe_lists_every_app_service_and_exits_1(stack: tuple[Path, Ports]) -> None:
    root, ports = stack
    code, out, err = run_cli("probe", root)
    assert code == 1, out + err
    assert row("api", f"http://127.0.0.1:{ports.api}/health", "200", "healthy").search(out)
    assert row("billing", f"http://127.0.0.1:{ports.billing}/healthz", "500",
               "unhealthy").search(out)
    assert row("search", f"http://127.0.0.1:{ports.search}/health", "-",
               "down: connection refused").search(out)
    assert re.search(r"^worker +- +- +- +not reachable from the host: only `expose` \(8000\)",
                     out, re.M)
    assert len(out.splitlines()) == 4   # neither the Flask admin nor the database
    assert err == "1 of 3 probed services healthy; 1 not reachable from the host.\n"


@pytest.mark.slow
def test_probe_exits_0_when_all_reachable_services_are_healthy(stack: tuple[Path, Ports],
                                                               tmp_path: Path) -> None:
    root, ports = stack
    shutil.copytree(root / "api", tmp_path / "api")
    shutil.copytree(root / "worker", tmp_path / "worker")
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  api:\n    build: ./api\n    ports: ['{ports.api}:8000']\n"
        "  worker:\n    build: ./worker\n    expose: ['8000']\n")
    code, out, err = run_cli("probe", tmp_path)
    assert code == 0, out + err
    assert err == "1 of 1 probed service healthy; 1 not reachable from the host.\n"


@pytest.mark.slow
def test_probe_json(stack: tuple[Path, Ports]) -> None:
    root, ports = stack
    code, out, _ = run_cli("probe", root, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["version"], doc["stack"], doc["healthy"]) == (1, "compose.yaml", False)
    by_name = {s["service"]: s for s in doc["services"]}
    assert by_name["api"]["status"] == 200 and by_name["api"]["verdict"] == "healthy"
    assert isinstance(by_name["api"]["latency_ms"], int)
    assert by_name["billing"] | {"latency_ms": 0} == {
        "service": "billing", "url": f"http://127.0.0.1:{ports.billing}/healthz",
        "path": "/healthz", "route": "served", "status": 500, "latency_ms": 0,
        "verdict": "unhealthy", "detail": None}
    assert (by_name["search"]["status"], by_name["search"]["verdict"]) == (None, "down")
    assert by_name["worker"]["url"] is None
    assert by_name["worker"]["verdict"] == "not reachable from the host"


def single_service(root: Path, port: int, app: str = HEALTHY_APP.format(name="late")) -> Path:
    write_service(root, "late", app)
    (root / "compose.yaml").write_text(
        f"services:\n  late:\n    build: ./late\n    ports:\n      - {port}:8000\n")
    return root


@pytest.mark.slow
def test_wait_until_a_late_server_is_healthy(tmp_path: Path) -> None:
    port = free_port()
    root = single_service(tmp_path, port)
    with serving(root / "late", port, delay=1.5):
        started = time.monotonic()
        code, out, err = run_cli("probe", root, "--wait", "--timeout", "30")
        took = time.monotonic() - started
    assert code == 0, out + err
    assert row("late", f"http://127.0.0.1:{port}/health", "200", "healthy").search(out)
    assert 1.0 < took < 25


@pytest.mark.slow
def test_wait_gives_up_after_the_timeout(tmp_path: Path) -> None:
    port = free_port()
    root = single_service(tmp_path, port, FAILING_APP)
    with serving(root / "late", port):
        started = time.monotonic()
        code, out, _ = run_cli("probe", root, "--wait", "--timeout", "2")
        took = time.monotonic() - started
    assert code == 1
    assert row("late", f"http://127.0.0.1:{port}/healthz", "500", "unhealthy").search(out)
    assert 1.9 < took < 8


@pytest.mark.slow
def test_wait_shows_a_live_status_line_on_a_terminal(tmp_path: Path) -> None:
    port = free_port()
    root = single_service(tmp_path, port)
    # later than fixer's own start-up, so that the first round finds it down
    with serving(root / "late", port, delay=4):
        code, out, err = run_fixer("probe", root, "--wait", "--timeout", "30", tty_out=False)
    assert code == 0, out + err
    assert "\rwaiting (" in err and "0 of 1 healthy; late down" in err
    assert row("late", f"http://127.0.0.1:{port}/health", "200", "healthy").search(out)


@pytest.mark.slow
def test_no_status_line_in_a_pipe(tmp_path: Path) -> None:
    port = free_port()
    root = single_service(tmp_path, port)
    with serving(root / "late", port, delay=1.0):
        code, _, err = run_fixer("probe", root, "--wait", tty_out=False, tty_err=False)
    assert code == 0
    assert "waiting" not in err and "\r" not in err


# -- errors -------------------------------------------------------------------------------

def test_no_stack(tmp_path: Path) -> None:
    assert run_cli("probe", tmp_path) == (2, "", f"{tmp_path}: no compose stack found\n")


def test_no_published_port_is_one_clear_line(tmp_path: Path) -> None:
    write_service(tmp_path, "api", HEALTHY_APP.format(name="api"))
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build: ./api\n"
                                           "    expose: ['8000']\n")
    code, out, err = run_cli("probe", tmp_path)
    assert code == 2
    assert re.fullmatch(r"api +- +- +- +not reachable from the host: only `expose` \(8000\)"
                        r".*\n", out)
    assert err == (f"{tmp_path}: no app service of compose.yaml publishes its port to the "
                   "host: nothing to probe\n")


def test_no_app_service(tmp_path: Path) -> None:
    write_service(tmp_path, "admin", FLASK_APP, FLASK_DOCKERFILE)
    (tmp_path / "compose.yaml").write_text("services:\n  admin:\n    build: ./admin\n"
                                           "    ports: ['5000:5000']\n")
    assert run_cli("probe", tmp_path) == (
        2, "", f"{tmp_path}: compose.yaml: no app service (a FastAPI server) to probe\n")


def test_stack_choice(tmp_path: Path) -> None:
    single_service(tmp_path, 18080)
    (tmp_path / "compose.yaml").rename(tmp_path / "compose.dev.yaml")
    (tmp_path / "compose.prod.yaml").write_text("services:\n  late:\n    build: ./late\n")
    code, _, err = run_cli("probe", tmp_path)
    assert (code, err) == (2, f"{tmp_path}: several stacks (compose.dev.yaml, "
                              "compose.prod.yaml): choose one with --stack\n")
    code, _, err = run_cli("probe", tmp_path, "--stack", "ci/compose.yaml")
    assert code == 2 and "ci/compose.yaml: not a compose file of any stack" in err
    code, out, _ = run_cli("probe", tmp_path, "--stack", "compose.dev.yaml", "--timeout", "1")
    assert code == 1 and "http://127.0.0.1:18080/health" in out


@pytest.mark.slow
def test_host_option(stack: tuple[Path, Ports]) -> None:
    root, ports = stack
    code, out, _ = run_cli("probe", root, "--host", "localhost")
    assert code == 1
    assert row("api", f"http://localhost:{ports.api}/health", "200", "healthy").search(out)
    code, script, _ = run_cli("probe", root, "--emit", "sh", "--host", "::1")
    assert code == 0 and f'probe api http://"${{PROBE_HOST:-[::1]}}":{ports.api}/health' in script


def test_bad_host_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli("probe", single_service(tmp_path, 18080), "--host", "a b;rm")
    assert code == 2 and "is not a host name or address" in err


# -- the emitted shell script -------------------------------------------------------------

def emitted(root: Path, *args: str) -> Path:
    code, script, err = run_cli("probe", root, "--emit", "sh", *args)
    assert code == 0, err
    path = root.parent / f"{root.name}-probe.sh"
    path.write_text(script)
    return path


def run_script(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})


@pytest.mark.slow
def test_emitted_script_passes_shellcheck(stack: tuple[Path, Ports]) -> None:
    script = emitted(stack[0], "--host", "docker")
    shellcheck = Path(sys.executable).parent / "shellcheck"
    result = subprocess.run([str(shellcheck), "--shell=sh", str(script)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    text = script.read_text()
    assert '"${PROBE_HOST:-docker}"' in text
    assert "# worker: not reachable from the host: only `expose` (8000)" in text


@pytest.mark.slow
def test_emitted_script_runs_the_same_checks(stack: tuple[Path, Ports]) -> None:
    root, ports = stack
    result = run_script(emitted(root), "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"api http://127.0.0.1:{ports.api}/health 200 healthy",
        f"billing http://127.0.0.1:{ports.billing}/healthz 500 unhealthy",
        f"search http://127.0.0.1:{ports.search}/health - down"]


@pytest.mark.slow
def test_emitted_script_waits_for_a_late_server(tmp_path: Path) -> None:
    port = free_port()
    root = single_service(tmp_path, port)
    script = emitted(root, "--timeout", "30")
    with serving(root / "late", port, delay=1.5):
        result = run_script(script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"late http://127.0.0.1:{port}/health 200 healthy\n"
