import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

media_dir = os.path.join(os.path.dirname(__file__), "media")


def create_app() -> FastAPI:
    app = FastAPI(title="users")
    app.mount("/media", StaticFiles(directory=media_dir), name="media")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
