from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.middleware("http")
async def reject_big_uploads(request: Request, call_next):
    if request.method == "POST":
        if int(request.headers.get("content-length", "0")) > 10_000_000:
            return JSONResponse(status_code=413, content={"detail": "too large"})
    return await call_next(request)


@app.get("/health")
def health():
    return {"status": "ok"}
