"""Lists in messages and titles, written as a sentence writes them."""

from __future__ import annotations

from collections.abc import Sequence


def names(items: Sequence[str], most: int | None = None) -> str:
    """`a`, `a and b`, `a, b and c`; past `most` of them, `a, b, c and 996 more`."""
    if most is not None and len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]
