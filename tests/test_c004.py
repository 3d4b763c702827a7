"""C004 missing-healthcheck: an app service gets a compose healthcheck on /health."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import assert_compose_accepts, run_cli

MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"
CMD = '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]'


def repo(root: Path, compose: str, dockerfile_extra: str = "", cmd: str = CMD) -> Path:
    files = {"docker-compose.yml": compose,
             "api/Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY . .\n{dockerfile_extra}CMD {cmd}\n",
             "api/app/__init__.py": "", "api/app/main.py": MAIN}
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


def healthcheck(root: Path) -> dict[str, object]:
    return dict(yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["api"]
                ["healthcheck"])


@pytest.mark.parametrize(("strategy", "test"), [
    pytest.param("install", ["CMD", "curl", "-f", "http://localhost:8000/health"], id="install"),
    pytest.param("python", ["CMD", "python", "-c", "import urllib.request; urllib.request."
                            "urlopen('http://localhost:8000/health', timeout=3)"], id="python"),
])
def test_c004_strategies(tmp_path: Path, strategy: str, test: list[str]) -> None:
    root = repo(tmp_path, "services:\n  api:\n    build: ./api\n")
    code, _, err = run_cli("fix", "--apply", root, "--select", "C004",
                           "--healthcheck-strategy", strategy)
    assert code == 1, err
    assert healthcheck(root) == {"test": test, "interval": "30s", "timeout": "5s", "retries": 3,
                                 "start_period": "10s"}
    assert_compose_accepts(root)
    assert run_cli("fix", root, "--select", "C004")[:2] == (0, "")


def test_c004_port_from_compose_command(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    build: ./api\n    command: uvicorn app.main:app --port 9000\n"
    root = repo(tmp_path, compose)
    assert run_cli("fix", "--apply", root, "--select", "C004")[0] == 1
    assert healthcheck(root)["test"] == ["CMD", "curl", "-f", "http://localhost:9000/health"]


@pytest.mark.parametrize(("compose", "extra", "cmd"), [
    pytest.param("services:\n  api:\n    build: ./api\n",
                 "HEALTHCHECK CMD curl -f http://localhost:8000/health\n", CMD, id="dockerfile"),
    pytest.param("services:\n  api:\n    build: ./api\n", "HEALTHCHECK NONE\n", CMD,
                 id="dockerfile-none"),
    pytest.param("services:\n  api:\n    build: ./api\n    healthcheck:\n      disable: true\n",
                 "", CMD, id="compose-disabled"),
    pytest.param("services:\n  api:\n    build: ./api\n", "", '["celery", "-A", "app", "worker"]',
                 id="not-a-web-server"),
    pytest.param("services:\n  api:\n    image: example/api:1.0\n", "", CMD, id="image-only"),
])
def test_c004_noop(tmp_path: Path, compose: str, extra: str, cmd: str) -> None:
    root = repo(tmp_path, compose, extra, cmd)
    code, diff, err = run_cli("fix", root, "--select", "C004")
    assert (code, diff, "C004" in err) == (0, "", False), err


@pytest.mark.parametrize(("compose", "cmd", "reason"), [
    pytest.param("services:\n  api:\n    build: ./api\n", '["uvicorn", "app.main:app", "--port", "${PORT}"]',
                 "listen port is unknown", id="unknown-port"),
    pytest.param("services:\n  api:\n    build: ./api\n    healthcheck:\n      interval: 5s\n", CMD,
                 "timings but no test", id="timings-only"),
])
def test_c004_display_only(tmp_path: Path, compose: str, cmd: str, reason: str) -> None:
    root = repo(tmp_path, compose, cmd=cmd)
    code, diff, err = run_cli("fix", root, "--select", "C004")
    assert (code, diff) == (0, "") and reason in err, err
