from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

middleware = [Middleware(CORSMiddleware, allow_origins=["*"])]


def create_app() -> FastAPI:
    app_ = FastAPI(middleware=middleware)

    @app_.get("/auth/login")
    def login() -> dict[str, str]:
        return {"token": "x"}

    return app_


app = create_app()
