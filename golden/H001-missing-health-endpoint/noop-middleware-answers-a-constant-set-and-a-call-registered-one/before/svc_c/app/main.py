from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.middleware("http")
async def probes(request: Request, call_next):
    if request.url.path.startswith("/health"):
        return PlainTextResponse("ok")
    return await call_next(request)


@app.get("/")
def root():
    return {}
