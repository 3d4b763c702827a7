from .sender import send
