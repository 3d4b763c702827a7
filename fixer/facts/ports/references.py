"""Every reference in the repository that reaches a service's container port (what the
stack check's `references` property keeps working): `ports` targets, `expose`, healthcheck
URLs, traefik labels, and `scheme://service:N` in other services' compose values, in the
stack's `.env`, in `env_file`s and in proxy configuration (nginx).

One index per workspace serves both P001 (the claims it judges and edits, with their
sites) and the stack check (`references`, the public view). It is built in one pass over
the stacks and the proxy files, and cached on the workspace's tree, so it lives as long as
the run and no longer.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.images import base_image
from fixer.facts.ports.claims import ContainerPort, compose_urls, own_ports
from fixer.facts.ports.proxyconf import (
    ProxyTarget,
    is_nginx_target,
    is_proxy_config,
    proxy_targets,
)
from fixer.facts.ports.urls import Lines, find_urls
from fixer.model.services import Service, Stack, bind_mounts, inline_configs
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, mapping_or_list, scalar
from fixer.sources.portsites import Site

_KINDS = {"ports": "published", "expose": "expose", "healthcheck": "healthcheck",
          "traefik": "traefik", "peer": "url", "proxy": "proxy"}


@dataclass(frozen=True)
class PortReference:
    path: str        # repository path of the file holding the reference
    line: int
    text: str        # as written: "http://api:8001", "8080:8000", "proxy_pass http://api:8001"
    kind: str        # "published" | "expose" | "url" | "proxy" | "traefik" | "healthcheck"
    stack: str       # Stack.name of the stack the target service belongs to
    service: str     # the service the reference reaches
    port: int        # the container port it reaches
    http: bool       # an HTTP(S)/WS(S) reference; grpc://, amqp://, a TCP route and
    #                  `ports`/`expose` (which say nothing of the protocol) are False


Key = tuple[str, str]  # (stack name, service name)
_Files = dict[str, list[tuple[str, ContainerPort]]]  # env file path -> its URLs, per build


@dataclass
class _Index:
    claims: dict[Key, list[ContainerPort]]
    public: list[PortReference]


_INDEX: Memo[_Index] = Memo("port references")


def references(ws: Workspace) -> list[PortReference]:
    """Every reference to a container port of a service of the workspace's stacks; UDP
    entries and interpolations the stack's `.env` leaves without a value are left out."""
    return _index(ws).public


def service_claims(ws: Workspace, service: Service) -> list[ContainerPort]:
    """What P001 judges for the service: its own compose claims, then what others call."""
    return _index(ws).claims.get((service.stack.name, service.name), [])


def _index(ws: Workspace) -> _Index:
    return ws.derived.get(_INDEX, lambda: _build(ws))


def _build(ws: Workspace) -> _Index:
    proxies = _proxies_by_stack(ws)
    claims: dict[Key, list[ContainerPort]] = {}
    public: list[PortReference] = []
    files: _Files = {}
    for stack in ws.stacks:
        mine = proxies.get(stack.name, [])
        for key, found in _stack_claims(ws, stack, mine, files).items():
            claims[key] = found
            public.extend(_public(stack.name, key[1], p) for p in found
                          if p.effective is not None and not p.udp)
    return _Index(claims, public)


def _proxies_by_stack(ws: Workspace) -> dict[str, list[ProxyTarget]]:
    """Stack name -> the proxy targets it may be reached by: those of the nginx
    configurations an nginx service of the stack bind-mounts (a config's `file:` too, and a
    file of any name mounted where nginx reads configuration), or builds its image from a
    folder holding, and of the configs it mounts inline (`content: |`). One that no nginx of
    the stack reads (a Kubernetes deployment's, another project's) says nothing of how this
    stack's services reach each other."""
    used = {stack.name: _nginx_paths(stack) for stack in ws.stacks}
    named: dict[str, list[str]] = {}   # a file mounted where nginx reads -> its stacks
    for stack in ws.stacks:
        for path in nginx_files(ws, stack):
            named.setdefault(path, []).append(stack.name)
    out: dict[str, list[ProxyTarget]] = {}
    for path in sorted({p for p in ws.tree.paths() if is_proxy_config(p)} | set(named)):
        owners = named.get(path) or [name for name, paths in used.items()
                                     if any(path == u or path.startswith(u + "/")
                                            for u in paths)]
        file = ws.read(path) if owners else None
        targets = proxy_targets(path, file.text) if file is not None else []
        for name in owners if targets else []:
            out.setdefault(name, []).extend(targets)
    for stack in ws.stacks:
        out.setdefault(stack.name, []).extend(
            target for service in stack.services.values() if _runs_nginx(service)
            for doc, content, at in inline_configs(service) if is_nginx_target(at)
            for target in _inline_targets(doc, content))
    return out


