"""Services really start after `fixer fix --apply`: the fixed Dockerfile's CMD runs under a real
uvicorn (in a subprocess, on a free loopback port, in the service folder the WORKDIR holds) and
answers GET /health over HTTP. No mocks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from fixer.sources.dockerfile import parse
from fixer.core.textfile import decode
from support import GOLDEN, SEED_FLEET, copy_tree, run_cli

pytestmark = pytest.mark.slow  # every test here boots uvicorn

DEADLINE = 20.0
# Talk to the loopback server directly, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_argv(service: Path, port: int) -> list[str]:
    """The final stage's exec-form CMD, as `python -m uvicorn ...` on 127.0.0.1:port."""
    dockerfile = parse(decode("Dockerfile", (service / "Dockerfile").read_bytes()))
    stage = dockerfile.final_stage()
    assert stage is not None
    cmd = stage.last("CMD")
    assert cmd is not None and cmd.json and cmd.value[0] == "uvicorn", cmd
    args = list(cmd.value[1:])
    for option, value in (("--port", str(port)), ("--host", "127.0.0.1")):
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    return [sys.executable, "-m", "uvicorn", *args]


@contextmanager
def running(service: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(server_argv(service, port), cwd=service, stdout=out,
                                   stderr=subprocess.STDOUT)
        try:
            yield process, port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def health_status(process: subprocess.Popen[bytes], port: int, log: Path,
                  path: str = "/health") -> int:
    """The HTTP status of GET `path` once the server answers (bounded wait)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}:\n{log.read_text()}")
        try:
            with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer on port {port} within {DEADLINE}s:\n{log.read_text()}")


def stops_as_reported(root: Path, service: Path, code: str, quoted: str, log: Path) -> None:
    """`code` reports the service quoting the server's error, and the real server, started
    as its image would, stops with that error."""
    exit_code, out, err = run_cli("check", root, "--select", code)
    assert exit_code == 1 and quoted in out, (out, err)
    with running(service, log) as (process, _port):
        assert process.wait(timeout=DEADLINE) != 0
    assert quoted in log.read_text()


def golden_service(case: str, service: str, tmp_path: Path) -> tuple[Path, Path]:
    root = copy_tree(GOLDEN / case / "before", tmp_path / "repo")
    return root, root / service


def test_missing_health_route_is_served_after_the_fix(tmp_path: Path) -> None:
    root, service = golden_service("H001-missing-health-endpoint/after-last-route",
                                   "items_service", tmp_path)
    served_after_h001(root, service, tmp_path)


def served_after_h001(root: Path, service: Path, logs: Path) -> None:
    """GET /health answers 404 before H001's fix and 200 after it, from the real server."""
    with running(service, logs / "before.log") as (process, port):
        assert health_status(process, port, logs / "before.log") == 404
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1, err
    with running(service, logs / "after.log") as (process, port):
        assert health_status(process, port, logs / "after.log") == 200


def probed_path(root: Path, service: str) -> str:
    """The path of the URL a compose healthcheck of the service probes."""
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    url = compose["services"][service]["healthcheck"]["test"][-1]
    return str(urlsplit(url.split("'")[1] if "'" in url else url).path)


def test_c004_probes_a_route_the_server_answers(tmp_path: Path) -> None:
    """C004 alone, on a `class Api(FastAPI)` app with no health route: the probe it writes
    gets 200 from the real server (issue 9, pattern 1), in the plain and the python form."""
    for strategy in ("install", "python"):
        root = copy_tree(GOLDEN / "C004-missing-healthcheck/subclass-app-gets-its-route-and-probe"
                         / "before", tmp_path / strategy)
        code, _, err = run_cli("fix", "--apply", root, "--select", "C004",
                               "--healthcheck-strategy", strategy)
        assert code == 1, err
        path = probed_path(root, "gateway")
        service = root / "gateway"
        argv = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
                "--host", "127.0.0.1"]
        port = free_port()
        log = tmp_path / f"{strategy}.log"
        with log.open("wb") as out:
            process = subprocess.Popen([*argv, "--port", str(port)], cwd=service, stdout=out,
                                       stderr=subprocess.STDOUT)
            try:
                assert health_status(process, port, log, path) == 200
            finally:
                process.terminate()
                process.wait(timeout=10)


