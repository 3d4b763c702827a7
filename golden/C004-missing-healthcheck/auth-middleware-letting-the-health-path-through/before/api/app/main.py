from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

_INVALID = JSONResponse({"detail": "bad token"}, status_code=401)


class JWTAuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.url.path == "/health":
            return await call_next(request)
        return _INVALID


app = FastAPI()
app.add_middleware(JWTAuthMiddleware)


@app.get("/health")
def health():
    return {"status": "ok"}
