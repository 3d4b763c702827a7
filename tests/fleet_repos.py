"""Hypothesis strategies for small but realistic fleet repositories (REAL-WORLD.md patterns):
a compose file (2/4-space indentation, indented or flush sequences, comments, anchors, flow
lists, an override file) and 1-4 service folders (Dockerfile, requirements.txt, app/), with
every way the port is set and claimed, healthchecks, database URLs, CRLF, BOM and missing
final newlines. A repository is {relative path: bytes}; the generator's contract is that
Compose accepts it (tests/test_fleet_properties.py checks that while hunting)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import strategies as st

PORTS = (8000, 8001, 8080)
NAMES = ("api", "auth_service", "billing", "users-api")
COMMENTS = ("local stack", "публичный порт", "✅ checked", "see README ─ ports")
LAUNCHES = ("exec", "exec-equals", "uvicorn-default", "python-m", "gunicorn", "sh-c",
            "shell-form", "entrypoint-cmd", "script", "python-main", "compose-string",
            "compose-list", "compose-block", "compose-folded", "compose-sh-c")
PORT_SYNTAX = ("quoted", "unquoted", "host-ip", "equal", "target-only", "long", "expose",
               "interpolated", "udp", "range", "long-host")
HEALTHCHECKS = ("none", "curl", "curl-shell", "curl-string", "curl-block", "wget", "python",
                "dockerfile-curl")
BASES = ("python:3.12-slim", "python:3.11-alpine", "python:3.12", "python:3.12-slim-bookworm",
         "python:3.11-alpine3.19")
ROUTES = ("none", "/health", "/healthz", "router")
SERVICE_KEYS = ("build", "container_name", "command", "ports", "expose", "env_file",
                "environment", "depends_on", "healthcheck", "restart", "volumes", "networks")


@dataclass
class Style:
    indent: int
    indent_sequences: bool
    crlf: bool
    comments: bool
    flow: bool
    anchors: bool
    version_key: bool
    blank_lines: bool          # between services, and a document start marker
    extras: bool               # restart, volumes, networks, top-level volumes and networks
    folder: str = ""           # where the compose files live: the root or deploy/


@dataclass
class ServiceSpec:
    name: str
    launch: str
    port: int
    image_cmd: bool            # the Dockerfile has a CMD of its own beside compose `command:`
    ports: list[tuple[str, int, int]]  # (syntax, published, target)
    expose: str
    base: str
    multi_stage: bool
    user: bool
    healthcheck: str
    probe: str                 # host:port the healthcheck probes
    database: bool
    env_list: bool
    env_file: bool
    depends_on: list[str]
    depends_long: bool
    peer_port: int
    root_layout: bool          # main.py at the service root, served as main:app
    has_init: bool
    route: str
    relative_import: bool
    curl_installed: bool
    build_long: bool
    port_env: tuple[str, int] | None  # where `${PORT:-N}` gets its value: compose or ENV
    container_name: bool
    bom: bool
    final_newline: tuple[bool, bool, bool]
    key_order: list[int]
    quirks: frozenset[str]     # rarer patterns, each on or off


QUIRKS = ("probe-healthz", "probe-api-health", "utf16-requirements", "bom-python", "no-uvicorn",
          "app-dockerfile-copy", "lowercase-dockerfile", "server-flags", "non-ascii", "arg-port",
          "start-period", "flow-map", "redis-sidecar", "continued-lines", "syntax-directive",
          "expose-tcp", "asyncpg-url", "quoted-env-items", "wget-dockerfile-healthcheck",
          "root-context", "replica", "platform-from")


@st.composite
def service_specs(draw: st.DrawFn, name: str, earlier: list[str]) -> ServiceSpec:
    launch = draw(st.sampled_from(LAUNCHES))
    syntaxes = draw(st.lists(st.sampled_from(PORT_SYNTAX), max_size=2, unique=True))
    ports = [(s, draw(st.integers(8100, 8999)), draw(st.sampled_from(PORTS))) for s in syntaxes]
    port_env = None
    if launch == "sh-c":
        port_env = draw(st.none() | st.tuples(st.sampled_from(("compose", "ENV")),
                                              st.sampled_from(PORTS)))
    return ServiceSpec(
        name=name, launch=launch, port=draw(st.sampled_from(PORTS)),
        image_cmd=draw(st.booleans()), ports=ports,
        expose=draw(st.sampled_from(("absent", "listen", "stale"))),
        base=draw(st.sampled_from(BASES)), multi_stage=draw(st.booleans()),
        user=draw(st.booleans()), healthcheck=draw(st.sampled_from(HEALTHCHECKS)),
        probe=f"{draw(st.sampled_from(('localhost', '127.0.0.1')))}:"
              f"{draw(st.sampled_from(PORTS))}",
        database=draw(st.booleans()), env_list=draw(st.booleans()),
        env_file=draw(st.booleans()),
        depends_on=draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else [],
        depends_long=draw(st.booleans()), peer_port=draw(st.sampled_from(PORTS)),
        root_layout=draw(st.booleans()), has_init=draw(st.booleans()),
        route=draw(st.sampled_from(ROUTES)), relative_import=draw(st.booleans()),
        curl_installed=draw(st.booleans()), build_long=draw(st.booleans()),
        port_env=port_env, container_name=draw(st.booleans()), bom=draw(st.booleans()),
        final_newline=(draw(st.booleans()), draw(st.booleans()), draw(st.booleans())),
        key_order=draw(st.permutations(range(len(SERVICE_KEYS)))),
        quirks=frozenset(draw(st.lists(st.sampled_from(QUIRKS), max_size=3))),
    )


# --- a tiny YAML emitter, so that indentation, sequence style and comments can vary -------

@dataclass
class Anchored:
    """A mapping written with an anchor: `key: &name`."""
    name: str
    mapping: dict[str, Node]


Node = str | list["Node"] | dict[str, "Node"] | Anchored


def emit(mapping: dict[str, Node], pad: str, style: Style, out: list[str]) -> None:
    step = " " * style.indent
    for key, value in mapping.items():
        if key.startswith("#"):
            out.append(f"{pad}{key}")
        elif isinstance(value, str) and "\n" in value:  # a folded block scalar
            head, *rest = value.split("\n")
            out.append(f"{pad}{key}: {head}")
            out.extend(f"{pad}{step}{line}" for line in rest)
        elif isinstance(value, str):
            out.append(f"{pad}{key}: {value}")
        elif isinstance(value, Anchored):
            out.append(f"{pad}{key}: &{value.name}")
            emit(value.mapping, pad + step, style, out)
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            emit(value, pad + step, style, out)
        else:
            out.append(f"{pad}{key}:")
            emit_items(value, pad + step if style.indent_sequences else pad, style, out)


def emit_items(items: list[Node], pad: str, style: Style, out: list[str]) -> None:
    for item in items:
        if isinstance(item, str) and item.startswith("#"):
            out.append(f"{pad}{item}")
        elif isinstance(item, str):
            out.append(f"{pad}- {item}")
        elif isinstance(item, dict):
            inner: list[str] = []
            emit(item, pad + "  ", style, inner)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
        else:
            raise TypeError("no nested sequences or anchors in items here")


def flow(argv: list[str]) -> str:
    return "[" + ", ".join(json.dumps(a) for a in argv) + "]"


def flow_scalar(value: Node) -> Node:
    """A scalar inside a flow mapping: `${VAR:-x}` needs quotes there (braces)."""
    return json.dumps(value) if isinstance(value, str) and "${" in value else value


def commented(text: str, style: Style, salt: str) -> str:
    """A trailing comment on some lines when the style has comments."""
    if not style.comments or len(salt) % 2:
        return text
    return f"{text}  # {COMMENTS[len(salt) % len(COMMENTS)]}"


# --- compose ------------------------------------------------------------------------------

def asgi_target(spec: ServiceSpec) -> str:
    return "main:app" if spec.root_layout else "app.main:app"


def launch_argv(spec: ServiceSpec) -> list[str]:
    port, target = str(spec.port), asgi_target(spec)
    if spec.launch == "exec-equals":
        return ["uvicorn", target, "--host=0.0.0.0", f"--port={port}"]
    if spec.launch == "uvicorn-default":
        return ["uvicorn", target, "--host", "0.0.0.0"]
    if spec.launch == "python-m":
        return ["python", "-m", "uvicorn", target, "--host", "0.0.0.0", "--port", port]
    if spec.launch == "gunicorn":
        return ["gunicorn", target, "-k", "uvicorn.workers.UvicornWorker", "-b", f"0.0.0.0:{port}"]
    if spec.launch == "sh-c":
        return ["sh", "-c", f"uvicorn {target} --host 0.0.0.0 --port ${{PORT:-{port}}}"]
    if spec.launch == "script":
        return ["python", "run_server.py"]
    if spec.launch == "python-main":
        return ["python", "main.py"] if spec.root_layout else ["python", "-m", "app.main"]
    flags = ["--workers", "2", "--proxy-headers"] if "server-flags" in spec.quirks else []
    return ["uvicorn", target, "--host", "0.0.0.0", "--port", port, *flags]


def command_node(spec: ServiceSpec) -> Node:
    argv = launch_argv(spec)
    if spec.launch == "compose-list":
        return flow(argv)
    if spec.launch == "compose-block":
        return list[Node](json.dumps(a) if a[0].isdigit() or ":" in a else a for a in argv)
    if spec.launch == "compose-sh-c":
        inner = f"uvicorn {asgi_target(spec)} --host 0.0.0.0 --port $${{PORT:-{spec.port}}}"
        return flow(["sh", "-c", inner]) if spec.build_long else f"sh -c '{inner}'"
    if spec.launch == "compose-folded":
        return ">\n" + " ".join(argv[:2]) + "\n" + " ".join(argv[2:])
    return " ".join(argv)


def port_item(syntax: str, published: int, target: int) -> Node:
    if syntax == "quoted":
        return f'"{published}:{target}"'
    if syntax == "unquoted":
        return f"{published}:{target}"
    if syntax == "host-ip":
        return f'"127.0.0.1:{published}:{target}"'
    if syntax == "equal":
        return f'"{target}:{target}"'
    if syntax == "target-only":
        return f'"{target}"'
    if syntax == "interpolated":
        return f'"${{API_PORT:-{published}}}:{target}"'
    if syntax == "udp":
        return f'"{published}:{target}/udp"'
    if syntax == "range":
        return f'"{published}-{published + 1}:{target}-{target + 1}"'
    if syntax == "long-host":
        return {"target": str(target), "published": str(published), "host_ip": "127.0.0.1",
                "mode": "host"}
    return {"target": str(target), "published": f'"{published}"', "protocol": "tcp"}


def probe_url(spec: ServiceSpec) -> str:
    path = ("/healthz" if "probe-healthz" in spec.quirks else
            "/api/health" if "probe-api-health" in spec.quirks else "/health")
    return f"http://{spec.probe}{path}"


def service_folder(spec: ServiceSpec, style: Style) -> str:
    """The service's folder as the compose file names it."""
    return ("../" if style.folder else "./") + spec.name


