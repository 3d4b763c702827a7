from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

app = FastAPI()


async def verify_token(request: Request, call_next):
    if not request.headers.get("Authorization"):
        return JSONResponse({"detail": "missing token"}, status_code=401)
    return await call_next(request)


app.add_middleware(BaseHTTPMiddleware, dispatch=verify_token)


@app.get("/items")
def items():
    return []
