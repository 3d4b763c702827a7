from fastapi import FastAPI

from app.errors import register_exception_handlers
from app.router import build_master_router


class Settings:
    v1_prefix = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    resolved = settings or Settings()
    app = FastAPI()
    register_exception_handlers(app)
    app.include_router(build_master_router(v1_prefix=resolved.v1_prefix))
    return app


app = create_app()
