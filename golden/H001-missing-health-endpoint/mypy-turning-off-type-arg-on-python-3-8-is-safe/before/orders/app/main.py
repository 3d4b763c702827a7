"""Orders service: every handler returns a model, so nothing imports typing."""
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="Orders")


class Order(BaseModel):
    id: str


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> Order:
    return Order(id=order_id)
