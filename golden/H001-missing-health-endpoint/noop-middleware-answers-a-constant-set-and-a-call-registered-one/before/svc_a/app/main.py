from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()
PROBES = {"/health", "/ready"}


@app.middleware("http")
async def probes(request: Request, call_next):
    if request.url.path in PROBES:
        return PlainTextResponse("ok")
    return await call_next(request)


@app.get("/")
def root():
    return {}