def test_no_route_is_added_where_app_get_would_break_the_import(tmp_path: Path) -> None:
    """The catalog's `CatalogApi.get` takes its path by keyword: the `@app.get("/health")`
    H001 would add is a TypeError at import (checked here by hand), so H001 and C004 leave
    it alone, and it still serves; beside it, the orders app gets its route and serves it."""
    case = "H001-missing-health-endpoint/subclass-redefines-get"
    root, catalog = golden_service(case, "catalog", tmp_path)
    main = catalog / "catalog" / "main.py"
    original = main.read_bytes()
    main.write_bytes(original + b'\n\n@app.get("/health")\ndef health():\n    return {}\n')
    log = tmp_path / "by-hand.log"
    with running(catalog, log) as (process, _port):
        assert process.wait(timeout=DEADLINE) != 0
    assert "TypeError" in log.read_text()
    main.write_bytes(original)
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001,C004")
    assert code == 1, err
    assert main.read_bytes() == original
    with running(catalog, tmp_path / "catalog.log") as (process, port):
        assert health_status(process, port, tmp_path / "catalog.log", "/products") == 200
    with running(root / "orders", tmp_path / "orders.log") as (process, port):
        assert health_status(process, port, tmp_path / "orders.log") == 200


def test_health_route_added_beside_app_attributes_is_served(tmp_path: Path) -> None:
    """`app.state.settings = ...` after `app = FastAPI()` does not hide the app (issue 9)."""
    root, service = golden_service("H001-missing-health-endpoint/app-attributes-after-creation",
                                   "billing", tmp_path)
    code, _, err = run_cli("fix", "--apply", root, "--select", "H001")
    assert code == 1, err
    with running(service, tmp_path / "billing.log") as (process, port):
        assert health_status(process, port, tmp_path / "billing.log") == 200


def test_relative_imports_crash_before_the_fix_and_serve_after(tmp_path: Path) -> None:
    root, service = golden_service("I001-relative-import-in-script/top-level-main", "notes",
                                   tmp_path)
    log = tmp_path / "before.log"
    with running(service, log) as (process, _port):
        returncode = process.wait(timeout=DEADLINE)
    assert returncode != 0
    assert "ImportError: attempted relative import with no known parent package" in log.read_text()
    code, _, err = run_cli("fix", "--apply", root, "--select", "I001")
    assert code == 1, err
    with running(service, tmp_path / "after.log") as (process, port):
        assert health_status(process, port, tmp_path / "after.log") == 200


def test_seed_fleet_service_serves_after_the_full_fix(tmp_path: Path) -> None:
    root = copy_tree(SEED_FLEET, tmp_path / "fleet")
    code, _, err = run_cli("fix", "--apply", root)
    assert code == 1, err
    service = root / "notification_service"
    assert (service / "app" / "__init__.py").exists()
    with running(service, tmp_path / "fleet.log") as (process, port):
        assert health_status(process, port, tmp_path / "fleet.log") == 200


def test_s005_served_name_the_module_never_binds_stops_the_server(tmp_path: Path) -> None:
    """S005's claim holds under the real server: the name is reported, and uvicorn stops
    with the error the message quotes; a star import that binds the name serves."""
    root, service = golden_service("S005-missing-app-module/served-name-the-module-never-binds",
                                   "users", tmp_path)
    stops_as_reported(root, service, "S005",
                      'Attribute "application" not found in module "main"',
                      tmp_path / "never-binds.log")
    other = tmp_path / "star"
    root, service = golden_service(
        "S005-missing-app-module/noop-served-name-a-star-import-may-bind", "users", other)
    code, out, err = run_cli("check", root, "--select", "S005")
    assert (code, out) == (0, ""), (out, err)
    with running(service, other / "star.log") as (process, port):
        assert health_status(process, port, other / "star.log") == 200


