import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def create_app() -> FastAPI:
    app = FastAPI(title="catalog")
    app.mount("/assets", StaticFiles(directory="assets"), name="assets")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/uploads")
    def upload() -> dict[str, str]:
        os.makedirs("assets/uploads", exist_ok=True)
        return {"status": "stored"}

    return app
