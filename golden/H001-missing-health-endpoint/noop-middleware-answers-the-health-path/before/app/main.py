from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.middleware("http")
async def health_mw(request: Request, call_next):
    if request.url.path == "/healthz":
        return PlainTextResponse("ok")
    return await call_next(request)
