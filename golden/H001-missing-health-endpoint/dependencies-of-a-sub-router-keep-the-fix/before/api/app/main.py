from fastapi import FastAPI, Request

app = FastAPI(title="orders")

from fastapi import Depends

from app.api import items
from app.auth import require_key

items.router.dependencies.append(Depends(require_key))
app.include_router(items.router)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order
