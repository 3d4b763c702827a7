from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

OPEN_PATHS = ("/docs", "/openapi.json", "/login")


class Middleware:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def register(self) -> None:
        @self.app.middleware("http")
        async def authorization(request: Request, call_next):
            if request.url.path not in OPEN_PATHS and "Authorization" not in request.headers:
                return JSONResponse(status_code=401, content={"detail": "unauthorized"})
            return await call_next(request)
