from fastapi import FastAPI, Request

app = FastAPI(title="orders")

from app.validation import validate


@app.middleware("http")
async def validate_requests(request: Request, call_next):
    validate(request)
    return await call_next(request)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order
