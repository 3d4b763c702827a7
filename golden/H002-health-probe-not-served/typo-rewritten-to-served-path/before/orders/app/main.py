"""Orders service."""
from fastapi import FastAPI

from app.routers import orders

app = FastAPI(title="orders")
app.include_router(orders.router, prefix="/orders", tags=["orders"])


@app.get("/healthcheck/", include_in_schema=False)
async def healthcheck() -> dict[str, str]:
    return {"status": "ok"}
