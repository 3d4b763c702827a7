from fastapi import FastAPI

from shared.schemas import Order

app = FastAPI(title="Orders")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/orders/{order_id}")
def get_order(order_id: int) -> Order:
    return Order(id=order_id, total_cents=0)
