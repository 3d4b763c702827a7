import logging

from fastapi import FastAPI

from app.routers import health

log = logging.getLogger(__name__)
app = FastAPI()

try:
    app.include_router(health.router)
except Exception:
    log.exception("could not include the health router")
    raise
