from .pool import POOL


def connection():
    return POOL
