from .db import rows


def count():
    return len(rows)
