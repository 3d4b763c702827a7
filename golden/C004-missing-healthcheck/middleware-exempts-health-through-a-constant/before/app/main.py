from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

EXEMPT = {"/health"}


class RateLimit(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.url.path in EXEMPT:
            return await call_next(request)
        return JSONResponse({"detail": "slow down"}, status_code=429)


app = FastAPI()
app.add_middleware(RateLimit)


@app.get("/health")
def health():
    return {"ok": True}
