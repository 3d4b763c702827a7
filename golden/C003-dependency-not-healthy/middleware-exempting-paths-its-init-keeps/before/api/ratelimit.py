from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse


class RateLimitMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, excluded_paths: list = None):
        super().__init__(app)
        self.excluded_paths = excluded_paths or ["/health"]

    async def dispatch(self, request, call_next):
        if request.url.path in self.excluded_paths:
            return await call_next(request)
        return JSONResponse(status_code=429, content={"error": "rate limited"})
