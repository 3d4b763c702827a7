import os


class Prefixes:
    @staticmethod
    def auth() -> str:
        return os.environ.get("AUTH_PREFIX", "/api/v1/auth")
