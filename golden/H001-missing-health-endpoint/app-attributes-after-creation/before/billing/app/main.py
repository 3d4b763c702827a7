import logging

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from app.config import settings
from app.routers import invoices

logger = logging.getLogger("billing")

app = FastAPI(title="Billing", version=settings.version)
app.state.settings = settings
app.logger = logger

app.add_middleware(GZipMiddleware, minimum_size=1000)
app.mount("/static", StaticFiles(directory="static"), name="static")
app.include_router(invoices.router)

# Shown in the OpenAPI document for the on-call rota.
app.openapi_tags = [{"name": "invoices", "description": "Owned by the payments team."}]
