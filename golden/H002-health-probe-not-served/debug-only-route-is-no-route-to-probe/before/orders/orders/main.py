import os

from fastapi import FastAPI

DEBUG = os.getenv("DEBUG") == "1"


def create_app() -> FastAPI:
    app = FastAPI(title="orders")

    @app.get("/orders")
    def list_orders():
        return []

    if DEBUG:
        @app.get("/debug/ping")
        def debug_ping():
            return {"debug": True}

    return app
