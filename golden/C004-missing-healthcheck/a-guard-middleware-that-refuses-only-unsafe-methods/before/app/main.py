from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

app = FastAPI()


class CSRFGuard(BaseHTTPMiddleware):
    _SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    async def dispatch(self, request: Request, call_next):
        if request.method not in self._SAFE_METHODS and request.url.path.startswith("/api/"):
            if request.headers.get("origin") not in (None, "https://example.org"):
                return Response("Forbidden", status_code=403)
        return await call_next(request)


app.add_middleware(CSRFGuard)


@app.get("/health")
def health():
    return {"status": "ok"}
