from fastapi import FastAPI, Request

app = FastAPI(title="orders")

from fastapi import Depends
from fastapi.security import APIKeyHeader

app.router.dependencies.append(Depends(APIKeyHeader(name="X-API-Key", auto_error=False)))


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order
