"""Container ports compose claims (ports/claims.py), the short-syntax parser, the compose
environment site the port fix rewrites (ports/portfix.py), URLs and proxy configuration, the
workspace's reference index and the side P001 keeps, on real compose and nginx text."""

from __future__ import annotations

import time
from typing import Any

import pytest

from fixer.core.edits import TextEdit
from fixer.facts.ports.claims import LOCAL_URL, ContainerPort, container_ports
from fixer_rules.ports.portfix import compose_env_site
from fixer.facts.ports.proxyconf import is_proxy_config, proxy_targets
from fixer.facts.ports.references import (
    bare_addresses,
    references,
    service_claims,
    unread_proxies,
)
from fixer.sources.shortports import ShortPort, parse_short
from fixer.facts.ports.side import choose, http_claims
from fixer.facts.ports.urls import find_urls
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources import portsites
from kit import FixOutcome, calls, check, fix, tree

# CPU seconds a scan of the linearity inputs below may take: linear scans take a fraction of
# a second, quadratic ones minutes
QUADRATIC_SECONDS = 10.0


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


def with_api(files: dict[str, str]) -> dict[str, str]:
    return {"api/Dockerfile": 'FROM python:3.12-slim\nCMD ["uvicorn", "a:b"]\n', **files}


def service_of(files: dict[str, str], name: str = "api") -> Service:
    ws = Workspace.load(tree(with_api(files)))
    return next(s for s in ws.services() if s.name == name)


def claims(files: dict[str, str], ports: list[ContainerPort]) -> list[tuple[object, ...]]:
    """(kind, effective port, the text at the site or None, line, column, editable)."""
    out: list[tuple[object, ...]] = []
    for port in ports:
        at = None
        if port.site is not None:
            at = files[port.site.path][port.site.start:port.site.end]
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
def test_container_ports(compose: str, expected: list[tuple[object, ...]]) -> None:
    files = {"docker-compose.yml": HEAD + compose, ".env": "X=1\n"}
    assert claims(files, container_ports(service_of(files))) == expected


def test_udp_entries_are_marked() -> None:
    service = service_of({"docker-compose.yml": HEAD + "    ports:\n      - 53:53/udp\n"
                                    "      - target: 54\n        protocol: udp\n"})
    assert [(p.effective, p.udp) for p in container_ports(service)] == [(53, True), (54, True)]


def test_interpolation_reads_dotenv() -> None:
    service = service_of({"docker-compose.yml": HEAD + "    ports:\n      - 80:${T}\n",
                                    ".env": "T=8020\n"})
    [port] = container_ports(service)
    assert (port.port, port.resolved, port.site) == (None, 8020, None)


def test_alias_is_not_editable() -> None:
    compose = "x-p: &p\n  - '8030:8030'\n" + HEAD + "    ports: *p\n"
    [port] = container_ports(service_of({"docker-compose.yml": compose}))
    assert port.aliased and port.effective == 8030


def test_overlay_without_test_keeps_base_healthcheck() -> None:
    service = service_of({
        "docker-compose.yml": HEAD + "    healthcheck:\n      test: curl localhost:8040\n",
        "docker-compose.override.yml": "services:\n  api:\n    healthcheck:\n      interval: 5s\n"})
    assert [p.effective for p in container_ports(service)] == [8040]


@pytest.mark.parametrize(("environment", "site", "reason"), [
    pytest.param("      PORT: '8000'\n", "8000", "", id="mapping"),
    pytest.param("      - PORT=8000\n", "8000", "", id="list"),
    pytest.param("      PORT: ${PORT:-8000}\n", None, "interpolation", id="interpolated"),
    pytest.param("      OTHER: '8000'\n", None, "env_file", id="not-in-compose"),
])
def test_compose_env_site(environment: str, site: str | None,
                          reason: str) -> None:
    compose = HEAD + "    environment:\n" + environment
    service = service_of({"docker-compose.yml": compose})
    found, why = compose_env_site(service, "PORT", 8000)
    assert (compose[found.start:found.end] if found else None) == site
    assert reason in why


# -- URLs, proxy configuration and the reference index (ports/urls.py, proxyconf.py,
# references.py) -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("http://api:8000/x https://api:8443", [("http", "api", 8000, False, True),
                                                         ("https", "api", 8443, False, True)],
                 id="http"),
    pytest.param("API=${API:-ws://api:8001}", [("ws", "api", 8001, True, True)],
                 id="interpolation-default"),
    pytest.param("grpc://inventory:50051,amqp://guest:pw@rabbit:5672//",
                 [("grpc", "inventory", 50051, False, False),
                  ("amqp", "rabbit", 5672, False, False)], id="other-schemes-userinfo"),
    pytest.param("proxy_pass http://api:8002;", [("http", "api", 8002, False, True)],
                 id="nginx-semicolon"),
    pytest.param("http://api/ http://api:80x0 xhttp://api:8003", [("xhttp", "api", 8003, False,
                                                                  False)],
                 id="no-port-bad-port-other-scheme"),
    pytest.param("curl -f http://[::1]:8004/health; http://[fd00::2]:9000",
                 [("http", "[::1]", 8004, False, True), ("http", "[fd00::2]", 9000, False, True)],
                 id="ipv6-hosts"),
])
def test_find_urls(text: str, expected: list[tuple[object, ...]]) -> None:
    assert [(u.scheme, u.host, u.port, u.interpolated, u.http) for u in find_urls(text)] \
        == expected


@pytest.mark.parametrize("text", [
    "a-" * 300_000, "a" * 600_000, "x://" + "u:" * 300_000, ("x://" + "a" * 8) * 50_000,
    "http://" + "a." * 300_000, "http://[" + "1:" * 300_000, "x://[1" * 100_000,
], ids=["dashes", "letters", "userinfo-colons", "many-schemes", "dotted-host", "ipv6-unclosed",
        "many-ipv6-starts"])
