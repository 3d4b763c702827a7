from starlette.middleware.base import BaseHTTPMiddleware
from starlette.status import HTTP_500_INTERNAL_SERVER_ERROR


class LogMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        status_code: int = HTTP_500_INTERNAL_SERVER_ERROR
        try:
            response = await call_next(request)
            status_code = response.status_code
        finally:
            print(request.url.path, status_code)
        return response
