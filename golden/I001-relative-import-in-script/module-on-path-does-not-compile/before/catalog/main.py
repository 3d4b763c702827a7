"""Catalog API: products and their images."""
from fastapi import FastAPI

from .jobs import publish  # thumbnails are rendered by the worker
from .routers import products

app = FastAPI(title="Catalog", version="0.4.0")
app.include_router(products.router)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/reindex", status_code=202)
async def reindex() -> dict[str, str]:
    publish("reindex", {})
    return {"status": "queued"}
