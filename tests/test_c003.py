"""C003 dependency-not-healthy: wait for a dependency's healthcheck, keeping the file's style."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import run_cli

HEALTHY = "  auth:\n    image: example/auth:1.0\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n"
PLAIN = "  cache:\n    image: redis:7\n"


def fixed(tmp_path: Path, compose: str, *files: tuple[str, str]) -> tuple[int, str]:
    (tmp_path / "docker-compose.yml").write_text(compose)
    for rel, content in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content)
    code, _, err = run_cli("fix", "--apply", tmp_path, "--select", "C003")
    assert code in (0, 1), err
    return code, (tmp_path / "docker-compose.yml").read_text()


def depends(text: str, service: str = "gateway") -> object:
    return yaml.safe_load(text)["services"][service]["depends_on"]


GATEWAY = "services:\n  gateway:\n    image: example/gateway:1.0\n    depends_on:{deps}\n"


@pytest.mark.parametrize(("deps", "expected", "changed"), [
    pytest.param("\n      - auth\n      - cache  # why\n",
                 {"auth": {"condition": "service_healthy"}, "cache": {"condition": "service_started"}},
                 "      auth:\n        condition: service_healthy\n      cache:  # why\n", id="list"),
    pytest.param(" [cache, auth]\n",
                 {"cache": {"condition": "service_started"}, "auth": {"condition": "service_healthy"}},
                 "    depends_on: {cache: {condition: service_started}, auth: {condition: "
                 "service_healthy}}\n", id="flow-list"),
    pytest.param("\n      auth:\n        condition: service_started  # was\n",
                 {"auth": {"condition": "service_healthy"}},
                 "        condition: service_healthy  # was\n", id="long-started"),
    pytest.param("\n      auth: {restart: true}\n",
                 {"auth": {"restart": True, "condition": "service_healthy"}},
                 "      auth: {restart: true, condition: service_healthy}\n", id="flow-entry"),
    pytest.param("\n      auth:\n", {"auth": {"condition": "service_healthy"}},
                 "      auth:\n        condition: service_healthy\n", id="null-entry"),
])
def test_c003_fixes(tmp_path: Path, deps: str, expected: object, changed: str) -> None:
    code, text = fixed(tmp_path, GATEWAY.format(deps=deps) + HEALTHY + PLAIN)
    assert code == 1
    assert depends(text) == expected
    assert changed in text


def test_c003_dockerfile_healthcheck_counts(tmp_path: Path) -> None:
    compose = "services:\n  gateway:\n    image: g\n    depends_on: [auth]\n  auth:\n    build: ./auth\n"
    dockerfile = ("FROM python:3.12 AS base\nHEALTHCHECK CMD curl -f http://localhost:8000/health\n"
                  "FROM base\nCMD [\"uvicorn\", \"app.main:app\"]\n")
    code, text = fixed(tmp_path, compose, ("auth/Dockerfile", dockerfile))
    assert code == 1 and depends(text) == {"auth": {"condition": "service_healthy"}}


@pytest.mark.parametrize("deps", [
    pytest.param("\n      - cache\n", id="no-healthcheck"),
    pytest.param("\n      auth:\n        condition: service_healthy\n", id="already-healthy"),
    pytest.param("\n      auth:\n        condition: service_completed_successfully\n",
                 id="completed-successfully"),
    pytest.param("\n      - unknown\n", id="undefined-is-c002"),
])
def test_c003_noop(tmp_path: Path, deps: str) -> None:
    compose = GATEWAY.format(deps=deps) + HEALTHY + PLAIN
    code, text = fixed(tmp_path, compose)
    assert (code, text) == (0, compose)


def test_c003_disabled_healthcheck_is_none(tmp_path: Path) -> None:
    compose = (GATEWAY.format(deps=" [auth]") + HEALTHY
               + "    healthcheck:\n      disable: true\n").replace(
        "    healthcheck:\n      test: [\"CMD\", \"true\"]\n    healthcheck:", "    healthcheck:")
    code, text = fixed(tmp_path, compose)
    assert (code, text) == (0, compose)


def test_c003_anchor_is_display_only_and_named(tmp_path: Path) -> None:
    compose = ("x-deps: &upstreams\n  depends_on: [auth]\nservices:\n  gateway:\n    <<: *upstreams\n"
               "    image: g\n" + HEALTHY)
    (tmp_path / "docker-compose.yml").write_text(compose)
    code, diff, err = run_cli("fix", tmp_path, "--select", "C003")
    assert (code, diff) == (0, "")
    assert "`&upstreams`" in err