def nginx_files(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The repository files the stack's nginx services mount where nginx reads its
    configuration (`./nginx/api.template:/etc/nginx/templates/default.conf.template`), read
    as nginx configuration whatever their names."""
    return frozenset(source for service in stack.services.values() if _runs_nginx(service)
                     for source, target in bind_mounts(service)
                     if is_nginx_target(target) and ws.tree.exists(source))


def _inline_targets(doc: ComposeDoc, content: Value) -> list[ProxyTarget]:
    """The proxy targets of a config's inline `content:`, placed in the compose file and
    marked inline: fixer reads them, and edits no text inside a compose value."""
    start = content.node.start_mark.index
    return [replace(target, line=line, column=column, start=start + target.start,
                    end=start + target.end, inline=True)
            for target in proxy_targets(doc.path, scalar(content) or "")
            for line, column in [inline_position(doc, content, target.line, target.column)]]


def inline_position(doc: ComposeDoc, content: Value, line: int, column: int) -> tuple[int, int]:
    """Where line and column of an inline `content:` text are written in the compose file:
    a block scalar (`content: |`) starts on the line after its indicator, indented."""
    mark, text = content.node.start_mark, doc.file.text
    if getattr(content.node, "style", None) not in ("|", ">"):
        return mark.line + 1, mark.column + 1   # a one-line value: its own place
    at = mark.index
    for _ in range(line):
        at = text.find("\n", at) + 1
    end = text.find("\n", at)
    written = text[at:end if end >= 0 else len(text)]
    own = ((scalar(content) or "").split("\n") + [""])[line - 1]   # as the value reads it
    block = len(written) - len(written.lstrip(" ")) - (len(own) - len(own.lstrip(" ")))
    return mark.line + 1 + line, block + column


def _nginx_paths(stack: Stack) -> list[str]:
    """The repository paths the stack's nginx services read: bind-mounted files and
    folders, and build contexts. "" stands for the whole repository."""
    found: list[str] = []
    for service in stack.services.values():
        if not _runs_nginx(service):
            continue
        if service.app is not None:
            found.append(service.app.build.context)
        found += [source for source, _target in bind_mounts(service)]
    return ["" if p == "." else p for p in found]


def _runs_nginx(service: Service) -> bool:
    return runs_image(service, ("nginx", "openresty")) is not None


# Proxies whose configuration fixer does not read: one may reach a service on any port.
UNREAD_PROXIES = ("caddy", "haproxy", "envoy", "varnish",
                  # API gateways with declarative routes of their own (`kong.yml`)
                  "kong", "apisix", "krakend", "tyk-gateway")


# `http://users:8080` in Python source, or a quoted `"users:50051"` (a gRPC channel's
# target): a peer address compose does not show. Not credentials: `//users:8080@db` is the
# user `users` with the password 8080
_SOURCE_URL = lazy_compile(r"(?://|[\"'])([A-Za-z0-9_.-]+):(\d{2,5})\b(?!@)")
# what every such address holds: a file without it (most source) is passed over by a
# literal search, not tried at each of its quotes
_PORT_DIGITS = lazy_compile(r":\d\d")
# per workspace: (host, port) -> the first Python file that names it
_SOURCE_URLS: Memo[dict[tuple[str, int], str]] = Memo("host:port in Python source")


def source_urls(ws: Workspace) -> dict[tuple[str, int], str]:
    """Each `//host:port` or quoted `"host:port"` a Python file of the repository writes
    (a default in a settings module, a hard-coded client URL, a gRPC target), or a
    frontend's proxy configuration or `.env` file (`next.config.js` rewrites, a Vite
    `proxy` target, `VITE_API_URL=http://backend:8080`), and the first file that does:
    read once per workspace."""
    return ws.derived.get(_SOURCE_URLS, lambda: _source_urls(ws))


# a frontend's build or dev-server configuration, which may proxy to a backend service
_FRONTEND_CONFIG = lazy_compile(r"(^|/)((next|vite|nuxt|webpack|vue|svelte|astro|angular|"
                                r"proxy)\.conf(ig)?\.[cm]?[jt]s|setupProxy\.[jt]s|"
                                r"proxy\.conf\.json|\.env(\.[\w.-]+)?)$")
# a frontend's own source (Next.js server code: `fetch("http://api:8080/...")`), outside the
# folders that hold installed or built code
_FRONTEND_SOURCE = lazy_compile(r"\.(?:[cm]?js|jsx|tsx?)$")
_BUILT_FOLDERS = lazy_compile(r"(^|/)(node_modules|dist|build|out|\.next|\.nuxt|coverage|"
                              r"vendor|public|static)/")


def _source_urls(ws: Workspace) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    compose_env = _compose_env_files(ws)   # read as the stack's own references instead
    for path in sorted(p for p in ws.tree.paths() if p.endswith(".py") or
                       (_FRONTEND_CONFIG.search(p) and p not in compose_env) or
                       (_FRONTEND_SOURCE.search(p) and not _BUILT_FOLDERS.search(p))):
        file = ws.scan(path)
        if file is None or _PORT_DIGITS.search(file.text) is None:
            continue
        for match in _SOURCE_URL.finditer(file.text):
            found.setdefault((match.group(1), int(match.group(2))), path)
    return found


def _compose_env_files(ws: Workspace) -> set[str]:
    """The `.env` beside each compose file and every service's `env_file`s."""
    found = {posixpath.join(posixpath.dirname(path), ".env") for path in ws.compose_docs}
    for service in ws.services():
        found.update(service.env_files())
    return found