def context(spec: ServiceSpec, style: Style) -> str:
    if "root-context" in spec.quirks:
        return ".." if style.folder else "."
    return service_folder(spec, style)


def copied(spec: ServiceSpec, path: str) -> str:
    """A path of the service folder as the Dockerfile's COPY names it (from the context)."""
    if "root-context" not in spec.quirks:
        return path
    return f"{spec.name}/" if path == "." else f"{spec.name}/{path}"


def healthcheck_test(spec: ServiceSpec) -> Node | None:
    url = probe_url(spec)
    if spec.healthcheck == "curl-block":
        return list[Node](["CMD", "curl", "-f", url])
    tests: dict[str, Node] = {
        "curl": flow(["CMD", "curl", "-f", url]),
        "curl-shell": flow(["CMD-SHELL", f"curl -f {url} || exit 1"]),
        "curl-string": f"curl -f {url} || exit 1",
        "wget": flow(["CMD", "wget", "-q", "--spider", url]),
        "python": flow(["CMD", "python", "-c",
                        f"import urllib.request; urllib.request.urlopen('{url}')"]),
    }
    return tests.get(spec.healthcheck)


def healthcheck_node(spec: ServiceSpec, style: Style) -> dict[str, Node]:
    test = healthcheck_test(spec)
    assert test is not None
    node: dict[str, Node] = {"test": test}
    if "start-period" in spec.quirks:
        node["start_period"] = "10s"
    if style.anchors:
        node["<<"] = "*health-timing"
    else:
        node.update({"interval": "${HEALTH_INTERVAL:-30s}" if style.extras else "30s",
                     "timeout": "5s", "retries": "3"})
    return node


