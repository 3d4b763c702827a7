from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware


class PermissionMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.url.path.startswith("/auth"):
            return await call_next(request)
        if "x-role" not in request.headers:
            return JSONResponse(status_code=403, content={"detail": "Permission denied"})
        return await call_next(request)
