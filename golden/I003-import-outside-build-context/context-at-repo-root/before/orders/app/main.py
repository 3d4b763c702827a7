from fastapi import FastAPI

from shared.money import format_cents

app = FastAPI(title="Orders")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/orders/{order_id}/total")
def total(order_id: int):
    return {"order": order_id, "total": format_cents(0)}
