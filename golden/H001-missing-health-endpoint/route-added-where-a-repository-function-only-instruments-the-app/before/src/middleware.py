from starlette.middleware.base import BaseHTTPMiddleware


class LogMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, skip_paths=None):
        super().__init__(app)
        self.skip_paths = skip_paths or {"/", "/health", "/docs"}

    async def dispatch(self, request, call_next):
        return await call_next(request)