# `users:8080` with no scheme: a gRPC target, a `wait-for-it` argument, a `HOST:PORT`
# variable. Not after a scheme's `//`, a user's `@`, or inside a longer name or number.
_BARE_ADDRESS = lazy_compile(r"(?<![\w.@/:-])([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{2,5})(?![\w.])")
# per workspace: stack name -> (host, port) -> where the stack's files first write it
_BARE: Memo[dict[str, dict[tuple[str, int], tuple[str, int]]]] = Memo("host:port addresses")


def bare_addresses(ws: Workspace, stack: Stack) -> dict[tuple[str, int], tuple[str, int]]:
    """Each `host:port` written without a scheme in the stack's compose files, its `.env`,
    its services' `env_file`s and the configuration files they mount (a Prometheus scrape
    target), and where (path, line) it is first written. fixer
    rewrites no such address (nothing says which listener it reaches), so a port they name
    must stay where it is."""
    per_stack = ws.derived.get(_BARE, dict)
    if stack.name not in per_stack:
        per_stack[stack.name] = _bare_addresses(ws, stack)
    return per_stack[stack.name]


def _bare_addresses(ws: Workspace, stack: Stack) -> dict[tuple[str, int], tuple[str, int]]:
    paths = [doc.path for doc in stack.docs]
    for service in stack.services.values():
        paths.extend(service.env_files())
    paths.append(stack.dotenv_path)
    paths.extend(_mounted_configs(ws, stack))
    found: dict[tuple[str, int], tuple[str, int]] = {}
    for path in dict.fromkeys(paths):
        file = ws.read(path)
        if file is None or ":" not in file.text:
            continue
        lines = _Onward(file.text)
        for match in _BARE_ADDRESS.finditer(file.text):
            key = (match.group(1), int(match.group(2)))
            if key not in found:   # the first place only: a line is counted for no other
                found[key] = (path, lines.line(match.start()))
    return found


class _Onward:
    """1-based line numbers of offsets asked in ascending order (matches in text order):
    each newline is counted once, where counting from the text's start for every offset
    rescans a large compose file once per `host:port` it writes."""

    __slots__ = ("_text", "_at", "_line")

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0
        self._line = 1

    def line(self, offset: int) -> int:
        self._line += self._text.count("\n", self._at, offset)
        self._at = offset
        return self._line


