"""Inventory API (served as `main:app` from /app)."""
from fastapi import FastAPI

from .database import Base, engine
from .routers import items, orders

Base.metadata.create_all(bind=engine)

app = FastAPI(title="Inventory")
app.include_router(items.router)
app.include_router(orders.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