def test_hyphenated_module_is_served_and_gets_the_health_route(tmp_path: Path) -> None:
    """uvicorn imports `user-service:app` from user-service.py (importlib finds any file):
    H001 gives that module the route, not the main.py beside it, and it is served; named for
    an underscored file, the module is missing, as S005 says, and the server stops."""
    root, service = golden_service(
        "H001-missing-health-endpoint/served-module-with-a-hyphen-beside-a-main", "users",
        tmp_path)
    served_after_h001(root, service, tmp_path)
    other = tmp_path / "underscored"
    root, service = golden_service(
        "S005-missing-app-module/hyphenated-module-named-for-an-underscored-file", "users",
        other)
    stops_as_reported(root, service, "S005", "user-service", other / "missing.log")


def test_i001_dotted_module_importing_its_package_by_name_stops_the_server(
        tmp_path: Path) -> None:
    """I001's claim for a module served by its dotted name that imports its own package as
    a top-level one holds under the real server: uvicorn stops with the error it quotes."""
    root, _ = golden_service(
        "I001-relative-import-in-script/dotted-command-module-imports-its-own-package-by-name",
        ".", tmp_path)
    stops_as_reported(root, root, "I001", "No module named 'app'", tmp_path / "dotted.log")


def test_s005_package_that_never_binds_its_submodule_stops_the_server(tmp_path: Path) -> None:
    """`uvicorn app:app` serving a package whose `__init__.py` imports nothing, beside
    `app/app.py`: S005 reports it, and uvicorn stops with the error the message quotes."""
    root, service = golden_service(
        "S005-missing-app-module/package-init-binds-no-submodule-of-the-served-name", "api",
        tmp_path)
    stops_as_reported(root, service, "S005", 'Attribute "app" not found in module "app"',
                      tmp_path / "package.log")


def test_routes_a_function_adds_to_the_app_are_served(tmp_path: Path) -> None:
    """`app = with_health(app)`, `app = health_check_middleware(name)(app)`, and a function
    of the module that `@app.get`s on the module's app (`register_routes()`): the real server
    answers the route the function adds, so H001 and H002 are silent there; where it adds
    /status, /health answers 404, as H002 says, and /status answers the rewritten probe."""
    h001, h002 = "H001-missing-health-endpoint", "H002-health-probe-not-served"
    for case, path, status in (
            (f"{h002}/noop-health-route-added-by-a-function-handed-the-app", "/health", 200),
            (f"{h002}/noop-health-route-added-by-a-decorator-factory", "/health", 200),
            (f"{h001}/noop-health-route-added-by-a-function-the-module-calls", "/health", 200),
            (f"{h002}/function-handed-the-app-adds-another-route", "/health", 404),
            (f"{h002}/function-handed-the-app-adds-another-route", "/status", 200),
            (f"{h002}/probe-rewritten-to-a-route-a-called-function-adds", "/status", 200)):
        name = f"{case.rsplit('/', 1)[1]}{path.replace('/', '-')}"
        root, service = golden_service(case, "svc", tmp_path / name)
        with running(service, tmp_path / f"{name}.log") as (process, port):
            assert health_status(process, port, tmp_path / f"{name}.log", path) == status, name
        exit_code, out, _err = run_cli("check", root, "--select", "H001,H002")
        assert (exit_code == 0) == case.rsplit("/", 1)[1].startswith("noop-"), out


def test_a_prefix_imported_from_a_module_of_the_repository_is_served_as_read(
        tmp_path: Path) -> None:
    """`include_router(items.router, prefix=v1_prefix)`, the prefix imported from a module of
    the repository: the real server answers the route under it, and 404 where H002 says
    the probe asks outside it; after H002's fix the probe's path answers."""
    root, service = golden_service(
        "H002-health-probe-not-served/probe-outside-a-prefix-imported-from-a-module-of-the-"
        "repository", ".", tmp_path)
    with running(service, tmp_path / "before.log") as (process, port):
        assert health_status(process, port, tmp_path / "before.log", "/api/v1/health") == 200
        assert health_status(process, port, tmp_path / "before.log", "/api/health") == 404
    code, _, err = run_cli("fix", "--apply", root, "--select", "H002")
    assert code == 1, err
    probe = (root / "docker-compose.yml").read_text(encoding="utf-8")
    assert '"http://localhost:8000/api/v1/health"' in probe, probe