# configuration a service reads from a bind mount: a Prometheus scrape target (`api:8000`),
# an OpenTelemetry collector's endpoint, a grafana datasource
_CONFIG_FILE = lazy_compile(r"\.(ya?ml|json|toml|conf|ini|cfg|properties|hcl|river|alloy)$", re.I)
_MOUNTED_CONFIG_LIMIT = 200   # files read per stack


def _mounted_configs(ws: Workspace, stack: Stack) -> list[str]:
    """The configuration files the stack's services mount from the repository: a mounted
    file, or those below a mounted folder (`./prometheus:/etc/prometheus`)."""
    found: list[str] = []
    nginx = nginx_files(ws, stack)
    for service in stack.services.values():
        for source, _target in bind_mounts(service):
            if source in ("", ".") or source.startswith("../"):
                continue   # the whole project or outside it: code, not configuration
            below = [source] if ws.tree.exists(source) else tree_index.files_under(ws.tree,
                                                                                   source)
            # nginx files are read as proxy configuration, whose addresses P001 rewrites
            found.extend(path for path in below if _CONFIG_FILE.search(path)
                         and not is_proxy_config(path) and path not in nginx)
            if len(found) >= _MOUNTED_CONFIG_LIMIT:
                return found[:_MOUNTED_CONFIG_LIMIT]
    return found


# per workspace: stack name -> (host, port) -> where a file the stack's containers read
# (mounted or built into a non-app image) first calls it
_FILE_CALLS: Memo[dict[str, dict[tuple[str, int], tuple[str, int]]]] = \
    Memo("host:port calls of mounted and built files")
_FILE_CALLS_LIMIT = 200   # files read per stack


def file_calls(ws: Workspace, stack: Stack, apps: Callable[[], frozenset[str]]
               ) -> dict[tuple[str, int], tuple[str, int]]:
    """Each `host:port` that a file the stack's containers read calls, with or without a
    scheme, and where (path, line) it is first written: a file a service mounts, whatever
    its name (a supercronic `crontab` whose job runs `curl http://api:8080/reindex`), and
    the files at the root of the build context of a service that is no app (`apps`: the
    names of the stack's app services, asked once a stack), which its image may copy. fixer
    edits none of them, so a port they call must stay where it is."""
    per_stack = ws.derived.get(_FILE_CALLS, dict)
    if stack.name not in per_stack:
        per_stack[stack.name] = _file_calls(ws, stack, apps())
    return per_stack[stack.name]


def _file_calls(ws: Workspace, stack: Stack,
                apps: frozenset[str]) -> dict[tuple[str, int], tuple[str, int]]:
    paths: list[str] = []
    # the stack's compose files, `.env` and env_files: their URLs are peers P001 reads and
    # rewrites (a worker built from the project folder has them at its context's root)
    read = {doc.path for doc in stack.docs} | {stack.dotenv_path} | {
        path for service in stack.services.values() for path in service.env_files()}
    for service in stack.services.values():
        paths.extend(source for source, _target in bind_mounts(service)
                     if source not in ("", ".") and not source.startswith("../")
                     and ws.tree.exists(source))
        if service.app is not None and service.name not in apps:
            paths.extend(tree_index.files_in(ws.tree, service.app.folder))
    # and the configuration below a mounted folder (a traefik file provider's routes)
    paths.extend(_mounted_configs(ws, stack))
    found: dict[tuple[str, int], tuple[str, int]] = {}
    nginx = nginx_files(ws, stack)
    kept = [p for p in dict.fromkeys(paths)
            if p not in read and not is_proxy_config(p) and p not in nginx]
    for path in kept[:_FILE_CALLS_LIMIT]:
        file = ws.tree.peek(path)   # binary or unreadable: calls nothing fixer can see
        text = file.text if file is not None else ""
        lines = _Onward(text)
        for host, port, at in _calls(text):
            found.setdefault((host, port), (path, lines.line(at)))
    # a config written inline (`content: |`) is a file the container reads as well; nginx
    # reads its own as proxy configuration
    for service in stack.services.values():
        for doc, content, target in inline_configs(service):
            if _runs_nginx(service) and is_nginx_target(target):
                continue
            text = scalar(content) or ""
            lines = _Onward(text)
            for host, port, at in _calls(text):
                found.setdefault((host, port),
                                 (doc.path, inline_position(doc, content, lines.line(at), 1)[0]))
    return found


