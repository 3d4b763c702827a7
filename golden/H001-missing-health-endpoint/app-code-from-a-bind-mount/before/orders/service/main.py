"""Orders service: its code reaches the container through the compose bind mount."""
from fastapi import FastAPI

app = FastAPI(title="Orders")


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}
