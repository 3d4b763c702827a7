from fastapi import FastAPI

from payments.routing import register_routes


def create_app() -> FastAPI:
    application = FastAPI(title="payments")
    register_routes(application)
    return application
