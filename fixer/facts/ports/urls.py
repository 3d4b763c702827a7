"""`scheme://host:PORT` URLs in any text: compose values, `.env` files, proxy configuration.

One pattern serves every reader, so a URL means the same wherever it is written. The
scheme says which listener it reaches: HTTP(S) and WS(S) reach the app's HTTP server;
`grpc://`, `amqp://`, `redis://` and the rest reach other listeners, never judged.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass

from fixer.core.envfile import interpolate
from fixer.core.lazyre import lazy_compile
from fixer.core.numbers import number

HTTP_SCHEMES = frozenset({"http", "https", "ws", "wss"})
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")  # the container itself

# The scheme may only start where no scheme character precedes it, so a long run of letters
# is tried once, not from each of its characters: the scan stays linear on untrusted text.
# (`-` and `.` end a scheme here, so `${API:-http://api:8000}` has its URL.) Userinfo
# (`user:pw@`) is skipped; a URL with no port names no container port. An IPv6 host is
# written in brackets (`http://[::1]:8000`), its colons no port.
# A port may be a Compose variable (`http://payments:${PAYMENTS_PORT:-8080}/v1`), read only
# where the caller gives the values to substitute.
URL = lazy_compile(
    r"(?<![A-Za-z0-9+])(?P<scheme>[A-Za-z][A-Za-z0-9+]*)://"
    r"(?:[^@/\s'\"]*@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[\w.-]+)"
    r"(?::(?:(?P<port>\d+)|(?P<var>\$\{[A-Za-z_]\w*(?::?[-+?][^}$]*)?\}|\$[A-Za-z_]\w*)))?"
    r"(?=[/\s'\";,?#})]|$)")
_INTERPOLATION = lazy_compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class Url:
    """One URL with a port; offsets are into the text that was scanned."""

    scheme: str
    host: str
    port: int
    start: int          # of the port's digits
    end: int
    text: str           # the URL as written
    interpolated: bool  # inside `${VAR:-...}`: read, never edited
    # no port written: the scheme's (80 for http and ws, 443 for https and wss); start and
    # end are where a port would go, and there are no digits to edit
    implicit: bool = False
    variable: bool = False   # the port is a variable (`${PORT:-8080}`): read, never edited

    @property
    def http(self) -> bool:
        return self.scheme.lower() in HTTP_SCHEMES


_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def find_urls(text: str, start: int = 0, end: int | None = None, implicit: bool = False,
              variables: Mapping[str, str] | None = None,
              hosts: Container[str] | None = None) -> list[Url]:
    """Every URL with a port in text[start:end], offsets into `text`; with `implicit`, also
    every HTTP(S)/WS(S) URL with none, at its scheme's port (`http://api` calls port 80);
    with `variables`, also every URL whose port is a variable they or its default settle
    (interpolated: there are no digits to edit); with `hosts`, only those to one of them."""
    stop = len(text) if end is None else end
    if "://" not in text[start:stop]:
        return []
    locked = [m.span() for m in _INTERPOLATION.finditer(text, start, stop)]
    out = []
    for match in URL.finditer(text, start, stop):
        if hosts is not None and match.group("host") not in hosts:
            continue   # one the caller drops (a database's URL): none built to be dropped
        written, variable = match.group("port"), match.group("var")
        if variable is not None:
            port = number(interpolate(variable, variables)) if variables is not None \
                else None
            if port is not None:
                out.append(Url(match.group("scheme"), match.group("host"), port,
                               match.start("var"), match.end("var"), match.group(0), True,
                               variable=True))
            continue
        default = _DEFAULT_PORTS.get(match.group("scheme").lower()) \
            if implicit and written is None else None
        port = default or number(written or "")
        if port is None:   # none, or a run of digits no port has
            continue
        at = match.start("port") if written is not None else match.end("host")
        out.append(Url(match.group("scheme"), match.group("host"), port, at,
                       match.end("port") if written is not None else at, match.group(0),
                       any(a <= at < b for a, b in locked), default is not None))
    return out


class Lines:
    """Line and column of offsets in one text: line starts found once, then bisected."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def column(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1
