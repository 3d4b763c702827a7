from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

app = FastAPI()


@app.middleware("http")
async def force_https(request: Request, call_next):
    if request.headers.get("x-forwarded-proto", "http") != "https":
        return RedirectResponse(request.url.replace(scheme="https"), status_code=308)
    return await call_next(request)


@app.get("/orders")
def list_orders():
    return []
