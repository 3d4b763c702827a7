import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def create_app() -> FastAPI:
    app = FastAPI(title="catalog")
    os.makedirs("assets", exist_ok=True)
    app.mount("/assets", StaticFiles(directory="assets"), name="assets")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
