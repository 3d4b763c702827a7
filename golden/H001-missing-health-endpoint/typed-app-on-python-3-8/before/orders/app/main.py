"""Orders service, on Python 3.8: each def's annotations are evaluated when it runs."""
from typing import Dict, List

from fastapi import FastAPI

app = FastAPI(title="Orders")


@app.get("/orders")
def list_orders() -> List[Dict[str, str]]:
    return []


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict:
    return {"id": order_id}
