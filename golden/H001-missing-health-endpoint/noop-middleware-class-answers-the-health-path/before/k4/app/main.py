from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def healthcheck(request: Request, call_next):
    if request.method == "GET" and request.url.path == "/healthz":
        return JSONResponse({"ok": True})
    return await call_next(request)
