import os
import socket


def database_reachable() -> bool:
    """Whether the database accepts a connection."""
    host = os.environ.get("DATABASE_HOST", "db")
    try:
        with socket.create_connection((host, 5432), timeout=2):
            return True
    except OSError:
        return False
