import os

from fastapi import FastAPI, Request

from app.errors import forbidden

API_KEY = os.environ.get("API_KEY", "dev")

app = FastAPI()


@app.middleware("http")
async def require_key(request: Request, call_next):
    if request.headers.get("x-api-key") != API_KEY:
        return forbidden()
    return await call_next(request)


@app.get("/")
def root():
    return {"ok": True}
