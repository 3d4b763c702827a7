from .helper import NAME