def environment_node(spec: ServiceSpec, style: Style, database: str | None) -> Node | None:
    pairs: dict[str, str] = {} if style.anchors and not spec.env_list else {"LOG_LEVEL": "info"}
    if spec.database and database is not None and not spec.env_file:
        pairs["DATABASE_URL"] = database_url(spec, database)
    if spec.port_env is not None and spec.port_env[0] == "compose":
        pairs["PORT"] = f'"{spec.port_env[1]}"'
    for upstream in spec.depends_on[:1]:
        pairs["UPSTREAM_URL"] = f"http://{upstream}:{spec.peer_port}"
    if "flow-map" in spec.quirks and not style.anchors:
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}"
    if spec.env_list:
        items = [f"{k}={v.strip(chr(34))}" for k, v in pairs.items()]
        if "quoted-env-items" in spec.quirks:
            items = [json.dumps(item) for item in items]
        if style.flow:
            return "[" + ", ".join(items) + "]"
        return list[Node](commented(i, style, i) for i in items)
    node: dict[str, Node] = {"<<": "*common-env"} if style.anchors else {}
    node.update(pairs)
    return node if node else None


def database_url(spec: ServiceSpec, host: str) -> str:
    scheme = "postgresql+asyncpg" if "asyncpg-url" in spec.quirks else "postgresql"
    return f"{scheme}://app:secret@{host}:5432/app"