@pytest.mark.slow  # inputs of 600 kB
def test_find_urls_is_linear(text: str) -> None:
    # a guard against backtracking, not a speed target: this process's CPU time (another
    # process's load does not count), far above a linear scan's tenth of a second and far
    # below the minutes a quadratic one takes
    started = time.process_time()
    find_urls(text)
    assert time.process_time() - started < QUADRATIC_SECONDS


NGINX = """upstream backend {
    server api:8001 max_fails=3;   # the app
    server api-2:8001 backup;
}
upstream rpc {
    server inventory:50051;
}
server {
    listen 80;
    location / { proxy_pass http://backend; }
    location /v1/ {
        proxy_pass http://api:8001/;
    }
    location /grpc { grpc_pass grpc://rpc; }
    location /direct { grpc_pass inventory:50052; }
    # proxy_pass http://api:9999;
    set $docs http://docs:8080;
    location /t { proxy_pass http://api:${API_PORT}; }  # an envsubst template
}
"""


def test_proxy_targets() -> None:
    crlf = NGINX.replace("\n", "\r\n")
    found = [(t.line, t.host, t.port, t.http, t.text, crlf[t.start:t.end])
             for t in proxy_targets("nginx/default.conf", crlf)]
    assert [f[:4] for f in found] == [
        (2, "api", 8001, True), (3, "api-2", 8001, True), (6, "inventory", 50051, False),
        (12, "api", 8001, True), (15, "inventory", 50052, False), (17, "docs", 8080, True),
        (18, "api", None, True)]
    assert found[0][4:] == ("server api:8001 max_fails=3", "8001")
    assert found[3][4] == "proxy_pass http://api:8001/"
    assert found[6][4:] == ("proxy_pass http://api:${API_PORT}", "${API_PORT}")


@pytest.mark.parametrize("text", [
    "proxy_pass " * 100_000, "upstream u {\n" + "server a:1\n" * 100_000,
    "proxy_pass x {" * 100_000 + "}" * 100_000, "# pass " * 100_000 + ";",
], ids=["no-terminator", "unterminated-servers", "deep-blocks", "comments"])
@pytest.mark.slow  # inputs of 1 MB
def test_proxy_targets_is_linear(text: str) -> None:
    started = time.process_time()   # as test_find_urls_is_linear
    proxy_targets("nginx.conf", text)
    assert time.process_time() - started < QUADRATIC_SECONDS


@pytest.mark.parametrize(("path", "expected"), [
    ("nginx/default.conf", True), ("deploy/nginx.conf", True), ("nginx/conf.d/api", True),
    ("templates/default.conf.template", True), ("nginx/Dockerfile", False),
    ("app/settings.py", False),
])
def test_is_proxy_config(path: str, expected: bool) -> None:
    assert is_proxy_config(path) is expected


REPO = {
    "docker-compose.yml": """x-env: &env
  SHARED: http://api:8001/x
services:
  api:
    build: ./api
    command: uvicorn a:b --port 8001
    ports:
      - "8001:8000"
      - 9000-9001:9000-9001
      - "53:53/udp"
    labels:
      traefik.http.services.api.loadbalancer.server.port: "8001"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/health"]
    environment:
      SELF: http://api:8001
  worker:
    image: python:3.12
    env_file: [worker.env]
    environment:
      <<: *env
      RPC: grpc://api:50051
      OTHER: http://api:${P}
  beat:
    image: python:3.12
    environment: *env
    env_file: worker.env
  nginx:
    image: nginx:alpine
    expose: ["80"]
    volumes:
      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
""",
    "worker.env": "API=http://api:8001\n",
    ".env": "DOCS=http://nginx:80/docs\n",
    "nginx/default.conf": "server {\n  location / { proxy_pass http://api:8001; }\n}\n",
    "other/nginx.conf": "upstream u { server elsewhere:7000; }\n",
}


def refs() -> list[tuple[object, ...]]:
    ws = workspace_of(REPO)
    return [(r.kind, r.path, r.line, r.service, r.port, r.http, r.text) for r in references(ws)]


def workspace_of(files: dict[str, str]) -> Workspace:
    return Workspace.load(tree(with_api(files)))


def test_references() -> None:
    stack = "docker-compose.yml"
    assert refs() == [
        ("published", stack, 8, "api", 8000, False, "8001:8000"),
        ("healthcheck", stack, 14, "api", 8001, True, "http://localhost:8001"),
        ("traefik", stack, 12, "api", 8001, True,
         "traefik.http.services.api.loadbalancer.server.port=8001"),
        # the anchor is one reference however many services merge it
        ("url", stack, 2, "api", 8001, True, "http://api:8001"),
        ("url", stack, 22, "api", 50051, False, "grpc://api:50051"),
        ("proxy", "nginx/default.conf", 2, "api", 8001, True, "proxy_pass http://api:8001"),
        ("url", "worker.env", 1, "api", 8001, True, "http://api:8001"),
        ("expose", stack, 30, "nginx", 80, False, "80"),
        ("url", ".env", 1, "nginx", 80, True, "http://nginx:80"),
    ]


def test_references_are_built_once_per_workspace() -> None:
    ws = workspace_of(REPO)
    assert references(ws) is references(ws)
    api = next(s for s in ws.services() if s.name == "api")
    assert [p.kind for p in service_claims(ws, api)] == \
        ["ports", "ports", "healthcheck", "traefik", "peer", "peer", "proxy", "peer"]
    # the fix loop loads a new workspace on the edited tree: its references are its own
    conf = REPO["nginx/default.conf"]
    at = conf.index("8001")
    edited = ws.tree.with_edits([TextEdit("nginx/default.conf", at, at + 4, "8000")])
    again = Workspace.load(edited)
    assert [r.port for r in references(again) if r.kind == "proxy"] == [8000]
    assert [r.port for r in references(ws) if r.kind == "proxy"] == [8001]


