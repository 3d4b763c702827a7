from fastapi import FastAPI
from starlette.middleware import Middleware

from app.guard import PermissionMiddleware


def make_middleware() -> list[Middleware]:
    return [Middleware(PermissionMiddleware)]


def create_app() -> FastAPI:
    app_ = FastAPI(middleware=make_middleware())

    @app_.get("/auth/login")
    def login() -> dict[str, str]:
        return {"token": "x"}

    return app_


app = create_app()
