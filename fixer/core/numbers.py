"""Numbers written in untrusted text (ports, counts) read without surprises.

`str.isdigit()` is true for `²` and `٣`, which `int()` then refuses or reads as a number no
file means; and `int()` of a digit string thousands of characters long is refused (Python's
limit) or slow. Nothing fixer reads as a number (a port, a version part) has more than nine
digits: a longer run of digits is text, not a number.
"""

from __future__ import annotations

MAX_DIGITS = 9


def number(text: str) -> int | None:
    """The value of `text` when it is 1 to 9 ASCII digits; None otherwise."""
    if 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None
