from fastapi import FastAPI

from app.extras import register_socketio_app
from app.ping import ping_router


def create_app() -> FastAPI:
    app = FastAPI()
    register_socketio_app(app)
    app.include_router(ping_router)
    return app


app = create_app()