@pytest.mark.parametrize(("source", "kinds", "stays"), [
    pytest.param("auto", [("ports", 8000), ("proxy", 8001)], 8001, id="pattern-2-proxy-calls-app"),
    pytest.param("auto", [("ports", 8080)], 8080, id="no-peers-compose-port"),
    pytest.param("auto", [("ports", 8080), ("peer", 8080), ("proxy", 8000)], 8080,
                 id="peers-both-more-references"),
    pytest.param("auto", [("ports", 8080), ("proxy", 8000)], 8000, id="peers-one-side"),
    pytest.param("auto", [("ports", 8080), ("expose", 8080), ("healthcheck", 8000)], 8080,
                 id="healthcheck-is-no-evidence"),
    pytest.param("auto", [("ports", 8000), ("healthcheck", 8080)], 8000,
                 id="stale-probe-follows-the-app"),
    pytest.param("auto", [("peer", 8000), ("peer", 8080)], 8080, id="tie-no-target"),
    pytest.param("auto", [("ports", 8000), ("peer", 8000), ("peer", 8080), ("proxy", 8080)],
                 8000, id="tie-keeps-compose-target"),
    pytest.param("compose", [("ports", 8080)], 8080, id="compose-forces-app-side"),
    pytest.param("compose", [("ports", 8080), ("healthcheck", 8000)], 8000,
                 id="compose-agrees-somewhere"),
    pytest.param("dockerfile", [("ports", 8080), ("peer", 8080)], 8000, id="dockerfile"),
])
def test_choose_side(source: str, kinds: list[tuple[str, int]], stays: int) -> None:
    claims = [ContainerPort(port, kind, "c.yml", 1, None) for kind, port in kinds]
    listen = 8000
    other = next(p for _, p in kinds if p != listen) if any(p != listen for _, p in kinds) \
        else listen
    assert choose(source, claims, listen, other).port == stays


@pytest.mark.parametrize(("kinds", "judged"), [
    pytest.param([("ports", 8000), ("ports", 9090), ("expose", 9091)], [8000],
                 id="metrics-ports-beside-the-app-port"),
    pytest.param([("ports", 8000), ("ports", 9090), ("peer", 9090)], [8000],
                 id="url-to-another-listener"),
    pytest.param([("ports", 8080), ("ports", 50051), ("grpc", 50051)], [8080],
                 id="grpc-url-and-its-target"),
    pytest.param([("ports", 8000), ("ports", 9090), ("healthcheck", 9090)], [8000, 9090],
                 id="probe-is-never-another-listener"),
    pytest.param([("ports", 8080), ("peer", 8081)], [8080, 8081], id="no-target-agrees"),
])
def test_http_claims(kinds: list[tuple[str, int]], judged: list[int]) -> None:
    claims = [ContainerPort(port, "peer" if kind == "grpc" else kind, "c.yml", 1, None,
                            http=kind != "grpc") for kind, port in kinds]
    assert [p.port for p in http_claims(claims, 8000)] == judged


def test_a_proxy_file_counts_for_the_stacks_whose_nginx_reads_it() -> None:
    """Mounted (a file or its folder) or built into an nginx image; a configuration no nginx
    of the stack reads (a Kubernetes deployment's) says nothing of how its services meet."""
    api = "  api:\n    build: ../api\n"
    ws = workspace_of({
        "shop/docker-compose.yml": "services:\n" + api + "  web:\n    image: nginx:1.27\n"
                                   "    volumes:\n      - ./nginx:/etc/nginx/conf.d:ro\n",
        "shop/nginx/default.conf": NGINX,
        "blog/docker-compose.yml": "services:\n" + api + "  proxy:\n    build: ./proxy\n",
        "blog/proxy/Dockerfile": "FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n",
        "blog/proxy/nginx.conf": "upstream b {\n  server api:9000;\n}\n",
        "ops/docker-compose.yml": "services:\n" + api,
        "ops/deploy/k8s/nginx.conf": "server { location / { proxy_pass http://api:7000; } }\n",
        "edge/nginx.conf": "server { location / { proxy_pass http://api:7000; } }\n"})
    proxies = {(r.stack, r.port) for r in references(ws) if r.kind == "proxy"}
    assert proxies == {("shop/docker-compose.yml", 8001), ("blog/docker-compose.yml", 9000)}


