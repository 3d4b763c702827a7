import jwt
from starlette.middleware.base import BaseHTTPMiddleware


class JwtUserMiddleware(BaseHTTPMiddleware):
    """Reads the bearer token when there is one; never refuses a request."""

    async def dispatch(self, request, call_next):
        request.state.user_id = None
        try:
            token = request.headers["authorization"].split(" ", 1)[1]
            request.state.user_id = jwt.decode(token, "secret", algorithms=["HS256"])["sub"]
        except Exception:
            pass
        return await call_next(request)
