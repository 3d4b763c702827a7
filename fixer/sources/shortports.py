"""The short `ports` syntax, `[host_ip:][published:]target[/protocol]`, split as written."""

from __future__ import annotations

from dataclasses import dataclass


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
