from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


async def k8s_probes(request: Request, call_next):
    if request.url.path in ("/livez", "/readyz"):
        return PlainTextResponse("ok")
    return await call_next(request)

app.middleware("http")(k8s_probes)


@app.get("/")
def root():
    return {}
