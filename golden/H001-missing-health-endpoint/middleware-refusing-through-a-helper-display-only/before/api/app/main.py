from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


def reject(code):
    return JSONResponse({"detail": "no"}, status_code=code)


@app.middleware("http")
async def tenant(request: Request, call_next):
    if "x-tenant" not in request.headers:
        return reject(400)
    return await call_next(request)


@app.get("/items")
def items():
    return []
