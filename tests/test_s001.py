"""S001 missing-dockerfile: a case-only mismatch is corrected in compose; otherwise a standard
FastAPI Dockerfile is written that serves the app on the port compose expects."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from support import assert_compose_accepts, run_cli

MAIN = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/health')\n"
        "def health() -> dict[str, str]:\n    return {'status': 'ok'}\n")
DOCKERFILE = 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app"]\n'


def make_repo(root: Path, compose: str, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "docker-compose.yml").write_text(compose)
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def findings(root: Path) -> list[dict[str, object]]:
    _, out, _ = run_cli("check", root, "--select", "S001", "--format", "json")
    return list(json.loads(out)["findings"])


@pytest.mark.parametrize(("compose", "file", "after"), [
    pytest.param("services:\n  api:\n    build: api\n", "api/DockerFile",
                 "services:\n  api:\n    build:\n      context: api\n      dockerfile: DockerFile\n",
                 id="string-build"),
    # a name compose gives is matched exactly: no lowercase fallback for it
    pytest.param("services:\n  api:\n    build:\n      context: api\n      dockerfile: Dockerfile\n",
                 "api/dockerfile",
                 "services:\n  api:\n    build:\n      context: api\n      dockerfile: dockerfile\n",
                 id="explicit-default-name"),
    pytest.param("services:\n    api:\n        build: {context: api}\n", "api/DOCKERFILE",
                 "services:\n    api:\n        build: {context: api, dockerfile: DOCKERFILE}\n",
                 id="flow-mapping"),
    pytest.param("services:\n  api:\n    build:\n      args: {A: '1'}\n      context: .\n"
                 "      dockerfile: 'docker/Dockerfile.Prod'\n", "docker/Dockerfile.prod",
                 "services:\n  api:\n    build:\n      args: {A: '1'}\n      context: .\n"
                 "      dockerfile: 'docker/Dockerfile.prod'\n", id="quoted-subfolder-path"),
    pytest.param("services:\n  api:\n    build:\n      target: run\n", "DockerFile",
                 "services:\n  api:\n    build:\n      dockerfile: DockerFile\n      target: run\n",
                 id="mapping-without-context"),
])
def test_s001_fixes_the_reference(tmp_path: Path, compose: str, file: str, after: str) -> None:
    repo = make_repo(tmp_path, compose, {file: DOCKERFILE})
    assert findings(repo)[0]["fix"]["safety"] == "safe"  # type: ignore[index]
    assert run_cli("fix", "--apply", repo, "--select", "S001")[0] == 1
    assert (repo / "docker-compose.yml").read_text() == after
    assert findings(repo) == []
    assert_compose_accepts(repo)


@pytest.mark.parametrize(("compose", "files", "reason"), [
    pytest.param("services:\n  api:\n    build: ./api\n", {"api/DockerFile": "", "api/DOCKERFILE": ""},
                 "several files", id="two-case-variants"),
    pytest.param("services:\n  api:\n    build: ./gone\n", {"other/x": ""}, "does not exist",
                 id="missing-context"),
    pytest.param("x-build: &b\n  context: ./api\nservices:\n  api:\n    build: *b\n",
                 {"api/DockerFile": DOCKERFILE}, "YAML alias", id="alias"),
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ${DF:-Dockerfile}\n",
                 {"api/dockerfile": DOCKERFILE}, "interpolated", id="interpolated"),
])
def test_s001_display_only(tmp_path: Path, compose: str, files: dict[str, str],
                           reason: str) -> None:
    repo = make_repo(tmp_path, compose, files)
    found = findings(repo)
    assert len(found) == 1 and found[0]["fix"] is None
    code, out, err = run_cli("fix", repo, "--select", "S001", "--unsafe-fixes")
    assert (code, out) == (0, "") and reason in err


def test_s001_noop_when_the_dockerfile_exists_or_is_inline(tmp_path: Path) -> None:
    present = make_repo(tmp_path / "a", "services:\n  api:\n    build: ./api\n",
                        {"api/Dockerfile": DOCKERFILE})
    inline = make_repo(tmp_path / "b", "services:\n  api:\n    build:\n      context: ./api\n"
                       "      dockerfile_inline: FROM python:3.12-slim\n", {"api/main.py": MAIN})
    image_only = make_repo(tmp_path / "c", "services:\n  db:\n    image: postgres:17\n", {})
    for repo in (present, inline, image_only):
        assert findings(repo) == []


@pytest.mark.parametrize(("compose", "files"), [
    pytest.param("services:\n  api:\n    build: ./api\n", {"api/dockerfile": DOCKERFILE},
                 id="string-build"),
    pytest.param("services:\n  api:\n    build:\n      target: run\n", {"dockerfile": DOCKERFILE},
                 id="root-context"),
    pytest.param("services:\n  api:\n    build:\n      context: ./api\n      dockerfile: ''\n",
                 {"api/dockerfile": DOCKERFILE}, id="empty-name-is-the-default"),
    # a lowercase file fixer cannot model (no FROM) is still the one the build reads
    pytest.param("services:\n  api:\n    build: ./api\n", {"api/dockerfile": "CMD\n"},
                 id="no-stage"),
])
def test_s001_noop_when_the_builders_fall_back_to_lowercase(
        tmp_path: Path, compose: str, files: dict[str, str]) -> None:
    """With no `build.dockerfile`, BuildKit and the classic builder read `dockerfile`
    when the context has no `Dockerfile`: the build works, there is nothing to fix."""
    repo = make_repo(tmp_path, compose, files)
    assert findings(repo) == []
    assert run_cli("fix", repo, "--select", "S001", "--unsafe-fixes")[:2] == (0, "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def generated_repo(root: Path, port: int) -> Path:
    compose = (f"services:\n  billing:\n    build: ./billing\n    ports:\n      - \"{port}:{port}\"\n"
               f"    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:{port}/health\"]\n")
    return make_repo(root, compose, {"billing/app/__init__.py": "", "billing/app/main.py": MAIN,
                                     "billing/requirements.txt": "fastapi\nuvicorn\n"})


def test_generated_dockerfile_satisfies_the_port_rules(tmp_path: Path) -> None:
    repo = generated_repo(tmp_path, 8010)
    assert findings(repo)[0]["fix"]["safety"] == "unsafe"  # type: ignore[index]
    assert run_cli("fix", repo, "--select", "S001")[:2] == (0, "")  # unsafe: not by default
    assert run_cli("fix", "--apply", repo, "--select", "S001", "--unsafe-fixes")[0] == 1
    text = (repo / "billing" / "Dockerfile").read_text()
    assert text.startswith("FROM python:3.12-slim\n") and "EXPOSE 8010\n" in text
    assert run_cli("check", repo, "--select", "S001,P001,P002")[0] == 0
    assert run_cli("fix", repo, "--select", "S001", "--unsafe-fixes")[:2] == (0, "")


@pytest.mark.slow
def test_generated_cmd_serves_the_app_on_the_compose_port(tmp_path: Path) -> None:
    """Run the generated CMD as the container would (in the folder COPY puts at WORKDIR) and
    call the health route on the port compose publishes."""
    port = free_port()
    repo = generated_repo(tmp_path, port)
    assert run_cli("fix", "--apply", repo, "--select", "S001", "--unsafe-fixes")[0] == 1
    cmd = next(line for line in (repo / "billing" / "Dockerfile").read_text().splitlines()
               if line.startswith("CMD "))
    argv = json.loads(cmd[len("CMD "):])
    assert argv[0] == "uvicorn"
    argv = [sys.executable, "-m", "uvicorn", *argv[1:]]
    argv[argv.index("--host") + 1] = "127.0.0.1"  # loopback only in tests
    server = subprocess.Popen(argv, cwd=repo / "billing", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        body = _get(f"http://127.0.0.1:{port}/health", deadline=time.monotonic() + 20)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert json.loads(body) == {"status": "ok"}
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    assert compose["services"]["billing"]["ports"] == [f"{port}:{port}"]


def _get(url: str, deadline: float) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            assert time.monotonic() < deadline, f"nothing answers on {url}"
            time.sleep(0.2)
