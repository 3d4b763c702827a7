"""The short `ports` syntax, `[host_ip:][published:]target[/protocol]`, split as written,
and what Compose refuses in it."""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile


@dataclass(frozen=True)
class ShortPort:
    """`[host_ip:][published:]target[/protocol]`, each part as written."""

    host_ip: str | None
    published: str | None
    target: str
    protocol: str


def parse_short(raw: str) -> ShortPort:
    """Split the short `ports` syntax; `${...}` and `[ipv6]` may hold colons."""
    mapping = body(raw)
    protocol = raw[len(mapping) + 1:].lower() or "tcp"
    parts = _split_colons(mapping)
    target = parts[-1]
    published = parts[-2] if len(parts) >= 2 else None
    host_ip = ":".join(parts[:-2]) if len(parts) >= 3 else None
    return ShortPort(host_ip, published, target, protocol)


def body(raw: str) -> str:
    """The mapping without its `/protocol` suffix."""
    head, slash, tail = raw.rpartition("/")
    return head if slash and tail.lower() in ("tcp", "udp", "sctp") else raw


# what nests a colon: with none of them, every colon splits (most entries, `8000:8000`)
_NESTING = frozenset("{}[]")


def _split_colons(text: str) -> list[str]:
    if _NESTING.isdisjoint(text):
        return text.split(":")   # as the walk below splits such a text, one pass in C
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "{["
        depth -= char in "}]"
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


_PORT_RANGE = lazy_compile(r"(\d+)(?:-(\d+))?")
_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


def short_port_problem(text: str) -> str | None:
    """Why Compose refuses a short `ports` entry, or None."""
    head, slash, protocol = text.rpartition("/")
    if slash and "/" in head:
        return f"`{text}` names more than one protocol"
    if slash and protocol and protocol.lower() not in _PROTOCOLS:   # `80:80/` is tcp
        return f"`{protocol}` of `{text}` is no protocol (tcp, udp or sctp)"
    parts = parse_short(head if slash else text)
    if parts.host_ip and not _is_ip(parts.host_ip.removeprefix("[").removesuffix("]")):
        return f"`{parts.host_ip}` of `{text}` is no IP address"
    target = _port_span(parts.target, 1)
    if target is None:
        return f"`{parts.target}` of `{text}` is no container port (1-65535)"
    published = _port_span(parts.published, 0) if parts.published else (0, 0)
    if published is None:
        return f"`{parts.published}` of `{text}` is no host port (0-65535)"
    if target[1] != target[0] and parts.published and \
            target[1] - target[0] != published[1] - published[0]:
        return f"the ranges of `{text}` differ in length"
    return None


def _port_span(text: str, least: int) -> tuple[int, int] | None:
    """`8000` or `8000-8010` as (first, last); None when it is no port or range of ports
    from `least` to 65535."""
    match = _PORT_RANGE.fullmatch(text)
    if match is None:
        return None
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    return (first, last) if least <= first <= last <= 65535 else None


def _is_ip(text: str) -> bool:
    import ipaddress   # here: only a port with a host IP asks
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
