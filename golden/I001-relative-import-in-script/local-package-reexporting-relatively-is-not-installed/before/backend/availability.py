from .database import ROWS


def count():
    return len(ROWS)
