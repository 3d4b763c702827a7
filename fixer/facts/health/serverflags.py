"""What the command that starts an app's server says about how a probe reaches it, besides
its port: the address it binds (an IPv6 one), and the root path it is told it is served
under (`--root-path /orders`, a proxy's prefix; the uvicorn CLI reads `UVICORN_ROOT_PATH`
from the environment the same).

Read from the command's text as written (an exec-form CMD, a compose `command:` list or
string, a `sh -c` script), where `fixer.model.listen` found the server: `--host ::`,
`"--host", "::"`, `--bind [::]:8000`, `--root-path=/orders`.
"""

from __future__ import annotations

import socket

from fixer.core.lazyre import lazy_compile
from fixer.model.services import Service
from fixer.model.workspace import Workspace
from fixer.sources.portsites import run_env

# what comes between an option and its value in a command's text: `=`, a space, or the
# quotes, comma and YAML list dash of an argv written as a list (`"--host", "::"`)
_GAP = r"""(?:=|["']?\s*,?\s*(?:-\s+)?["']?)"""
# an IPv6 bind: uvicorn's, granian's and `fastapi run`'s `--host ::`, gunicorn's and
# hypercorn's `--bind [::]:8000`; `::1` is a loopback bind (`launch.loopback`) besides
_IPV6 = lazy_compile(r"(?<![\w-])(?P<option>--host|--bind|-b)" + _GAP +
                     r"(?P<host>\[::1?\](?::\d+)?|::1?)(?![\w:.\]])")
# uvicorn's `--workers 4`
_WORKERS = lazy_compile(r"(?<![\w-])--workers" + _GAP + r"(\d+)")
# uvicorn's, hypercorn's and `fastapi run`'s `--root-path /orders`
_ROOT_PATH = lazy_compile(r"(?<![\w-])--root-path" + _GAP + r"(?P<path>/[\w.~/-]*)")


def _command_text(ws: Workspace, service: Service) -> str:
    """The text of the command that starts the server; "" when fixer found none."""
    region = service.app.listen.region if service.app is not None else None
    file = ws.read(region.path) if region is not None else None
    return region.run_text(file.text) if file is not None and region is not None \
        else ""


def ipv6_bind(ws: Workspace, service: Service) -> str | None:
    """The IPv6 bind of the server, as written (`--host ::`): a socket that may accept no
    IPv4 connection. uvicorn with one worker sets IPV6_V6ONLY on it (127.0.0.1 is refused,
    `[::1]` answers); other servers and worker counts differ, and so may the container's
    IPv6 loopback. None when the command binds no IPv6 address fixer can read."""
    text = _command_text(ws, service)
    found = _IPV6.search(text)
    if found is None or _dual_stack(service, text):
        return None
    return f"`{found.group('option')} {found.group('host')}`"


# the binds a probe of the container's loopback reaches: every address (`0.0.0.0`, `::`, and
# the empty host of gunicorn's `--bind :8000`), or the loopback itself, by the names Docker's
# /etc/hosts gives it
_LOOPBACK_REACHES = frozenset({"", "0.0.0.0", "0", "::", "[::]", "localhost", "127.0.0.1",
                               "::1", "[::1]", "ip6-localhost", "ip6-loopback"})


def named_bind(service: Service) -> str | None:
    """The one address the server binds, as written, where it is neither every address nor
    the loopback (`--host web`, `--bind 172.20.0.5:8000`): the server resolves a name once
    and listens on that address alone (the container's own on its network), so a probe of
    localhost inside the container is refused. None where the command gives no host, one
    from a variable, or one a probe of localhost reaches."""
    launch = service.app.listen.launch if service.app is not None else None
    host = launch.host if launch is not None else ""
    if host in _LOOPBACK_REACHES or _ipv4_reaching_loopback(host) or \
            not _LITERAL_HOST.fullmatch(host):
        return None
    return host


def _ipv4_reaching_loopback(host: str) -> bool:
    """An IPv4 address in a short form the C library reads (`0.0.0` is 0.0.0.0, `127.1` is
    127.0.0.1, as the server's bind resolves them): every address, or the loopback."""
    try:
        packed = socket.inet_aton(host)
    except (OSError, ValueError):
        return False
    return packed == bytes(4) or packed[0] == 127


# a host written out: a name or an address, no variable nor template
_LITERAL_HOST = lazy_compile(r"[\w.:\[\]-]+")


def _dual_stack(service: Service, text: str) -> bool:
    """uvicorn with more than one worker (`--workers 4`) binds the socket itself, with no
    IPV6_V6ONLY: 127.0.0.1 and `[::1]` both answer (checked with uvicorn on loopback)."""
    launch = service.app.listen.launch if service.app is not None else None
    workers = _WORKERS.search(text)
    return launch is not None and launch.server == "uvicorn" and workers is not None and \
        int(workers.group(1)) > 1


def server_environment(ws: Workspace, service: Service) -> dict[str, str]:
    """The environment the server starts in: its image's `ENV` (of the stages it is built
    from too; an `ARG` is gone at run time), then compose's `env_file` and `environment` over
    them; where the uvicorn CLI reads each option the command does not give
    (`UVICORN_ROOT_PATH`, `UVICORN_SSL_CERTFILE`)."""
    app = service.app
    image = run_env(app.dockerfile, app.stage, service.build_args()).values \
        if app is not None else {}
    return {**image, **service.environment(ws.tree)}


def root_path(ws: Workspace, service: Service) -> tuple[str, str] | None:
    """The root path the command gives the server (`--root-path /orders`), else the one the
    uvicorn CLI reads from `UVICORN_ROOT_PATH`, without its trailing slash, and how it is
    given; None when it gets none (or "/")."""
    found = _ROOT_PATH.search(_command_text(ws, service))
    launch = service.app.listen.launch if service.app is not None else None
    if found is not None:
        written, given = found.group("path"), f"--root-path {found.group('path')}"
    elif launch is not None and launch.server == "uvicorn" and not launch.runs_script:
        written = server_environment(ws, service).get("UVICORN_ROOT_PATH", "")
        given = f"UVICORN_ROOT_PATH={written}"
    else:
        return None
    path = written.rstrip("/")
    return (path, given) if path.startswith("/") else None
