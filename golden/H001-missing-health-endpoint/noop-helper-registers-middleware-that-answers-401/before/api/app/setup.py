from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def setup_guard(app: FastAPI):
    @app.middleware("http")
    async def guard(request: Request, call_next):
        if "x-key" not in request.headers:
            return JSONResponse({}, status_code=401)
        return await call_next(request)