def depends_node(spec: ServiceSpec, style: Style, healthy: set[str],
                 database: str | None) -> Node:
    names = spec.depends_on + ([database] if database else [])
    names += [f"{spec.name}-cache"] if "redis-sidecar" in spec.quirks else []
    if not spec.depends_long:
        return "[" + ", ".join(names) + "]" if style.flow else list[Node](names)
    return {name: {"condition": "service_healthy" if name in healthy else "service_started"}
            for name in names}


def service_node(spec: ServiceSpec, style: Style, healthy: set[str],
                 database: str | None, database_defined: bool) -> dict[str, Node]:
    node: dict[str, Node] = {}
    if style.comments:
        node["# " + COMMENTS[len(spec.name) % len(COMMENTS)]] = ""
    dockerfile = "dockerfile" if "lowercase-dockerfile" in spec.quirks else "Dockerfile"
    if "root-context" in spec.quirks:
        node["build"] = {"context": context(spec, style), "dockerfile": f"{spec.name}/{dockerfile}"}
    elif "flow-map" in spec.quirks:
        node["build"] = f"{{context: {context(spec, style)}}}"
    elif spec.build_long:
        node["build"] = {"context": context(spec, style), "dockerfile": dockerfile}
    else:
        node["build"] = commented(context(spec, style), style, spec.name)
    if spec.container_name:
        node["container_name"] = spec.name
    if spec.launch.startswith("compose"):
        node["command"] = command_node(spec)
    ports = [port_item(*p) for p in spec.ports if p[0] != "expose"]
    if ports and style.flow and all(isinstance(p, str) for p in ports):
        node["ports"] = "[" + ", ".join(str(p) for p in ports) + "]"
    elif ports:
        node["ports"] = ([f"# {COMMENTS[1]}"] if style.comments else []) + ports
    exposed = [f'"{p[2]}"' for p in spec.ports if p[0] == "expose"]
    if exposed:
        node["expose"] = list[Node](exposed)
    if spec.env_file and spec.database and database is not None:
        node["env_file"] = f"{service_folder(spec, style)}/.env"
    environment = environment_node(spec, style, database)
    if environment is not None:
        node["environment"] = environment
    uses_db = database if spec.database and database_defined else None
    if spec.depends_on or uses_db or "redis-sidecar" in spec.quirks:
        node["depends_on"] = depends_node(spec, style, healthy, uses_db)
    if healthcheck_test(spec) is not None:
        check = healthcheck_node(spec, style)
        flat = all(isinstance(v, str) for v in check.values()) and "<<" not in check
        node["healthcheck"] = ("{" + ", ".join(f"{k}: {flow_scalar(v)}" for k, v in check.items())
                               + "}" if flat and "flow-map" in spec.quirks else check)
    if style.extras:
        node.update({"restart": "unless-stopped", "volumes": list[Node](["./data:/data:ro"]),
                     "networks": list[Node](["backend"])})
    rank = {key: spec.key_order[i] for i, key in enumerate(SERVICE_KEYS)}
    return dict(sorted(node.items(), key=lambda item: rank.get(item[0], -1)))


