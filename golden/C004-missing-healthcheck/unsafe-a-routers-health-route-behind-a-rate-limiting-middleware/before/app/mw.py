from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

LIMIT = 100
seen: dict[str, int] = {}


class RateLimit(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        client = request.client.host if request.client else "unknown"
        seen[client] = seen.get(client, 0) + 1
        if seen[client] > LIMIT:
            return JSONResponse(status_code=429, content={"detail": "Rate limit exceeded"})
        return await call_next(request)
