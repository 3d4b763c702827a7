"""Orders service."""
from fastapi import FastAPI

from app import ops

app = FastAPI(title="Orders")
app.include_router(ops.router)


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}
