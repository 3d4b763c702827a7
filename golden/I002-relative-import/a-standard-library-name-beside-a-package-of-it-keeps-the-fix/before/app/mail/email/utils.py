from email.utils import parseaddr

from .base import SENDER

NAME = parseaddr(SENDER)[1]
