import functools


def cached(func):
    return functools.lru_cache(maxsize=1024)(func)
