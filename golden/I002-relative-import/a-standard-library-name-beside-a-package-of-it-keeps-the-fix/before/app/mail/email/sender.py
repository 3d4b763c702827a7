from email.utils import formataddr

from .base import SENDER


def send(to: str) -> str:
    return formataddr(("shop", SENDER)) + to
