from contextvars import ContextVar

from fastapi import FastAPI, Request, Response

request_id: ContextVar[str] = ContextVar("request_id", default="-")


def setup_logging(app: FastAPI):
    @app.middleware("http")
    async def log_requests(request: Request, call_next):
        rid = request_id.get()
        response = Response(status_code=500)
        try:
            response = await call_next(request)
        except Exception:
            print("failed", rid)
            raise
        response.headers["X-Request-Id"] = rid
        return response