def database_node(healthy: bool) -> dict[str, Node]:
    node: dict[str, Node] = {"image": "postgres:16-alpine", "environment": {
        "POSTGRES_USER": "app", "POSTGRES_PASSWORD": "secret", "POSTGRES_DB": "app"}}
    if healthy:
        node["healthcheck"] = {"test": flow(["CMD-SHELL", "pg_isready -U app"]),
                               "interval": "5s"}
    return node


def compose_text(specs: list[ServiceSpec], style: Style, database: str | None,
                 database_defined: bool, database_healthy: bool) -> str:
    healthy = {s.name for s in specs if healthcheck_test(s) is not None}
    if database and database_healthy:
        healthy.add(database)
    top: dict[str, Node] = {"version": '"3.8"'} if style.version_key else {}
    if style.anchors:
        top["x-env"] = Anchored("common-env", {"LOG_LEVEL": "info"})
        top["x-health"] = Anchored("health-timing", {"interval": "30s", "timeout": "5s"})
    services: dict[str, Node] = {}
    if database_defined and database is not None:
        services[database] = database_node(database_healthy)
    for spec in specs:
        services[spec.name] = service_node(spec, style, healthy, database, database_defined)
        if "redis-sidecar" in spec.quirks:
            services[f"{spec.name}-cache"] = {"image": "redis:7-alpine"}
        if "replica" in spec.quirks:  # a second service from the same image, another port
            services[f"{spec.name}-admin"] = {
                "build": dict[str, Node](services[spec.name])["build"],
                "command": f"uvicorn {asgi_target(spec)} --host 0.0.0.0 --port 9000",
                "ports": list[Node](['"9000:9000"'])}
    top["services"] = services
    if style.extras:
        top["volumes"] = {"cache-data": "{}"}
        top["networks"] = {"backend": {"driver": "bridge"}}
    out = ["# " + COMMENTS[0]] if style.comments else []
    out += ["---"] if style.blank_lines else []
    emit(top, "", style, out)
    if style.blank_lines:  # a blank line before each service but the first
        names = [f"{' ' * style.indent}{name}:" for name in services]
        out = [line for raw in out for line in ([""] if raw in names[1:] else []) + [raw]]
    return "\n".join(out) + "\n"


# --- the service folder -------------------------------------------------------------------

def dockerfile_text(spec: ServiceSpec) -> str:
    lines = ["# syntax=docker/dockerfile:1"] if "syntax-directive" in spec.quirks else []
    lines += ["# Сервис ✅ — API image"] if "non-ascii" in spec.quirks else []
    if spec.multi_stage:
        lines += [f"FROM {spec.base} AS builder", "WORKDIR /build",
                  f"COPY {copied(spec, 'requirements.txt')} .",
                  "RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt", ""]
    platform = "--platform=$TARGETPLATFORM " if "platform-from" in spec.quirks else ""
    lines += [f"FROM {platform}{spec.base}", "WORKDIR /app",
              f"COPY {copied(spec, 'requirements.txt')} ."]
    if spec.multi_stage:
        lines += ["COPY --from=builder /wheels /wheels",
                  "RUN pip install --no-cache-dir --no-index --find-links=/wheels "
                  "-r requirements.txt"]
    else:
        lines.append("RUN pip install --no-cache-dir -r requirements.txt")
    if spec.curl_installed:
        lines.append("RUN apk add --no-cache curl" if "alpine" in spec.base else
                     "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends "
                     "curl \\\n    && rm -rf /var/lib/apt/lists/*")
    copies_all = spec.root_layout or spec.launch == "script"
    lines.append(f"COPY {copied(spec, '.')} ." if copies_all
                 else f"COPY {copied(spec, 'app')} ./app")
    if spec.port_env is not None and spec.port_env[0] == "ENV":
        lines += ([f"ARG PORT={spec.port_env[1]}", "ENV PORT=${PORT}"]
                  if "arg-port" in spec.quirks else [f"ENV PORT={spec.port_env[1]}"])
    if spec.user:
        lines.append("USER nobody")
    if spec.expose != "absent":
        stale = next(p for p in PORTS if p != spec.port)
        suffix = "/tcp" if "expose-tcp" in spec.quirks else ""
        lines.append(f"EXPOSE {spec.port if spec.expose == 'listen' else stale}{suffix}")
    if spec.healthcheck == "dockerfile-curl":
        wget = "wget-dockerfile-healthcheck" in spec.quirks
        probe = (f"wget -q --spider {probe_url(spec)}" if wget
                 else f"curl -f {probe_url(spec)} || exit 1")
        joint = " \\\n    " if "continued-lines" in spec.quirks else " "
        lines.append(f"HEALTHCHECK --interval=30s{joint}CMD {probe}")
    lines += cmd_lines(spec)
    return "\n".join(lines) + "\n"


