"""Container ports compose claims (ports/claims.py), the short-syntax parser, and the compose
environment site the port fix rewrites (ports/portfix.py), on real compose text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.ports.claims import LOCAL_URL, ContainerPort, ShortPort, container_ports, parse_short
from fixer.ports.portfix import compose_env_site
from fixer.services import Service
from fixer.tree import FolderSource, Tree
from fixer.workspace import Workspace


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("8000", ShortPort(None, None, "8000", "tcp"), id="target-only"),
    pytest.param("8001:8000", ShortPort(None, "8001", "8000", "tcp"), id="published"),
    pytest.param("127.0.0.1:8080:80", ShortPort("127.0.0.1", "8080", "80", "tcp"), id="host-ip"),
    pytest.param("[::1]:8080:80", ShortPort("[::1]", "8080", "80", "tcp"), id="ipv6"),
    pytest.param("::1:8080:80", ShortPort("::1", "8080", "80", "tcp"), id="ipv6-unbracketed"),
    pytest.param("5353:5353/udp", ShortPort(None, "5353", "5353", "udp"), id="udp"),
    pytest.param("8000/TCP", ShortPort(None, None, "8000", "tcp"), id="protocol-case"),
    pytest.param("${API_PORT:-8080}:8000", ShortPort(None, "${API_PORT:-8080}", "8000", "tcp"),
                 id="interpolated-published"),
    pytest.param("${MAP:-127.0.0.1:5432:5432}",
                 ShortPort(None, None, "${MAP:-127.0.0.1:5432:5432}", "tcp"), id="whole-variable"),
    pytest.param("9000-9001:9000-9001", ShortPort(None, "9000-9001", "9000-9001", "tcp"),
                 id="range"),
])
def test_parse_short(raw: str, expected: ShortPort) -> None:
    assert parse_short(raw) == expected


@pytest.mark.parametrize(("text", "ports"), [
    pytest.param("curl -f http://localhost:8000/health", ["8000"], id="curl"),
    pytest.param("wget -qO- 127.0.0.1:8001/health || exit 1", ["8001"], id="no-scheme"),
    pytest.param("urlopen('http://0.0.0.0:8002')", ["8002"], id="python-quote"),
    pytest.param("curl http://[::1]:8003/health?x=1", ["8003"], id="ipv6-loopback"),
    pytest.param("curl http://localhost/health", [None], id="no-port"),
    pytest.param("curl http://mylocalhost:8004/ http://localhost.example:8005/", [],
                 id="not-the-local-host"),
])
def test_local_url(text: str, ports: list[str | None]) -> None:
    assert [m.group(1) for m in LOCAL_URL.finditer(text)] == ports


def service_of(tmp_path: Path, files: dict[str, str], name: str = "api") -> Service:
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    (tmp_path / "api").mkdir(exist_ok=True)
    (tmp_path / "api" / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["uvicorn", "a:b"]\n')
    ws = Workspace.load(Tree(FolderSource(tmp_path)))
    return next(s for s in ws.services() if s.name == name)


def claims(tmp_path: Path, ports: list[ContainerPort]) -> list[tuple[object, ...]]:
    """(kind, effective port, the text at the site or None, line, column, editable)."""
    out: list[tuple[object, ...]] = []
    for port in ports:
        at = None
        if port.site is not None:
            at = (tmp_path / port.site.path).read_text()[port.site.start:port.site.end]
        out.append((port.kind, port.effective, at, port.line, port.column,
                    not (port.aliased or port.interpolated or port.site is None)))
    return out


HEAD = "services:\n  api:\n    build: ./api\n"


@pytest.mark.parametrize(("compose", "expected"), [
    pytest.param("    ports:\n      - 8001:8000\n      - '8002'\n",
                 [("ports", 8000, "8000", 5, 14, True), ("ports", 8002, "8002", 6, 10, True)],
                 id="short-unquoted-and-target-only"),
    pytest.param('    ports:\n      - "127.0.0.1:8003:8003/tcp"\n      - "[::1]:9:8004"\n',
                 [("ports", 8003, "8003", 5, 25, True), ("ports", 8004, "8004", 6, 18, True)],
                 id="host-ip-protocol-ipv6"),
    pytest.param("    ports:\n      - target: 8005\n        published: 80\n",
                 [("ports", 8005, "8005", 5, 17, True)], id="long-syntax"),
    pytest.param("    ports:\n      - ${API_PORT:-80}:8006\n",
                 [("ports", 8006, "8006", 5, 25, True)], id="interpolated-published"),
    pytest.param('    ports:\n      - "${MAP:-127.0.0.1:8007:8007}"\n',
                 [("ports", 8007, None, 5, 9, False)], id="whole-mapping-resolved"),
    pytest.param("    ports:\n      - 9000-9009:9000-9009\n    expose: ['8008', 8009/udp]\n",
                 [("expose", 8008, "8008", 6, 15, True), ("expose", 8009, "8009", 6, 22, True)],
                 id="range-skipped-expose-flow"),
    pytest.param("    healthcheck:\n"
                 "      test: [CMD-SHELL, 'curl -f http://localhost:8010/ || exit 1']\n",
                 [("healthcheck", 8010, "8010", 5, 51, True)], id="healthcheck-cmd-shell"),
    pytest.param("  web:\n    image: nginx\n    environment:\n      A: http://api:8011/x\n"
                 "      B: ${B:-http://api:8012}\n      C: http://apiary:8013\n",
                 [("peer", 8011, "8011", 7, 21, True), ("peer", 8012, "8012", 8, 26, False)],
                 id="peer-urls"),
])
def test_container_ports(tmp_path: Path, compose: str, expected: list[tuple[object, ...]]) -> None:
    service = service_of(tmp_path, {"docker-compose.yml": HEAD + compose, ".env": "X=1\n"})
    assert claims(tmp_path, container_ports(service)) == expected


def test_udp_entries_are_marked(tmp_path: Path) -> None:
    service = service_of(tmp_path, {"docker-compose.yml": HEAD + "    ports:\n      - 53:53/udp\n"
                                    "      - target: 54\n        protocol: udp\n"})
    assert [(p.effective, p.udp) for p in container_ports(service)] == [(53, True), (54, True)]


def test_interpolation_reads_dotenv(tmp_path: Path) -> None:
    service = service_of(tmp_path, {"docker-compose.yml": HEAD + "    ports:\n      - 80:${T}\n",
                                    ".env": "T=8020\n"})
    [port] = container_ports(service)
    assert (port.port, port.resolved, port.site) == (None, 8020, None)


def test_alias_is_not_editable(tmp_path: Path) -> None:
    compose = "x-p: &p\n  - '8030:8030'\n" + HEAD + "    ports: *p\n"
    [port] = container_ports(service_of(tmp_path, {"docker-compose.yml": compose}))
    assert port.aliased and port.effective == 8030


def test_overlay_without_test_keeps_base_healthcheck(tmp_path: Path) -> None:
    service = service_of(tmp_path, {
        "docker-compose.yml": HEAD + "    healthcheck:\n      test: curl localhost:8040\n",
        "docker-compose.override.yml": "services:\n  api:\n    healthcheck:\n      interval: 5s\n"})
    assert [p.effective for p in container_ports(service)] == [8040]


@pytest.mark.parametrize(("environment", "site", "reason"), [
    pytest.param("      PORT: '8000'\n", "8000", "", id="mapping"),
    pytest.param("      - PORT=8000\n", "8000", "", id="list"),
    pytest.param("      PORT: ${PORT:-8000}\n", None, "interpolation", id="interpolated"),
    pytest.param("      OTHER: '8000'\n", None, "env_file", id="not-in-compose"),
])
def test_compose_env_site(tmp_path: Path, environment: str, site: str | None,
                          reason: str) -> None:
    compose = HEAD + "    environment:\n" + environment
    service = service_of(tmp_path, {"docker-compose.yml": compose})
    found, why = compose_env_site(service, "PORT", 8000)
    text = (tmp_path / "docker-compose.yml").read_text()
    assert (text[found.start:found.end] if found else None) == site
    assert reason in why
