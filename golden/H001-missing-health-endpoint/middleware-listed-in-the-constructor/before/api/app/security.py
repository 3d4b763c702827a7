from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware


class ApiKeyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.headers.get("X-API-Key") != "secret":
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return await call_next(request)