def cmd_lines(spec: ServiceSpec) -> list[str]:
    if spec.launch.startswith("compose") and not spec.image_cmd:
        return []
    lines = ["# start the API"] if spec.image_cmd else []
    argv = launch_argv(spec)
    if spec.launch == "shell-form":
        return lines + ["CMD " + " ".join(argv)]
    if spec.launch == "entrypoint-cmd":
        return lines + [f"ENTRYPOINT {flow(argv[:2])}", f"CMD {flow(argv[2:])}"]
    if spec.launch.startswith("compose"):  # the image's own default, overridden by compose
        return lines + [f'CMD ["uvicorn", "{asgi_target(spec)}", "--host", "0.0.0.0", '
                        '"--port", "8000"]']
    if "continued-lines" in spec.quirks and len(argv) > 3:
        return lines + [f"CMD {flow(argv[:2])[:-1]}, \\", f"     {flow(argv[2:])[1:]}"]
    return lines + [f"CMD {flow(argv)}"]


def requirements_text(spec: ServiceSpec) -> str:
    names = ["fastapi>=0.110"]
    names += [] if "no-uvicorn" in spec.quirks else ["uvicorn[standard]>=0.29"]
    if spec.launch == "gunicorn":
        names.append("gunicorn>=22")
    if spec.database:
        names.append("psycopg2-binary>=2.9")
    return "\n".join(names) + "\n"


def main_text(spec: ServiceSpec) -> str:
    lines = ['"""Der Dienst — сервис ✅."""', ""] if "non-ascii" in spec.quirks else []
    lines += ["from fastapi import FastAPI", ""]
    if spec.relative_import:
        lines += ["from .routes import router  # the API routes", ""]
    lines += ["app = FastAPI()"]
    if spec.relative_import:
        lines += ["app.include_router(router)"]
    if spec.route in ("/health", "/healthz"):
        lines += ["", "", f'@app.get("{spec.route}")', "def health():",
                  '    return {"status": "ok"}']
    lines += ["", "", '@app.get("/items")', "def items():", "    return []"]
    if spec.launch == "python-main":
        lines += ["", "", 'if __name__ == "__main__":', "    import uvicorn", "",
                  f'    uvicorn.run(app, host="0.0.0.0", port={spec.port})']
    return "\n".join(lines) + "\n"


def routes_text(spec: ServiceSpec) -> str:
    prefix = ', prefix="/health"' if spec.route == "router" else ""
    lines = ["from fastapi import APIRouter", "", f"router = APIRouter({prefix.lstrip(', ')})",
             "", "", '@router.get("")' if prefix else '@router.get("/ping")', "def ping():",
             '    return {"status": "ok"}']
    return "\n".join(lines) + "\n"


