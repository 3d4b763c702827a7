from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

DEFAULT_EXCLUDE_PATHS = ["/health", "/docs", "/openapi.json"]


class AuthMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, exclude_paths=None):
        super().__init__(app)
        self.exclude_paths = exclude_paths or []

    def _should_exclude(self, request) -> bool:
        return request.url.path in self.exclude_paths

    async def dispatch(self, request, call_next):
        if self._should_exclude(request):
            return await call_next(request)
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return await call_next(request)