def _calls(text: str) -> list[tuple[str, int, int]]:
    """(host, port, offset) of each `host:port` the text calls, with a scheme or without, in
    text order."""
    calls = [(url.host, url.port, url.start) for url in find_urls(text)] + \
        [(m.group(1), int(m.group(2)), m.start()) for m in _BARE_ADDRESS.finditer(text)]
    return sorted(calls, key=lambda call: call[2])


# per workspace: each stack's proxies fixer does not read, (service, image)
_UNREAD: Memo[dict[str, list[tuple[str, str]]]] = Memo("proxies fixer does not read")


def unread_proxies(ws: Workspace, stack: Stack) -> list[tuple[str, str]]:
    """(service, image) for each service of the stack that runs a proxy of UNREAD_PROXIES;
    found once per stack (P001 asks for every service)."""
    per_stack = ws.derived.get(_UNREAD, dict)
    if stack.name not in per_stack:
        per_stack[stack.name] = [
            (service.name, image) for service in stack.services.values()
            if (image := runs_image(service, UNREAD_PROXIES) or
                _traefik_with_files(ws, service)) is not None]
    return per_stack[stack.name]


# Traefik's file provider, in its command (`--providers.file.directory=...`), environment
# (`TRAEFIK_PROVIDERS_FILE_FILENAME`) or a static configuration file (`[providers.file]`,
# `providers:` with a `file:` below it)
_FILE_PROVIDER = lazy_compile(r"providers\.file|PROVIDERS_FILE|^providers:[ \t]*\n(?:[ \t]+.*\n"
                              r"|[ \t]*\n)*?[ \t]+file:", re.M | re.I)
_TRAEFIK_CONFIG = lazy_compile(r"(^|/)traefik\.(ya?ml|toml)$", re.I)


def _traefik_with_files(ws: Workspace, service: Service) -> str | None:
    """`traefik (file provider)` when the service runs Traefik with its file provider: the
    routes of its dynamic files (`url: http://api:8000`) are configuration fixer does not
    read; its labels it reads."""
    image = runs_image(service, ("traefik",))
    if image is None:
        return None
    command = service.command()
    texts = [" ".join(command[2])] if command is not None else []
    texts += [key for _doc, value in service.all("environment")
              for key, _val, _item in mapping_or_list(value)]
    texts += [file.text for path in ws.tree.sorted_paths() if _TRAEFIK_CONFIG.search(path)
              for file in [ws.read(path)] if file is not None]
    return f"{image} with its file provider" if any(_FILE_PROVIDER.search(t) for t in texts) \
        else None


def runs_image(service: Service, names: tuple[str, ...]) -> str | None:
    """The image the service runs (its `image:`, or the base of the image it builds) when
    its name has one of `names`; else None."""
    image, lowered = service.derived.get(_RUNS, lambda: _image_run(service))
    return image if any(name in lowered for name in names) else None


# per service: the image it runs, as written and lowercased; asked three times for each
# service (is it nginx, an unread proxy, traefik)
_RUNS: Memo[tuple[str, str]] = Memo("the image a service runs")


def _image_run(service: Service) -> tuple[str, str]:
    image = service.scalar("image") or ""
    if service.app is not None:
        image = base_image(service.app.dockerfile, service.app.stage) or image
    return image, image.lower()