def service_files(spec: ServiceSpec, encode: Encoder, database: str | None) -> dict[str, bytes]:
    dockerfile_end, requirements_end, main_end = spec.final_newline
    folder = spec.name + ("" if spec.root_layout else "/app")
    dockerfile = "dockerfile" if "lowercase-dockerfile" in spec.quirks else "Dockerfile"
    utf16 = "utf16-requirements" in spec.quirks
    files = {f"{spec.name}/{dockerfile}": encode(dockerfile_text(spec), dockerfile_end, spec.bom),
             f"{spec.name}/requirements.txt": encode(requirements_text(spec), requirements_end,
                                                     utf16, "utf-16-le" if utf16 else "utf-8"),
             f"{folder}/main.py": encode(main_text(spec), main_end, "bom-python" in spec.quirks)}
    if "app-dockerfile-copy" in spec.quirks and not spec.root_layout:
        files[f"{folder}/Dockerfile"] = files[f"{spec.name}/{dockerfile}"]
    if spec.launch == "script":
        module = "main" if spec.root_layout else "app.main"
        files[f"{spec.name}/run_server.py"] = encode(
            f"from {module} import app\n\nif __name__ == \"__main__\":\n    import uvicorn\n\n"
            f"    uvicorn.run(app, host=\"0.0.0.0\", port={spec.port})\n", True, False)
    if spec.relative_import or spec.route == "router":
        files[f"{folder}/routes.py"] = encode(routes_text(spec), True, False)
    if spec.has_init and not spec.root_layout:
        files[f"{folder}/__init__.py"] = b""
    if spec.env_file and spec.database and database is not None:
        files[f"{spec.name}/.env"] = encode(
            f"DATABASE_URL={database_url(spec, database)}\n", True, False)
    return files


class Encoder:
    """Text to bytes in the repository's byte style: CRLF or LF, BOM, final newline."""

    def __init__(self, crlf: bool) -> None:
        self.crlf = crlf

    def __call__(self, text: str, final_newline: bool, bom: bool,
                 encoding: str = "utf-8") -> bytes:
        if not final_newline:
            text = text.rstrip("\n")
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


@dataclass
class Fleet:
    files: dict[str, bytes]
    options: list[str]      # fix/check options the run uses (port source, strategy, unsafe)


@st.composite
def fleets(draw: st.DrawFn) -> Fleet:
    style = Style(draw(st.sampled_from((2, 4))), *(draw(st.booleans()) for _ in range(8)))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    specs = [draw(service_specs(name, names[:index])) for index, name in enumerate(names)]
    database = draw(st.sampled_from((None, "db", "postgres")))
    defined, healthy = draw(st.booleans()), draw(st.booleans())
    encode = Encoder(style.crlf)
    style.folder = draw(st.sampled_from(("", "deploy/")))
    compose_name = style.folder + draw(st.sampled_from(("docker-compose.yml", "compose.yaml")))
    files = {compose_name: encode(compose_text(specs, style, database, defined, healthy),
                                  draw(st.booleans()), False)}
    override = draw(st.sampled_from(specs))
    if draw(st.booleans()):
        files[compose_name.replace(".y", ".override.y")] = encode(override_text(override, style),
                                                                  True, False)
    if draw(st.booleans()):  # a stack of its own: a dev variant of one service, --reload
        dev_port = draw(st.sampled_from(PORTS))
        files[f"{style.folder}docker-compose.dev.yml"] = encode(
            dev_stack_text(override, style, dev_port), True, False)
    for spec in specs:
        files.update(service_files(spec, encode, database))
    options = draw(st.lists(st.sampled_from((
        ("--port-source", "dockerfile"), ("--healthcheck-strategy", "python"),
        ("--unsafe-fixes",))), unique=True, max_size=2))
    return Fleet(files, [word for option in options for word in option])


def dev_stack_text(spec: ServiceSpec, style: Style, port: int) -> str:
    node: dict[str, Node] = {
        "build": context(spec, style) if "root-context" not in spec.quirks else
        {"context": context(spec, style), "dockerfile": f"{spec.name}/Dockerfile"},
        "command": f"uvicorn {asgi_target(spec)} --host 0.0.0.0 --port {port} --reload",
        "ports": list[Node]([f'"{port}:{port}"'])}
    out: list[str] = []
    emit({"services": {f"{spec.name}-dev": node}}, "", style, out)
    return "\n".join(out) + "\n"


def override_text(spec: ServiceSpec, style: Style) -> str:
    """An override file that adds a published port or retimes the healthcheck."""
    node: dict[str, Node] = ({"healthcheck": {"interval": "10s"}}
                             if healthcheck_test(spec) is not None
                             else {"ports": list[Node]([f'"9000:{spec.port}"'])})
    out: list[str] = []
    emit({"services": {spec.name: node}}, "", style, out)
    return "\n".join(out) + "\n"
