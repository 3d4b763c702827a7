from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser
from starlette.requests import HTTPConnection


class TokenBackend(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection):
        token = conn.headers.get("Authorization")
        if not token:
            return None
        return AuthCredentials(["authenticated"]), SimpleUser(token)
