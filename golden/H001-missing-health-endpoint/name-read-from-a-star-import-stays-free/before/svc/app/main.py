from fastapi import FastAPI

from app.checks import *


def create_app():
    app = FastAPI()
    app.state.probe = health

    @app.get("/stock")
    def stock():
        return [app.state.probe.status()]

    return app
