from fastapi import FastAPI
from app.guard import PermissionMiddleware
from starlette.middleware import Middleware

middleware = [Middleware(PermissionMiddleware)]


def create_app() -> FastAPI:
    app_ = FastAPI(middleware=middleware)

    @app_.get("/auth/login")
    def login() -> dict[str, str]:
        return {"token": "x"}

    return app_


app = create_app()
