from fastapi import FastAPI

from payments.config import API_PREFIX
from payments.routes import charges, status


def register_routes(app: FastAPI) -> None:
    app.include_router(status.router, prefix=API_PREFIX)
    app.include_router(charges.router, prefix=API_PREFIX)
