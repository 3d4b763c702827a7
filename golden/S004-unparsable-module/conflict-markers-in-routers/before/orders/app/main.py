import os

from fastapi import FastAPI

from app.routers import orders

PAGE_SIZE = int(os.environ.get("ORDERS_PAGE_SIZE", "20"))

app = FastAPI(title="Orders")
app.include_router(orders.router, prefix="/orders")


@app.get("/health")
def health():
    return {"status": "ok"}
