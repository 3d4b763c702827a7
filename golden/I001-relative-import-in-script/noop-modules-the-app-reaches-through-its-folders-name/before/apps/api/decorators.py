from .exceptions import AppError


def guarded(f):
    return f
