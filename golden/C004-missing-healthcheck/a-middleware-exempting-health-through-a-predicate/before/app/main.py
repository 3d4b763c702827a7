import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API_KEY = os.environ.get("API_KEY", "")
PUBLIC_PATHS = ("/health",)


def needs_key(path: str) -> bool:
    return path not in PUBLIC_PATHS


app = FastAPI()


@app.middleware("http")
async def check_key(request: Request, call_next):
    if API_KEY and needs_key(request.url.path):
        if request.headers.get("X-API-Key") != API_KEY:
            return JSONResponse(status_code=401, content={"detail": "no key"})
    return await call_next(request)


@app.get("/health")
def health():
    return {"status": "ok"}
