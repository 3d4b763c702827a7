"""D003 healthcheck-tool-missing: image families, probes, installs, the Python strategy,
and the seed fleet's curl healthchecks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from fixer.health.probes import from_compose_test, python_code
from fixer.image.images import classify, tools_present
from fixer.sources.dockerfile import parse
from fixer.textfile import TextFile
from support import SEED_FLEET, copy_tree, run_cli

CURL_TEST = '["CMD", "curl", "-f", "http://localhost:8000/health"]'


@pytest.mark.parametrize(("image", "family", "tools"), [
    pytest.param("python:3.11-slim", "debian", set(), id="python-slim"),
    pytest.param("python:3.12-slim-bookworm", "debian", set(), id="python-slim-bookworm"),
    pytest.param("docker.io/library/python:3.11-slim@sha256:ab12", "debian", set(), id="digest"),
    pytest.param("debian:12-slim", "debian", set(), id="debian-slim"),
    pytest.param("ubuntu:24.04", "debian", set(), id="ubuntu"),
    pytest.param("python:3.12-alpine3.20", "alpine", {"wget"}, id="python-alpine"),
    pytest.param("alpine", "alpine", {"wget"}, id="alpine"),
    pytest.param("python:3.11", "python", {"curl", "wget"}, id="full-python"),
    pytest.param("python:3.11-bookworm", "python", {"curl", "wget"}, id="full-python-bookworm"),
    pytest.param("gcr.io/distroless/python3-debian12", "distroless", set(), id="distroless"),
    pytest.param("scratch", "distroless", set(), id="scratch"),
    pytest.param("node:20", "unknown", set(), id="unknown"),
])
def test_image_families(image: str, family: str, tools: set[str]) -> None:
    found = classify(image)
    assert (found.name, set(found.tools)) == (family, tools)


def stage_tools(text: str) -> set[str]:
    dockerfile = parse(TextFile("Dockerfile", text))
    return tools_present(dockerfile, dockerfile.stages[-1])


def test_tools_follow_the_stage_chain_and_meta_args() -> None:
    assert stage_tools("ARG PY=3.12\nFROM python:${PY}\n") == {"curl", "wget"}
    assert stage_tools("ARG PY=3.12\nFROM python:${PY}-slim\n") == set()
    builder_only = ("FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y curl\n"
                    "FROM python:3.12-slim\n")
    assert stage_tools(builder_only) == set()
    inherited = builder_only.replace("FROM python:3.12-slim\n", "FROM build AS final\n")
    assert stage_tools(inherited) == {"curl"}
    copied = "FROM gcr.io/distroless/base\nCOPY --from=tools /usr/bin/curl /usr/bin/curl\n"
    assert stage_tools(copied) == {"curl"}
    apk = "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .deps curl gcc\n"
    assert stage_tools(apk) == {"curl", "wget"}


@pytest.mark.parametrize(("test", "tool", "url"), [
    pytest.param(["CMD", "curl", "-f", "http://localhost:8000/health"], "curl",
                 "http://localhost:8000/health", id="cmd"),
    pytest.param(["CMD-SHELL", "curl -fsS localhost:8000/health || exit 1"], "curl",
                 "http://localhost:8000/health", id="cmd-shell-no-scheme"),
    pytest.param(["wget -qO- http://127.0.0.1:9000/ready"], "wget", "http://127.0.0.1:9000/ready",
                 id="string"),
    pytest.param(["CMD", "/usr/bin/curl", "--fail", "http://localhost/health"], "curl",
                 "http://localhost/health", id="absolute-path"),
])
def test_probes(test: list[str], tool: str, url: str) -> None:
    probe = from_compose_test(test)
    assert probe is not None and (probe.tool, probe.url, probe.plain) == (tool, url, True)


def test_probe_options_a_python_probe_cannot_mirror() -> None:
    probe = from_compose_test(["CMD", "curl", "-H", "Host: x", "http://localhost/health"])
    assert probe is not None and not probe.plain
    assert from_compose_test(["CMD", "python", "-c", python_code("http://x")]) is None
    assert from_compose_test(["NONE"]) is None


def make_repo(root: Path, dockerfile: str, test: str = CURL_TEST, extra: str = "") -> Path:
    (root / "api" / "app").mkdir(parents=True)
    (root / "api" / "app" / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    (root / "api" / "Dockerfile").write_bytes(dockerfile.encode())
    (root / "docker-compose.yml").write_text(
        f"services:\n  api:\n    build: ./api\n{extra}    healthcheck:\n      test: {test}\n")
    return root


def fix(root: Path, *args: str) -> tuple[int, str]:
    code, _, err = run_cli("fix", "--apply", root, "--select", "D003", *args)
    return code, err


LAYER = ("# hadolint ignore=DL3008{nl}RUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*{nl}")


@pytest.mark.parametrize(("before", "after"), [
    pytest.param("FROM python:3.12-slim\r\nUSER 1000\r\nCMD [\"uvicorn\"]\r\n",
                 "FROM python:3.12-slim\r\n" + LAYER.format(nl="\r\n") + "USER 1000\r\nCMD [\"uvicorn\"]\r\n",
                 id="crlf-before-user"),
    pytest.param("FROM python:3.12-slim\nUSER root\nRUN echo\nUSER app\n",
                 "FROM python:3.12-slim\nUSER root\nRUN echo\n" + LAYER.format(nl="\n") + "USER app\n",
                 id="root-user-is-no-switch"),
    pytest.param("FROM python:3.12-slim\nWORKDIR /app",
                 "FROM python:3.12-slim\nWORKDIR /app\n" + LAYER.format(nl="\n").rstrip("\n"),
                 id="no-anchor-no-final-newline"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends"
                 " gcc=4:12.2.0-3 && rm -rf /var/lib/apt/lists/*\n",
                 "FROM python:3.12-slim\n# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y "
                 "--no-install-recommends curl gcc=4:12.2.0-3 && rm -rf /var/lib/apt/lists/*\n",
                 id="pinned-list-gets-the-pragma"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y \\\n    wget \\\n    zlib1g\n",
                 "FROM python:3.12-slim\nRUN apt-get install -y \\\n    curl \\\n    wget \\\n    zlib1g\n",
                 id="sorted-one-per-line"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y \\\n    zlib1g \\\n    gcc\n",
                 "FROM python:3.12-slim\nRUN apt-get install -y \\\n    zlib1g \\\n    gcc \\\n    curl\n",
                 id="unsorted-appended"),
])
def test_d003_fixes(tmp_path: Path, before: str, after: str) -> None:
    repo = make_repo(tmp_path, before)
    assert fix(repo)[0] == 1
    assert (repo / "api" / "Dockerfile").read_bytes().decode() == after


@pytest.mark.parametrize(("dockerfile", "test"), [
    pytest.param("FROM python:3.12\n", CURL_TEST, id="full-image"),
    pytest.param("FROM python:3.12-alpine\n", '["CMD", "wget", "-q", "--spider", "http://localhost/"]',
                 id="busybox-wget"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y curl\n", CURL_TEST, id="installed"),
    pytest.param("FROM ghcr.io/acme/base:1.4\n", CURL_TEST, id="unknown-family"),
    pytest.param("FROM python:3.12-slim\n", '["CMD", "python", "-c", "print(1)"]', id="no-tool"),
    pytest.param("FROM python:3.12-slim\nHEALTHCHECK NONE\n", '["NONE"]', id="disabled"),
])
def test_d003_noop(tmp_path: Path, dockerfile: str, test: str) -> None:
    repo = make_repo(tmp_path, dockerfile, test)
    assert run_cli("fix", repo, "--select", "D003")[:2] == (0, "")


def test_python_strategy_keeps_the_image_and_the_url(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "FROM python:3.12-slim\n")
    assert fix(repo, "--healthcheck-strategy", "python")[0] == 1
    assert (repo / "api" / "Dockerfile").read_text() == "FROM python:3.12-slim\n"
    compose = yaml.safe_load((repo / "docker-compose.yml").read_text())
    assert compose["services"]["api"]["healthcheck"]["test"] == [
        "CMD", "python", "-c", python_code("http://localhost:8000/health")]


def test_python_strategy_is_display_only_through_an_alias(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "FROM python:3.12-slim\n")
    (repo / "docker-compose.yml").write_text(
        "x-health: &health\n  test: " + CURL_TEST + "\nservices:\n  api:\n    build: ./api\n"
        "    healthcheck: *health\n")
    code, out, err = run_cli("fix", repo, "--select", "D003", "--healthcheck-strategy", "python")
    assert (code, out) == (0, "") and "YAML alias" in err
    assert run_cli("fix", repo, "--select", "D003")[0] == 1  # installing curl needs no edit there


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_python_probe_passes_on_a_live_app_and_fails_on_http_errors(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/health')\n"
        "def health() -> dict[str, str]:\n    return {'status': 'ok'}\n")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "main:app", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        probe = [sys.executable, "-c", python_code(f"http://127.0.0.1:{port}/health")]
        deadline = time.monotonic() + 20
        while subprocess.run(probe, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the app did not come up"
            time.sleep(0.2)
        missing = [sys.executable, "-c", python_code(f"http://127.0.0.1:{port}/nope")]
        assert subprocess.run(missing, capture_output=True).returncode == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert subprocess.run(probe, capture_output=True).returncode == 1  # refused: unhealthy


def test_seed_fleet_dockerfiles_install_the_curl_their_healthchecks_run(tmp_path: Path) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "fleet")
    code, _, err = run_cli("fix", "--apply", fleet)
    assert code == 1, err
    compose = yaml.safe_load((fleet / "docker-compose.yml").read_text())
    curl_services = [name for name, service in compose["services"].items()
                     if "curl" in service.get("healthcheck", {}).get("test", [])]
    assert len(curl_services) == 7
    for name in curl_services:
        text = (fleet / name / "Dockerfile").read_text()
        assert "curl" in stage_tools(text), name
        assert "apt-get install -y --no-install-recommends curl" in text
    assert run_cli("check", fleet, "--select", "D003")[0] == 0