def _stack_claims(ws: Workspace, stack: Stack, proxies: list[ProxyTarget],
                  files: _Files) -> dict[Key, list[ContainerPort]]:
    """(stack, service) -> its own claims, then the peers' in file order."""
    hosts: dict[str, str] = {}
    for service in stack.services.values():
        hosts.update((name, service.name) for name in service.names())
    peers: dict[str, dict[tuple[str, int], ContainerPort]] = {}
    for owner, host, port in _peer_urls(ws, stack, hosts, files):
        target = hosts.get(host)
        if target is not None and target != owner:
            # an anchor merged into several services is one reference, not one per user
            peers.setdefault(target, {}).setdefault(_where(port), port)
    for proxy in proxies:
        target = hosts.get(proxy.host)
        if target is not None:
            peers.setdefault(target, {}).setdefault((proxy.path, proxy.start), _claim(proxy))
    out: dict[Key, list[ContainerPort]] = {}
    for service in stack.services.values():
        found = sorted(peers.get(service.name, {}).values(), key=_where)
        out[(stack.name, service.name)] = _other_listeners(service, own_ports(service) + found)
    return out


def _other_listeners(service: Service, claims: list[ContainerPort]) -> list[ContainerPort]:
    """The claims, those of a port another listener of the app's process takes (debugpy's
    `--listen 5678`) marked as no HTTP port of the app."""
    launch = service.app.listen.launch if service.app is not None else None
    beside = set(launch.beside) if launch is not None else set()
    return [replace(p, http=False) if p.effective in beside else p for p in claims]


def _where(port: ContainerPort) -> tuple[str, int]:
    return port.path, port.site.start if port.site else -port.line


def _peer_urls(ws: Workspace, stack: Stack, hosts: dict[str, str],
               files: _Files) -> list[tuple[str | None, str, ContainerPort]]:
    """(owner service or None, host, claim) for every URL in the stack's `.env` and its
    services' `env_file`s, and for those in its compose values that call one of `hosts`."""
    found: list[tuple[str | None, str, ContainerPort]] = []
    for service in stack.services.values():
        found.extend((service.name, host, port) for host, port in compose_urls(service, hosts))
        # what `environment` sets wins over every `env_file`: their value never reaches the
        # container (no evidence of a port, still moved with the others)
        set_here = {key for _doc, value in service.all("environment")
                    for key, _raw, _node in mapping_or_list(value)}
        for path in service.env_files():
            found.extend((service.name, h, replace(p, replaced=True)
                          if set_here and _variable_on(ws, p) in set_here else p)
                         for h, p in _file_urls(ws, path, files))
    found.extend((None, h, p) for h, p in _file_urls(ws, stack.dotenv_path, files))
    return found


def _file_urls(ws: Workspace, path: str, files: _Files) -> list[tuple[str, ContainerPort]]:
    """The URLs of an env file, scanned once however many services load it."""
    if path not in files:
        file = ws.read(path)
        files[path] = _env_urls(path, file.text) if file is not None else []
    return files[path]


def _variable_on(ws: Workspace, port: ContainerPort) -> str:
    """The variable an env file's line sets where a URL is written (`API_URL` of
    `export API_URL=http://api:8000`)."""
    file = ws.read(port.path)
    lines = file.text.splitlines() if file is not None else []
    line = lines[port.line - 1] if 0 < port.line <= len(lines) else ""
    return line.split("=", 1)[0].strip().removeprefix("export ").strip()


def _env_urls(path: str, text: str) -> list[tuple[str, ContainerPort]]:
    lines = Lines(text)
    return [(url.host, ContainerPort(url.port, "peer", path, lines.line(url.start),
                                     None if url.implicit else Site(path, url.start, url.end),
                                     raw=url.text, column=lines.column(url.start),
                                     interpolated=url.interpolated, http=url.http,
                                     implicit=url.implicit))
            for url in find_urls(text, implicit=True)]


def _claim(proxy: ProxyTarget) -> ContainerPort:
    """A proxy target as a claim; one whose port is set at run time, or not written (the
    scheme's), or written inside a compose value, has no site."""
    site = Site(proxy.path, proxy.start, proxy.end) \
        if proxy.port is not None and not proxy.implicit and not proxy.inline else None
    return ContainerPort(proxy.port, "proxy", proxy.path, proxy.line, site, raw=proxy.text,
                         column=proxy.column, http=proxy.http, implicit=proxy.implicit,
                         inline=proxy.inline)


def _public(stack: str, service: str, port: ContainerPort) -> PortReference:
    assert port.effective is not None
    http = port.http and port.kind not in ("ports", "expose")
    return PortReference(port.path, port.line, port.raw, _KINDS[port.kind], stack, service,
                         port.effective, http)
