"""Where a repository's nginx configuration sends traffic: `proxy_pass`/`grpc_pass` targets,
URLs kept in `set $var ...`, and the `server host:port` lines of `upstream` blocks.

Read statement by statement (`;`, `{`, `}` end them, `#` comments blanked), in one pass:
linear on any input, and every offset is the file's own. An upstream's servers speak what
the directives that name it speak (`grpc_pass grpc://backend`: gRPC); one that nothing
names is taken as HTTP, nginx's usual use.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number
from fixer.facts.ports.urls import Lines, find_urls

_STATEMENT = lazy_compile(r"([^;{}]*)([;{}])")
_COMMENT = lazy_compile(r"#[^\n]*")
_SERVER = lazy_compile(r"server\s+(?P<host>[\w.-]+)(?::(?P<port>\d+))?(?=\s|$)")
# `http://api:$api_port`, `server api:${API_PORT}` (an envsubst template): a port fixer
# cannot read, so it cannot show that the reference still works after a port fix
_RUNTIME = lazy_compile(r"(?<![\w.-])(?P<host>[\w.-]+):(?P<port>\$\(?\w+\)?)")
# `${VAR}` braces are no blocks: read as `$(VAR)`, the same length, so offsets stay
_BRACED = lazy_compile(r"\$\{(\w*)\}")
_GRPC = lazy_compile(r"grpc_pass\s+(?P<scheme>grpcs?://)?(?P<host>[\w.-]+)(?::(?P<port>\d+))?"
                     r"\s*$")


@dataclass(frozen=True)
class ProxyTarget:
    """One place the configuration sends traffic to `host:port`."""

    path: str
    line: int
    column: int
    start: int      # offsets of the port's digits in the file's text
    end: int
    host: str
    port: int | None  # None: set at run time (`$var`, `${VAR}`)
    text: str       # the directive, its whitespace collapsed, without its `;`
    http: bool
    implicit: bool = False   # no port written (`server api;`, `http://api`): 80, no digits
    inline: bool = False     # written in a compose config's `content:`: read, never edited


def is_proxy_config(path: str) -> bool:
    """The file names read as proxy configuration: `*.conf`, `*.conf.template`, `conf.d/*`."""
    if "conf" not in path:   # each name below has it; asked of every path of the tree
        return False
    name = posixpath.basename(path)
    folder = posixpath.basename(posixpath.dirname(path))
    return name.endswith((".conf", ".conf.template")) or folder == "conf.d"


# where nginx and OpenResty read configuration, the official image's templates included
_NGINX_FOLDERS = ("/etc/nginx/", "/usr/local/openresty/nginx/conf/")


def is_nginx_target(container_path: str) -> bool:
    """Whether a file mounted at `container_path` of an nginx container is its configuration
    (`/etc/nginx/templates/default.conf.template`), whatever its name in the repository."""
    return container_path.startswith(_NGINX_FOLDERS)


@dataclass
class _Reader:
    path: str
    text: str
    code: str                                    # the text, comments blanked, `${X}` as `$(X)`
    lines: Lines
    found: list[ProxyTarget]
    servers: dict[str, list[ProxyTarget]]        # upstream name -> its servers
    grpc: set[str]                               # hosts and upstreams grpc_pass calls


def proxy_targets(path: str, text: str) -> list[ProxyTarget]:
    """Every host:port the file's directives send traffic to."""
    if "pass" not in text and "upstream" not in text:
        return []
    code = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    code = _BRACED.sub(lambda m: f"$({m.group(1)})", code)
    reader = _Reader(path, text, code, Lines(text), [], {}, set())
    blocks: list[str] = []                       # the heads of the enclosing blocks
    for start, end, close in _statements(code):
        words = code[start:end].split()
        if close == "{":
            blocks.append(" ".join(words))
        elif words:
            _statement(reader, start, end, words, blocks[-1] if blocks else "")
        if close == "}" and blocks:
            blocks.pop()
    for name, group in reader.servers.items():
        reader.found.extend(replace(t, http=False) if name in reader.grpc else t
                            for t in group)
    # `proxy_pass http://backend;` names an upstream block when one is so called: its
    # servers are the targets, not port 80 of a host
    return sorted((t for t in reader.found if not (t.implicit and t.host in reader.servers)),
                  key=lambda t: t.start)


def _statements(code: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, terminator) of each statement, leading whitespace skipped. The scan
    stops at the last terminator, so no match attempt runs on to the end in vain (a text
    without one would cost quadratic time)."""
    last = max(code.rfind(";"), code.rfind("{"), code.rfind("}"))
    for match in _STATEMENT.finditer(code, 0, last + 1):
        body = match.group(1)
        start = match.start(1) + len(body) - len(body.lstrip())
        yield start, match.end(1), match.group(2)


def _statement(reader: _Reader, start: int, end: int, words: list[str], block: str) -> None:
    directive = words[0]
    if directive in ("server", "grpc_pass", "proxy_pass", "set"):
        reader.found.extend(_target(reader, start, end, m, True, runtime=True)
                            for m in _RUNTIME.finditer(reader.code, start, end))
    if directive == "server" and block.startswith("upstream ") and len(block.split()) > 1:
        server = _SERVER.match(reader.code, start, end)
        if server is not None:
            reader.servers.setdefault(block.split()[1], []).append(
                _target(reader, start, end, server, True))
    elif directive == "grpc_pass":
        grpc = _GRPC.match(reader.code, start, end)
        if grpc is not None:
            reader.grpc.add(grpc.group("host"))
            if grpc.group("port") is not None:
                reader.found.append(_target(reader, start, end, grpc, False))
    elif directive in ("proxy_pass", "set"):
        statement = " ".join(reader.text[start:end].split())
        reader.found.extend(
            ProxyTarget(reader.path, reader.lines.line(url.start), reader.lines.column(url.start),
                        url.start, url.end, url.host, url.port, statement, url.http,
                        url.implicit)
            for url in find_urls(reader.code, start, end, implicit=directive == "proxy_pass"))


def _target(reader: _Reader, start: int, end: int, match: re.Match[str], http: bool,
            runtime: bool = False) -> ProxyTarget:
    text = " ".join(reader.text[start:end].split())
    if match.group("port") is None:   # `server api;`: an upstream server on port 80
        at = match.end("host")
        return ProxyTarget(reader.path, reader.lines.line(at), reader.lines.column(at), at, at,
                           match.group("host"), 80, text, http, implicit=True)
    at = match.start("port")
    # a run of digits no port has is read as a port fixer cannot know, as one set at run time
    port = None if runtime else number(match.group("port"))
    return ProxyTarget(reader.path, reader.lines.line(at), reader.lines.column(at), at,
                       match.end("port"), match.group("host"), port, text, http)
