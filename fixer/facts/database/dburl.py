"""PostgreSQL connection URLs: scheme, credentials, host, port and database.

Parts may hold Compose interpolations (`${DB_USER}`, `${DB_PASSWORD:-secret}`,
`$NAME`). An interpolation is atomic here: its `:` or `@` never splits the URL,
and its text is kept as written so a fix can reference the same variables. `$$` is
Compose's escaped literal dollar (`pa$$w0rd` is the password `pa$w0rd`), never one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from fixer.core.lazyre import lazy_compile

# `postgres://`, `postgresql://`, `postgresql+asyncpg://`, `postgres+psycopg2://`, ...
_SCHEME = lazy_compile(r"^(postgres(?:ql)?(?:\+[A-Za-z0-9_.-]+)?)://", re.IGNORECASE)
# `$$` comes first so that `pa$$w0rd` reads as an escaped dollar, not `$` before `$w0rd`
_DOLLAR_OR_INTERPOLATION = lazy_compile(r"\$\$|\$\{[^}]*\}|\$[A-Za-z_]\w*")
_PLACEHOLDER = lazy_compile(r"\x00(\d+)\x00")
_NETLOC_END = lazy_compile(r"[/?#]")   # the first of these ends the host part
DEFAULT_PORT = "5432"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "ip6-localhost"})


@dataclass(frozen=True)
class DbUrl:
    """One parsed URL. Parts are raw text (interpolations kept); None when absent."""

    raw: str
    scheme: str
    user: str | None
    password: str | None
    host: str
    port: str | None
    database: str | None
    # the query's parameters as written (`sslmode=require`, `host=/cloudsql/...`), keys
    # lowercased; interpolations kept
    query: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        """A query parameter's value; the first one written wins, as libpq reads them."""
        return next((value for key, value in self.query if key == name), None)

    @property
    def effective_port(self) -> str:
        return self.port or DEFAULT_PORT

    @property
    def host_is_loopback(self) -> bool:
        return self.host.lower() in LOOPBACK or self.host.startswith("127.")


def is_postgres_url(value: str) -> bool:
    return bool(_SCHEME.match(value.strip()))


def wholly_interpolated(value: str) -> bool:
    """`${DATABASE_URL}` or `${DATABASE_URL:-postgresql://...}`: the URL is decided elsewhere."""
    text = value.strip()
    match = _DOLLAR_OR_INTERPOLATION.match(text)
    return bool(match and match.group(0) != "$$" and match.end() == len(text))


def has_interpolation(part: str | None) -> bool:
    return bool(interpolations(part))


def interpolations(part: str | None) -> list[str]:
    """Variable names a part references."""
    names = []
    for match in _DOLLAR_OR_INTERPOLATION.finditer(part or ""):
        if match.group(0) != "$$":
            names.append(re.split(r"[:?\-+}]", match.group(0).lstrip("${"), maxsplit=1)[0])
    return names


def decoded(part: str) -> str:
    """The part as Compose text for its value: the literal text between interpolations
    percent-decoded (`p%40ss` is `p@ss`), interpolations and `$$` kept. A dollar that decoding
    gives is written `$$` (`Kx9%24REGION` is `Kx9$$REGION`): Compose would read `$REGION` in
    a value written with it as a variable, and the database would get another password."""
    out: list[str] = []
    last = 0
    for match in _DOLLAR_OR_INTERPOLATION.finditer(part):
        out += [_decoded_literal(part[last:match.start()]), match.group(0)]
        last = match.end()
    out.append(_decoded_literal(part[last:]))
    return "".join(out)


def _decoded_literal(text: str) -> str:
    """Literal URL text percent-decoded, its decoded dollars escaped; a `$` written as such
    (one Compose reads as no interpolation) stays as written."""
    return "$".join(unquote(piece).replace("$", "$$") for piece in text.split("$"))


def parse(value: str) -> DbUrl | None:
    """The URL's parts; None for a non-PostgreSQL value, a multi-host or malformed URL."""
    text = value.strip()
    scheme = _SCHEME.match(text)
    if scheme is None:
        return None
    masked, found = _mask(text[scheme.end():])
    netloc, path = split_netloc(masked)
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        userinfo = ""
    user, colon, password = userinfo.partition(":")
    host, port = split_host_port(hostport)
    if host is None or "," in hostport or not host:
        return None
    database = path.split("?", 1)[0].split("#", 1)[0] if path else ""
    query = masked.partition("?")[2].split("#", 1)[0]

    def restore(part: str) -> str:
        return _PLACEHOLDER.sub(lambda m: found[int(m.group(1))], part)

    return DbUrl(
        raw=text, scheme=scheme.group(1).lower(),
        user=restore(user) if at and user else None,
        password=restore(password) if colon else None,
        host=restore(host), port=restore(port) if port else None,
        database=restore(database) if database else None,
        query=tuple((key.lower(), restore(value))
                    for key, value in parse_qsl(query, keep_blank_values=True)),
    )


def _mask(text: str) -> tuple[str, list[str]]:
    """Replace each interpolation by a placeholder holding no URL delimiter."""
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        if match.group(0) == "$$":   # a literal dollar: no delimiter to hide
            return "$$"
        found.append(match.group(0))
        return f"\x00{len(found) - 1}\x00"

    return _DOLLAR_OR_INTERPOLATION.sub(hide, text), found


def split_netloc(rest: str) -> tuple[str, str]:
    """A URL's text after `scheme://` split into its authority and the rest after its `/`."""
    # the credentials end at the last `@` before any `/`, as libpq and SQLAlchemy read them:
    # a `#` or `?` in a password (`p%40ss#word`) is the password's, not a fragment or query
    slash = rest.find("/")
    at = rest.rfind("@", 0, len(rest) if slash < 0 else slash)
    end = _NETLOC_END.search(rest, at + 1)
    if end is None:
        return rest, ""
    index = end.start()
    return rest[:index], (rest[index + 1:] if rest[index] == "/" else "")


def split_host_port(hostport: str) -> tuple[str | None, str | None]:
    """`host:port` (`[::1]:5432`) split; (None, None) where the port is no number."""
    if hostport.startswith("["):  # IPv6 literal
        end = hostport.find("]")
        if end < 0:
            return None, None
        host, rest = hostport[:end + 1], hostport[end + 1:]
        return host, rest[1:] if rest.startswith(":") else None
    host, colon, port = hostport.partition(":")
    if colon and not (port.isdigit() or _PLACEHOLDER.fullmatch(port)):
        return None, None
    return host, port or None
