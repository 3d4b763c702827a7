from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

OPEN_PATHS = ("/login", "/docs", "/openapi.json")


class TokenMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.url.path.startswith(OPEN_PATHS):
            return await call_next(request)
        if not request.headers.get("Authorization"):
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return await call_next(request)
