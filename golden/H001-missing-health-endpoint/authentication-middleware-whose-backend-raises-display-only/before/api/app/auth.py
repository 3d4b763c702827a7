from starlette.authentication import (AuthCredentials, AuthenticationBackend,
                                      AuthenticationError, SimpleUser)
from starlette.requests import HTTPConnection


class TokenBackend(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection):
        token = conn.headers.get("Authorization")
        if not token:
            raise AuthenticationError("no token")
        return AuthCredentials(["authenticated"]), SimpleUser(token)
