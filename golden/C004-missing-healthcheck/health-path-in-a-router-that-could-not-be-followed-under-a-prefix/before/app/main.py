from fastapi import FastAPI

from app.presentation import create_router


def create_app() -> FastAPI:
    builder = FastAPI(title="Auth API")
    builder.include_router(create_router(), prefix="/api")
    return builder


app = create_app()
