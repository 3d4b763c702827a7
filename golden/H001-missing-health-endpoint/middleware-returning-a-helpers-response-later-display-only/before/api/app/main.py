import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API_KEY = os.environ.get("API_KEY", "dev")

app = FastAPI()


def forbidden():
    return JSONResponse({"detail": "forbidden"}, status_code=403)


@app.middleware("http")
async def require_key(request: Request, call_next):
    if request.headers.get("x-api-key") != API_KEY:
        response = forbidden()
        return response
    return await call_next(request)


@app.get("/")
def root():
    return {"ok": True}
