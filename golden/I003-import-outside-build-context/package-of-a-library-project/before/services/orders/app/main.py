from fastapi import FastAPI

from common.money import Money

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/orders/{oid}")
def get_order(oid: int):
    return {"id": oid, "total": str(Money(10))}
