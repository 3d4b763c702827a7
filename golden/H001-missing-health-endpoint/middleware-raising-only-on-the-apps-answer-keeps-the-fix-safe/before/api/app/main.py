import logging

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware

log = logging.getLogger(__name__)


class StrictErrors(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        if response.status_code >= 500 and request.app.debug:
            raise RuntimeError(f"{request.url.path} failed")
        return response


app = FastAPI()
app.add_middleware(StrictErrors)


@app.get("/")
def root():
    return {"ok": True}
