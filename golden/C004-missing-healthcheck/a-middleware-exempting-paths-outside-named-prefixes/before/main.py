from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

PROTECTED_PREFIXES = ("/v1/",)

app = FastAPI()


@app.middleware("http")
async def require_internal_key(request: Request, call_next):
    if not request.url.path.startswith(PROTECTED_PREFIXES):
        return await call_next(request)
    if request.headers.get("X-Internal-Key") != "k":
        return JSONResponse(status_code=401, content={"detail": "unauthorized"})
    return await call_next(request)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/v1/items")
def items():
    return []