SHARED_DOCKERFILE = (
    "FROM python:3.12\nWORKDIR /srv\nCOPY . .\nEXPOSE {expose}\n"
    "HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n"
    'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


def shared_repo(services: str, expose: int = 8000) -> dict[str, str]:
    """Services that all build backend/, whose image serves a FastAPI app on 8000."""
    return {"docker-compose.yml": "services:\n" + services,
            "backend/Dockerfile": SHARED_DOCKERFILE.format(expose=expose),
            "backend/requirements.txt": "fastapi\nuvicorn\ngunicorn\n",
            "backend/app/__init__.py": "",
            "backend/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}


def refused(outcome: FixOutcome, reason: str) -> None:
    """Nothing changed, nothing failed, and a finding left for a person says `reason`."""
    assert (outcome.diff, outcome.clean) == ("", True), outcome
    said = [f"{f.reason} {f.fix_title}" for f in outcome.remaining]
    assert any(reason in text for text in said), said


WEB = '  web:\n    build: ./backend\n    ports: ["8080:8080"]\n'
REPORTS = "  reports:\n    build: ./backend\n    command: uvicorn app.main:app --port {port}\n"


@pytest.mark.parametrize(("other", "reason"), [
    pytest.param(REPORTS.format(port=8000),
                 "backend/Dockerfile is also built by reports, which listens on 8000 (command)",
                 id="own-command-on-the-port-the-image-leaves"),
    pytest.param("  legacy:\n    build: ./backend\n    command: gunicorn -b :8000 wsgi:app\n",
                 "backend/Dockerfile is also built by legacy, which listens on 8000 (command)",
                 id="not-an-app-service-still-shares-the-healthcheck"),
    pytest.param('  admin:\n    build: ./backend\n    ports: ["9000:9000"]\n',
                 "backend/Dockerfile is also built by admin, which moves with it but is called "
                 "on 9000", id="moves-with-it-but-called-elsewhere"),
    pytest.param(REPORTS.format(port=9000),
                 None, id="own-command-on-a-third-port"),
    pytest.param("  admin:\n    build: ./backend\n", None, id="moves-with-it-called-by-nobody"),
    pytest.param("  worker:\n    build: ./backend\n    command: celery -A app.tasks worker\n",
                 None, id="worker-listens-on-nothing"),
])
def test_app_side_fix_on_a_shared_dockerfile(other: str, reason: str | None) -> None:
    """P001 moves web to 8080 (what its `ports` say) by editing the shared image's CMD,
    EXPOSE and HEALTHCHECK, unless another container built from it would be left wrong."""
    outcome = fix(shared_repo(WEB + other), select="P001")
    if reason is not None:
        refused(outcome, reason)
    else:
        diff = outcome.diff
        added = [line for line in diff.splitlines() if line[:1] == "+" and line[:3] != "+++"]
        assert outcome.applied and len(added) == 3, diff  # CMD, EXPOSE and HEALTHCHECK move
        assert '"--port", "8080"]' in diff and "localhost:8080/health" in diff, diff


WEB_ON_ITS_OWN_COMMAND = ('  web:\n    build: ./backend\n'
                          '    command: uvicorn app.main:app --port 8000\n'
                          '    ports: ["8080:8080"]\n')


def test_compose_side_fix_ignores_the_shared_dockerfile() -> None:
    """A compose `command:` edit changes web alone, whoever else builds its image; web's
    own healthcheck moves with it."""
    web = WEB_ON_ITS_OWN_COMMAND + ('    healthcheck:\n      test: ["CMD", "curl", "-f", '
                                    '"http://localhost:8000/health"]\n')
    outcome = fix(shared_repo(web + "  admin:\n    build: ./backend\n"), select="P001")
    assert outcome.applied and "backend/Dockerfile" not in outcome.diff, outcome
    assert "-    command: uvicorn app.main:app --port 8000" in outcome.diff, outcome.diff
    assert '+      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]' in outcome.diff


def test_compose_side_fix_leaves_no_image_healthcheck_behind() -> None:
    """Moved by its compose `command:`, web would still run the image's HEALTHCHECK on 8000:
    its container would never be healthy. The Dockerfile is admin's too."""
    outcome = fix(shared_repo(WEB_ON_ITS_OWN_COMMAND + "  admin:\n    build: ./backend\n"),
                  select="P001")
    refused(outcome, "web runs the image's HEALTHCHECK (backend/Dockerfile:5), which probes "
                     "8000 and stays: on 8080 its container would never be healthy")



def test_p002_leaves_an_expose_of_the_image_port_that_compose_environment_moves() -> None:
    """EXPOSE documents the image, whose own port is the `${PORT:-8000}` default; compose's
    `PORT: 9000` moves one deployment. The reason says so without denying the finding."""
    files = {"compose.yaml": 'services:\n  api:\n    build: ./api\n    environment:\n'
                             '      PORT: "9000"\n',
             "api/Dockerfile": 'FROM python:3.12-slim\nCOPY app ./app\nEXPOSE 8000\n'
                               'CMD ["sh", "-c", "uvicorn app.main:app --host 0.0.0.0 '
                               '--port ${PORT:-8000}"]\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [finding] = check(files, select="P002")
    assert (finding.message, finding.fixable) == ("EXPOSE 8000 but the app listens on 9000",
                                                  False)
    assert finding.reason == (
        "the image's own port is 8000, which its EXPOSE documents; compose sets PORT=9000 for "
        "api, which moves it to 9000: whether EXPOSE, which tools read as the image's port "
        "(`docker run -P`, a proxy that routes to the exposed port), should follow one "
        "deployment is the author's call")


def test_p002_without_expose_says_so_where_compose_environment_moves_the_port() -> None:
    """No EXPOSE: the reason must not say one documents the image's port."""
    files = {"compose.yaml": 'services:\n  api:\n    build: ./api\n    env_file: api.env\n',
             "api.env": "PORT=9000\n",
             "api/Dockerfile": 'FROM python:3.12-slim\nCOPY app ./app\n'
                               'CMD ["sh", "-c", "uvicorn app.main:app --host 0.0.0.0 '
                               '--port ${PORT:-8000}"]\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [finding] = check(files, select="P002")
    assert (finding.message, finding.fixable) == ("final stage has no EXPOSE; the app listens "
                                                  "on 9000", False)
    assert finding.reason is not None and finding.reason.startswith(
        "the image's own port is 8000; compose sets PORT=9000 for api, which moves it to 9000")


@pytest.mark.parametrize(("services", "reason"), [
    pytest.param(WEB + REPORTS.format(port=8001),
                 "the containers built from it listen on different ports: web on 8000 (CMD), "
                 "reports on 8001 (command)", id="image-cmd-and-command-differ"),
    pytest.param(REPORTS.format(port=8001),
                 "the containers built from it listen on different ports: reports on 8001 "
                 "(command), the image's own CMD on 8000", id="one-service-overrides"),
    pytest.param(WEB + REPORTS.format(port=8000), None, id="command-on-the-image-port"),
])
def test_p002_on_a_shared_stage(services: str, reason: str | None) -> None:
    """A stale EXPOSE is rewritten only when every container built from the stage (and
    the image's own CMD) listens on one port."""
    outcome = fix(shared_repo(services, expose=5000), select="P002")
    if reason is not None:
        refused(outcome, reason)
    else:
        assert outcome.applied and "-EXPOSE 5000\n+EXPOSE 8000" in outcome.diff, outcome.diff


def test_same_command_with_its_port_in_an_env_file() -> None:
    """admin runs the image's CMD too, on the port its env_file gives uvicorn: the flag P001
    would add for web would move admin as well, to a port nothing shows it is called on."""
    admin = "  admin:\n    build: ./backend\n    env_file: admin.env\n"
    files = shared_repo(WEB + admin)
    files["backend/Dockerfile"] = files["backend/Dockerfile"].replace(', "--port", "8000"', "")
    files["admin.env"] = "UVICORN_PORT=9000\n"
    refused(fix(files, select="P001"),
            "backend/Dockerfile is also built by admin, which runs the same command on another")
    files["admin.env"] = "LOG_LEVEL=debug\n"  # both on uvicorn's default
    outcome = fix(files, select="P001")
    assert outcome.applied and '"0.0.0.0", "--port", "8080"]' in outcome.diff, outcome.diff


SCRIPT_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n"
                     'CMD ["python", "-m", "app.main"]\n')
SCRIPT_MAIN = ("import os\n\nimport uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
               'if __name__ == "__main__":\n    uvicorn.run("app.main:app", port={port})\n')
PYTHON_SOURCE = ("the port is set in Python source, api/app/main.py:9, which also runs outside "
                 "the container: the rewrite moves that run's port too, and Python code that "
                 "calls the old port is not read; or set the port in the command by hand")


@pytest.mark.parametrize(("api", "port", "unsafe", "moved"), [
    pytest.param('    ports: ["8000:8000"]\n', "8001", True,
                 '+    uvicorn.run("app.main:app", port=8000)', id="literal"),
    pytest.param('    ports: ["8000:8000"]\n', 'int(os.getenv("PORT", "8001"))', True,
                 '+    uvicorn.run("app.main:app", port=int(os.getenv("PORT", "8000")))',
                 id="default-of-an-unset-variable"),
    pytest.param('    ports: ["8000:8000"]\n    environment:\n      PORT: "8001"\n',
                 'int(os.getenv("PORT", "8001"))', False, '+      PORT: "8000"',
                 id="variable-set-by-compose"),
    pytest.param('    ports: ["8000:8000"]\n  web:\n    image: nginx:alpine\n    environment:\n'
                 '      API_URL: http://api:8001\n', "8001", False, '+    ports: ["8000:8001"]',
                 id="the-python-port-stays"),
])
def test_port_written_in_python_source(api: str, port: str, unsafe: bool, moved: str) -> None:
    """P001 never edits Python source safely: `uvicorn.run(port=...)` is also the local
    runner. A port that compose sets, or a compose side that moves, stays safe."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n" + api,
             "api/Dockerfile": SCRIPT_DOCKERFILE, "api/requirements.txt": "fastapi\nuvicorn\n",
             "api/app/__init__.py": "", "api/app/main.py": SCRIPT_MAIN.format(port=port)}
    outcome = fix(files, select="P001")
    if unsafe:
        refused(outcome, PYTHON_SOURCE)
        outcome = fix(files, select="P001", unsafe=True)
    else:
        assert not [f for f in outcome.remaining if "Python source" in f"{f.reason} {f.fix_title}"]
    assert outcome.applied and moved in outcome.diff.splitlines(), outcome.diff


def no_flag(files: dict[str, str]) -> dict[str, str]:
    """The shared image's CMD without its `--port`: uvicorn on its default, a flag to add."""
    return {**files, "backend/Dockerfile": files["backend/Dockerfile"].replace(
        ', "--port", "8000"', "")}


def script_repo(port: str) -> dict[str, str]:
    return {"compose.yaml": 'services:\n  api:\n    build: ./api\n    ports: ["8000:8000"]\n',
            "api/Dockerfile": SCRIPT_DOCKERFILE, "api/requirements.txt": "fastapi\nuvicorn\n",
            "api/app/__init__.py": "", "api/app/main.py": SCRIPT_MAIN.format(port=port)}


@pytest.mark.parametrize(("files", "options", "safety", "written"), [
    pytest.param(shared_repo(WEB), {}, "safe", ["8080", "8080", "8080"], id="app-side"),
    pytest.param(shared_repo(WEB), {"port_source": "dockerfile"}, "safe", ["8000"],
                 id="compose-side"),
    pytest.param(no_flag(shared_repo(WEB)), {}, "safe",
                 [', "--port", "8080"', "8080", "8080"], id="flag-added"),
    pytest.param(script_repo("8001"), {}, "unsafe", ["8000"], id="python-source"),
])
def test_p001_builds_its_edits_only_when_the_fix_is_applied(
        monkeypatch: pytest.MonkeyPatch, files: dict[str, str], options: dict[str, Any],
        safety: str, written: list[str]) -> None:
    """`fixer check` judges P001's fix (shared anchor, shared image, Python source) on
    where its edits would land and renders none of them: every port edit is made in
    fixer.sources.portsites, and only when the fix is built."""
    noted = calls(monkeypatch, portsites, "TextEdit")
    [finding] = check(files, select="P001", **options)
    assert (finding.safety.value, noted) == (safety, [])
    edits = list(finding.edits())
    made = [edit for _, edit in noted]
    assert edits == made and [e.text for e in made] == written


@pytest.mark.parametrize(("base_expose", "fixable", "found"), [
    pytest.param("EXPOSE 8000\n", False, None, id="inherits-the-listen-port"),
    pytest.param("EXPOSE 9000\n", False, "inherits EXPOSE 9000", id="inherits-another-port"),
    pytest.param("", True, "has no EXPOSE", id="nothing-exposed"),
])
def test_p002_reads_what_the_stage_inherits(base_expose: str, fixable: bool,
                                            found: str | None) -> None:
    """A stage built FROM another of the file keeps its EXPOSE: adding one beside it is a
    duplicate, and changing the base's is the author's call (other stages may share it)."""
    dockerfile = ("FROM python:3.12 AS base\nWORKDIR /srv\nCOPY . .\n" + base_expose +
                  "\nFROM base AS final\n"
                  'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
    files = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n",
             "api/Dockerfile": dockerfile, "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    findings = check(files, select="P002")
    assert [f.message for f in findings] == (
        [f"final stage {found}; the app listens on 8000"] if found else [])
    if found:
        assert findings[0].fixable is fixable


def test_the_proxies_fixer_does_not_read_are_found_once_per_stack() -> None:
    """P001 asks for every service: a walk of the stack per service was quadratic."""
    ws = workspace_of({"docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                                             "  edge:\n    image: caddy:2\n"})
    [stack] = ws.stacks
    assert unread_proxies(ws, stack) == [("edge", "caddy:2")]
    assert unread_proxies(ws, stack) is unread_proxies(ws, stack)


@pytest.mark.parametrize(("service", "extra"), [
    pytest.param("    command: [\"--providers.docker\",\n"
                 "              \"--providers.file.filename=/etc/dyn.yml\"]\n",
                 {}, id="command-flag"),
    pytest.param("    environment:\n      TRAEFIK_PROVIDERS_FILE_DIRECTORY: /etc/traefik/dynamic\n",
                 {}, id="environment"),
    pytest.param("", {"traefik/traefik.toml": "[providers.file]\n  directory = \"/dyn\"\n"},
                 id="static-toml"),
    pytest.param("", {"traefik.yml": "entryPoints:\n  web:\n    address: \":80\"\nproviders:\n"
                                     "  docker: {}\n  file:\n    directory: /dyn\n"},
                 id="static-yaml"),
])
def test_traefik_with_its_file_provider_is_a_proxy_fixer_does_not_read(
        service: str, extra: dict[str, str]) -> None:
    """Its dynamic files route by URL (`url: http://api:8000`), which fixer does not read:
    moving the app off 8000 would leave Traefik's only route on a dead port."""
    ws = workspace_of({"docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                                             "  edge:\n    image: traefik:v3.0\n" + service,
                       **extra})
    [stack] = ws.stacks
    assert unread_proxies(ws, stack) == [("edge", "traefik:v3.0 with its file provider")]


def test_a_traefik_label_under_deploy_decides_the_side() -> None:
    """`deploy.labels` is where Traefik reads a Swarm service's labels: the app on 8000, the
    label's 8000 and a stale `expose: ["80"]`; P001 moves the compose port, not the app."""
    files = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n    expose: [\"80\"]\n"
                                   "    deploy:\n      labels:\n        - traefik.http.services"
                                   ".api.loadbalancer.server.port=8000\n",
             "api/Dockerfile": 'FROM python:3.12-slim\nCOPY app ./app\nCMD ["uvicorn", '
                               '"app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [finding] = check(files, select="P001")
    assert finding.safety.value == "safe" and "to 8000" in (finding.fix_title or "")
    assert '+    expose: ["8000"]' in fix(files, select="P001").diff


def test_traefik_with_labels_only_is_read() -> None:
    ws = workspace_of({"docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                                             "  edge:\n    image: traefik:v3.0\n"
                                             "    command: [\"--providers.docker\"]\n"})
    [stack] = ws.stacks
    assert unread_proxies(ws, stack) == []


@pytest.mark.parametrize(("text", "found"), [
    pytest.param("environment:\n      USERS: users:8000\n",
                 {("users", 8000): ("docker-compose.yml", 9)}, id="environment-value"),
    pytest.param('command: ["./wait-for-it.sh", "users:8000", "--", "run"]\n',
                 {("users", 8000): ("docker-compose.yml", 8)}, id="wait-for-it-argument"),
    pytest.param("environment:\n      USERS: http://users:8000\n", {},
                 id="url-with-scheme-is-p001s-own"),
    pytest.param("environment:\n      DB: postgres://u:pw@users:8000/db\n", {},
                 id="userinfo-url"),
    pytest.param("environment:\n      TAG: myusers:8000\n",
                 {("myusers", 8000): ("docker-compose.yml", 9)}, id="another-name-kept-apart"),
])
def test_bare_addresses(text: str, found: dict[tuple[str, int], tuple[str, str]]) -> None:
    """`users:8000` without a scheme, which fixer never rewrites: P001 must not move the app
    off a port one names. A URL with a scheme is no bare address."""
    compose = ("services:\n  users:\n    build: ./users\n    ports:\n      - \"8000:8000\"\n"
               "  orders:\n    build: ./orders\n    " + text)
    ws = workspace_of({"docker-compose.yml": compose})
    [stack] = ws.stacks
    addresses = bare_addresses(ws, stack)
    assert {k: v for k, v in addresses.items() if not k[0].isdigit()} == found


_CALLED = ("services:\n  users:\n    build: ./users\n    ports:\n      - \"8000:8000\"\n"
           "  orders:\n    build: ./orders\n    ports:\n      - \"8001:8000\"\n")


@pytest.mark.parametrize(("where", "files"), [
    pytest.param("docker-compose.yml:11 calls it",
                 {"docker-compose.yml": "    environment:\n      USERS: users:8080\n"},
                 id="compose"),
    pytest.param(".env:1 calls it", {".env": "USERS=users:8080\n"}, id="dotenv"),
])
def test_p001_keeps_the_app_on_a_port_called_without_a_scheme(
        where: str, files: dict[str, str]) -> None:
    """fixer rewrites no `users:8080` without a scheme: the app keeps that port, and
    compose's side follows it."""
    repo = {"docker-compose.yml": _CALLED + files.pop("docker-compose.yml", ""), **files,
            **_service("users", 'CMD ["uvicorn", "app.main:app", "--port", "8080"]'),
            **_service("orders", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]')}
    [found] = check(repo, select="P001")
    assert found.safety.value == "safe", found.reason
    assert found.fix_title == f"Set the compose container port of users to 8080, as {where}"


def test_p001_title_names_the_calls_it_rewrites_where_compose_already_agrees() -> None:
    """`api` listens on 8000 and compose publishes 8000; `web` calls it on 9000 and on 8000:
    the fix rewrites web's URL alone, and its title says so, not that compose's port moves."""
    compose = ("services:\n  api:\n    build: ./api\n    ports:\n      - \"8000:8000\"\n"
               "  web:\n    build: ./web\n    environment:\n"
               "      - API_URL=http://api:9000\n      - API_ADMIN_URL=http://api:8000/admin\n")
    repo = {"docker-compose.yml": compose,
            **_service("api", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]'),
            **_service("web", 'CMD ["uvicorn", "app.main:app", "--port", "8001"]')}
    [found] = check(repo, select="P001")
    assert found.safety.value == "safe", found.reason
    assert found.fix_title == "Point the URLs that call api at port 8000 (docker-compose.yml)"


def test_p001_keeps_the_port_python_calls_and_moves_compose() -> None:
    """fixer edits no URL in Python code: the app stays on the port the code calls, and the
    compose side (its container port) moves to it, safely."""
    repo = {"docker-compose.yml": _CALLED,
            "orders/app/grpc_client.py": '"""Users over gRPC."""\nTARGET = "users:8080"\n',
            **_service("users", 'CMD ["uvicorn", "app.main:app", "--port", "8080"]'),
            **_service("orders", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]')}
    [found] = check(repo, select="P001")
    assert found.safety.value == "safe", found.reason
    assert found.fix_title == ("Set the compose container port of users to 8080, as "
                               "orders/app/grpc_client.py:2 calls it")


def test_p001_reads_no_call_in_a_urls_credentials() -> None:
    """`postgresql://users:8080@db/app` is the user `users` with the password 8080: no call
    of the service users on 8080 keeps that port."""
    repo = {"docker-compose.yml": _CALLED,
            "orders/app/db.py": 'URL = "postgresql://users:8080@db:5432/app"\n',
            **_service("users", 'CMD ["uvicorn", "app.main:app", "--port", "8080"]'),
            **_service("orders", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]')}
    [found] = check(repo, select="P001")
    assert found.fix_title == "Make users listen on 8000", found.fix_title


def test_p001_holds_the_move_where_python_calls_both_ports() -> None:
    repo = {"docker-compose.yml": _CALLED,
            "orders/app/grpc_client.py": 'TARGET = "users:8080"\n',
            "orders/app/reports.py": 'REPORTS = "http://users:8000/reports"\n',
            **_service("users", 'CMD ["uvicorn", "app.main:app", "--port", "8080"]'),
            **_service("orders", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]')}
    [found] = check(repo, select="P001")
    assert found.safety.value == "unsafe", found.reason
    assert "orders/app/grpc_client.py calls users:8080" in (found.reason or "")


def _service(name: str, cmd: str) -> dict[str, str]:
    return {f"{name}/Dockerfile": f"FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n{cmd}\n",
            f"{name}/requirements.txt": "fastapi\nuvicorn\n",
            f"{name}/app/__init__.py": "",
            f"{name}/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}


def test_p001_offers_no_fix_where_the_override_file_alone_moves_the_port() -> None:
    """`docker compose up` loads the override (a dev command on 8001), `-f compose.yaml` does
    not (the image's 8000): rewriting the base healthcheck to 8001 breaks the base alone."""
    files = {"compose.yaml": 'services:\n  api:\n    build: ./api\n    ports: ["8000:8000"]\n'
                             "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
                             "\"http://localhost:8000/health\"]\n",
             "compose.override.yaml": "services:\n  api:\n    command: uvicorn app.main:app "
                                      "--host 0.0.0.0 --port 8001\n",
             "api/Dockerfile": 'FROM python:3.12\nCOPY app ./app\nCMD ["uvicorn", '
                               '"app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    findings = [f for f in check(files, select="P001")]
    assert findings and all(not f.fixable for f in findings), findings
    assert "compose.override.yaml runs api on 8001, and compose.yaml alone runs it on 8000" in (
        findings[0].reason or "")


USERS = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{expose}'
         'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
METRICS_MAIN = ("from fastapi import FastAPI\nfrom prometheus_client import start_http_server\n\n"
                "start_http_server({port})\napp = FastAPI()\n")


@pytest.mark.parametrize(("expose", "port", "app_url", "reason"), [
    pytest.param("EXPOSE 8000 9100\n", 1, True, None, id="the-image-exposes-the-second-port"),
    pytest.param("EXPOSE 8000\n", 9100, True, None,
                 id="the-code-opens-it-and-a-peer-calls-the-app-on-its-port"),
    pytest.param("EXPOSE 8000\n", 9100, False,
                 "users/app/main.py:4 names 9100 as a port of the app's code",
                 id="the-code-opens-it-and-nothing-calls-the-app"),
])
def test_p001_a_caller_of_a_second_listener_is_no_mismatch(expose: str, port: int,
                                                           app_url: bool,
                                                           reason: str | None) -> None:
    """A metrics server on 9100 beside uvicorn on 8000: the gateway's metrics URL calls it,
    and moving the app there would collide with it (the container exits). Where nothing
    reaches the app on its own port, which port is the app's is the author's call."""
    compose = ("services:\n  users:\n    build: ./users\n  gateway:\n    image: example/gw\n"
               "    environment:\n" + ("      USERS_URL: http://users:8000\n" if app_url else "")
               + "      USERS_METRICS_URL: http://users:9100/metrics\n")
    files = {"docker-compose.yml": compose, "users/Dockerfile": USERS.format(expose=expose),
             "users/app/__init__.py": "", "users/app/main.py": METRICS_MAIN.format(port=port)}
    found = check(files, select="P001")
    if reason is None:
        assert found == []
    else:
        [finding] = found
        assert not finding.fixable and reason in (finding.reason or ""), finding.reason


def test_p001_holds_the_move_off_a_virtual_port_an_env_file_sets() -> None:
    """nginx-proxy routes to `VIRTUAL_PORT`; one an env_file sets is not rewritten."""
    repo = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n    env_file: api.env\n"
                                  "    ports:\n      - \"8001:8001\"\n",
            "api.env": "VIRTUAL_HOST=api.example.com\nVIRTUAL_PORT=8000\n",
            **_service("api", 'CMD ["uvicorn", "app.main:app", "--port", "8000"]')}
    [found] = check(repo, select="P001")
    assert found.safety.value == "unsafe", found.reason
    assert "an env_file of api sets VIRTUAL_PORT=8000" in (found.reason or "")


def test_p001_names_the_start_script_it_does_not_edit() -> None:
    """The port is written in a start script the CMD runs: the app side cannot move, and the
    reason says where the port is and how to move compose's side instead."""
    files = {"compose.yaml": "services:\n  api:\n    build: ./api\n    ports:\n"
                             "      - \"8000:8000\"\n",
             "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                               "RUN pip install fastapi uvicorn\nCMD [\"/app/start.sh\"]\n",
             "api/start.sh": "#!/bin/sh\nexec uvicorn main:app --host 0.0.0.0 --port 8080\n",
             "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [finding] = check(files, select="P001")
    assert not finding.fixable
    assert finding.reason == ("the port is set in the start script api/start.sh, which fixer "
                              "does not edit: change it there, or move compose's side "
                              "(`--port-source dockerfile`)")


def test_p001_a_shared_image_names_the_compose_side_as_the_way_out() -> None:
    """Two services build one Dockerfile; the one compose calls on another port cannot move
    the image's port without moving the other: the reason says compose's side may move."""
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY app ./app\nEXPOSE 8000\n"
                  'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
    main = ("from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/health\")\n"
            "def health():\n    return {}\n")
    compose = ("services:\n  public-api:\n    build: ./api\n    ports: [\"8000:8000\"]\n"
               "  admin-api:\n    build: ./api\n    ports: [\"8001:8001\"]\n")
    found = check({"docker-compose.yml": compose, "api/Dockerfile": dockerfile,
                   "api/app/__init__.py": "", "api/app/main.py": main}, select="P001")
    [p001] = found
    assert p001.service == "admin-api" and p001.fix_title is None
    assert (p001.violation.reason or "").endswith(
        "; compose's side may move instead (`--port-source dockerfile`)")


@pytest.mark.parametrize(("mounted", "own"), [
    pytest.param("./admin:/srv/admin", True, id="its-own-server-in-the-folder-it-mounts"),
    pytest.param("./admin/static:/srv/static", False, id="a-folder-without-it"),
])
def test_p001_a_shared_image_with_the_services_own_server_in_a_mount(mounted: str,
                                                                    own: bool) -> None:
    """Where the service mounts a folder whose module serves on the port compose expects
    (`uvicorn.run(app, port=8001)`), the image's command runs another service's app: the
    service may lack a `command:` of its own, and moving compose's side would make a
    healthcheck of the wrong app pass, so the reason names that module instead."""
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nEXPOSE 8000\n"
                  'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
    app = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    admin = app + ('\n\nif __name__ == "__main__":\n    import uvicorn\n\n'
                   '    uvicorn.run(app, host="0.0.0.0", port=8001)\n')
    compose = ("services:\n  public-api:\n    build: .\n    ports: [\"8000:8000\"]\n"
               f"  admin-api:\n    build: .\n    ports: [\"8001:8001\"]\n"
               f"    volumes:\n      - {mounted}\n")
    [p001] = check({"docker-compose.yml": compose, "Dockerfile": dockerfile,
                    "app/__init__.py": "", "app/main.py": app, "admin/main.py": admin,
                    "admin/static/.keep": ""}, select="P001")
    reason = p001.violation.reason or ""
    assert p001.service == "admin-api" and p001.fix_title is None
    said = ("admin/main.py, in a folder admin-api mounts, serves on 8001 itself "
            "(`uvicorn.run`): admin-api may lack a `command:` that runs it")
    assert (said in reason, "--port-source" in reason) == (own, not own), reason


SSH_APP_COMPOSE = "services:\n  web:\n    build: .\n    ports:\n      - \"2201:2200\"\n"
SSH_APP_DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n{run}"
                      "COPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n"
                      'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')


@pytest.mark.parametrize(("run", "script", "other"), [
    pytest.param("", "#!/bin/sh\necho 'Port 2200' >> /etc/ssh/sshd_config\n/usr/sbin/sshd\n"
                 'exec "$@"\n', True, id="the-entrypoint-script-writes-it"),
    pytest.param("RUN sed -i 's/#Port 22/Port 2200/' /etc/ssh/sshd_config\n",
                 '#!/bin/sh\n/usr/sbin/sshd\nexec "$@"\n', True, id="a-run-writes-it"),
    pytest.param("", '#!/bin/sh\nuntil nc -z cache 2200; do sleep 1; done\nexec "$@"\n', False,
                 id="a-client-calls-it"),
    pytest.param("", '#!/bin/sh\n# sshd used to listen on 2200\nexec "$@"\n', False,
                 id="a-comment-names-it"),
])
def test_p001_a_port_a_server_the_image_starts_names_is_no_fix(run: str, script: str,
                                                              other: bool) -> None:
    """`"2201:2200"` beside an ENTRYPOINT that configures sshd on 2200: compose publishes
    another server's port, and moving the app (or the mapping) to 8000 breaks that server."""
    files = {"docker-compose.yml": SSH_APP_COMPOSE,
             "Dockerfile": SSH_APP_DOCKERFILE.format(run=run), "start.sh": script,
             "app/__init__.py": "", "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}
    [finding] = check(files, select="P001")
    assert finding.fixable is not other, finding.reason
    assert ("another server the image starts may listen there" in (finding.reason or "")) \
        is other, finding.reason
