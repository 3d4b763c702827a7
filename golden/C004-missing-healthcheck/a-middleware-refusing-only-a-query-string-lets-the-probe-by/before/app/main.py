from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def reject_nul_in_query(request: Request, call_next):
    if "%00" in request.url.query.lower():
        return JSONResponse(status_code=400, content={"detail": "NUL byte"})
    return await call_next(request)


@app.get("/health")
def health():
    return {"status": "ok"}
