"""Lists in messages and titles, written as a sentence writes them; code quoted short."""

from __future__ import annotations

from collections.abc import Sequence


def names(items: Sequence[str], most: int | None = None) -> str:
    """`a`, `a and b`, `a, b and c`; past `most` of them, `a, b, c and 996 more`."""
    if most is not None and len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


# the parts of a file name that say it is a template to copy (`compose.override.example.yml`)
_TEMPLATE_PARTS = frozenset({"example", "sample", "template", "dist", "tpl"})


def how_loaded(path: str) -> str:
    """How a compose overlay file comes into a run, as a reason says it: `loaded with
    `-f``, or, for a template a checkout copies (`docker-compose.override.example.yml`),
    that a copy of it may be loaded."""
    parts = path.rsplit("/", 1)[-1].lower().split(".")
    if _TEMPLATE_PARTS & set(parts[1:-1]):
        return "a template a checkout may copy in as an overlay"
    return "loaded with `-f`"


def clipped(code: str, most: int) -> str:
    """Code quoted in a message, at most `most` characters: cut after the last whole word
    that fits, with `...` to say so (`Admin(app, engine, authentication_backend=...`), never
    in the middle of a name."""
    if len(code) <= most:
        return code
    cut = code[:most]
    whole = cut.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
    return (whole or cut) + "..."
